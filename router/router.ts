/**
 * The router: reads canonical events, asks the routing engine (core/flows/plan.ts) who
 * receives each, finds each recipient's own identifier of the citizen, and publishes — in one
 * batch per fetched batch — the minimised deliveries plus a receipt per recipient:
 * `delivered`, or `rejected` when a recipient that must hear of every resident (audience
 * `residents`) has no identifier for this citizen (a clear status, never a silent drop). A
 * recipient whose audience is `holders` and that holds no file on the citizen is not concerned:
 * nothing is published for it, as the gateway recorded no status for it (docs/adr/0026). A
 * recipient the citizen objects to, on a route whose basis allows it, gets nothing: an `objected`
 * receipt says so (privacy/objections.ts). Events that are not valid CloudEvents or break their schema
 * go to <prefix>.dlq.router (topics.routerDlq) with the reason.
 */
import type { Bus, IncomingMessage, OutgoingMessage } from '../core/bus/types.ts';
import { decodeCanonical, deliveredData, encodeDelivery, encodeReceipt, type CanonicalEvent } from '../core/envelopes.ts';
import { coded, describeError, RelaisError } from '../core/errors.ts';
import { identifiersFor } from '../identity/identity-store.ts';
import { familyContactsOf, type FamilyContact } from '../identity/family-contact.ts';
import { deathsOf } from '../identity/life-state.ts';
import { objectedSystems, routeAllowsObjection } from '../privacy/objections.ts';
import type { Logger } from '../core/logger.ts';
import type { Flows } from '../core/flows/flows.ts';
import { planDeliveries, subscribedSystems, type PlannedDelivery } from '../core/flows/plan.ts';
import { signingKeyOf } from '../core/keys.ts';
import type { SigningKey } from '../core/signing.ts';
import type { Db } from '../core/store/db.ts';
import { consumerGroups, ensureTopicsOnceKafkaAnswers, type TopicNames } from '../core/topics.ts';
import type { Runtime } from '../core/runtime.ts';
import { routerMetricsHooks, watchGroup } from '../core/metrics.ts';
import { startSpan } from '../core/tracing/spans.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { citizenKeysFromEnv } from '../privacy/keys-from-env.ts';
import { erasedSkippedCounter } from '../privacy/metrics.ts';
import { openBatch, sealMessages } from '../privacy/sealed-messages.ts';
import { DEATH_REGISTERED_V1, isEventType, parseEventData, type EventData, type EventType } from '../schemas/index.ts';

export interface RouterOptions {
  bus: Bus;
  db: Db;
  /** Read for every batch, so a future flow reload applies from the next batch on. */
  flows: () => Flows;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  metrics?: RouterMetrics;
  /** The router's signing key: its receipts (`delivered`, and `rejected` for an unknown identifier) are signed with it. */
  receiptKey: SigningKey;
  /**
   * The citizens' data keys (privacy/): sealed events are opened here, where filters, minimisation
   * and receipts' digests need the plaintext, and what the router publishes is sealed again; an
   * erased citizen's events are skipped and counted (`erased`). Unset: messages pass as they are.
   */
  citizenKeys?: CitizenKeys | undefined;
  erased?: (count: number) => void;
}

/** Hooks for metrics (core/metrics.ts fills them from Prometheus); every hook is optional. */
export interface RouterMetrics {
  routed?(system: string, outcome: 'delivered' | 'rejected'): void;
  invalid?(): void;
}

export interface RunningRouter {
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** A canonical event whose data is valid against its type's schema. */
type ValidEvent = CanonicalEvent & { type: EventType; data: EventData };

function decodeValid(message: IncomingMessage): ValidEvent {
  const event = decodeCanonical(message);
  const { type } = event;
  if (!isEventType(type)) throw new RelaisError('SCHEMA_UNKNOWN', `no schema for event type ${type}`);
  const parsed = parseEventData(type, event.data);
  if (!parsed.ok) {
    throw new RelaisError('EVENT_INVALID', `data breaks ${type}: ${parsed.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
  }
  return { ...event, type, data: parsed.data };
}

/** The message as a log may show it: the logger hides its data by the schema's labels. */
function loggable(message: IncomingMessage): { type: string | undefined; data: unknown } {
  const type = message.headers['ce_type'];
  try {
    return { type, data: JSON.parse(message.value.toString('utf8')) as unknown };
  } catch {
    return { type, data: undefined };
  }
}

function poison(topics: TopicNames, message: IncomingMessage, error: unknown): OutgoingMessage {
  return {
    topic: topics.routerDlq,
    key: message.key ?? '',
    value: message.value,
    headers: {
      ...message.headers,
      relais_error_code: coded(error)?.code ?? 'UNKNOWN',
      relais_error_message: describeError(error).slice(0, 1000),
      relais_failed_at: new Date().toISOString(),
      relais_source_topic: message.topic,
      relais_source_partition: String(message.partition),
      relais_source_offset: message.offset,
    },
  };
}

/** What the store says of the batch's citizens: identifiers, registered deaths, family contacts, objections. */
interface Known {
  identifiers: Map<string, string>;
  deaths: Map<string, string>;
  familyContacts: Map<string, FamilyContact>;
  /** `${pivotId} ${system}` of the objections in force (privacy/objections.ts). */
  objected: Set<string>;
}

/** The citizen's date of death: registered, or registered by this very event. */
function deathDateOf(event: ValidEvent, deaths: Map<string, string>): string | undefined {
  const registered = deaths.get(event.pivotId);
  if (registered !== undefined || event.type !== DEATH_REGISTERED_V1) return registered;
  return (event.data as { dateOfDeath?: string }).dateOfDeath;
}

/**
 * Who a planned delivery goes to: the citizen (by the system's identifier of them), or — the
 * citizen deceased and the route saying `onDeath: family-contact` — their declared family contact;
 * `skip` when it goes to no one (a deceased citizen without a contact: not concerned, as the
 * gateway recorded; docs/flows.md "After a death").
 */
export function recipientOf(
  plan: Pick<PlannedDelivery, 'system' | 'onDeath'>,
  event: Pick<ValidEvent, 'pivotId'>,
  deceasedOn: string | undefined,
  known: Pick<Known, 'identifiers' | 'familyContacts'>,
): { citizenId: string | undefined; familyContact?: FamilyContact } | 'skip' {
  if (plan.onDeath !== 'family-contact' || deceasedOn === undefined)
    return { citizenId: known.identifiers.get(`${event.pivotId} ${plan.system}`) };
  const contact = known.familyContacts.get(event.pivotId);
  return contact ? { citizenId: contact.email, familyContact: contact } : 'skip';
}

/**
 * A routed event's messages: per recipient, its delivery and a `delivered` receipt, or a
 * `rejected` receipt when a `residents` recipient has no identifier for the citizen; nothing
 * for a `holders` recipient without one (not concerned), nor for a deceased citizen's family
 * contact route when none is declared.
 */
function messagesFor(
  options: Pick<RouterOptions, 'topics' | 'metrics' | 'receiptKey'>,
  { event, plans }: { event: ValidEvent; plans: PlannedDelivery[] },
  known: Known & { flows: Flows },
  { traceparent, now }: { traceparent: string; now: string },
): OutgoingMessage[] {
  const { topics } = options;
  const out: OutgoingMessage[] = [];
  const deceasedOn = deathDateOf(event, known.deaths);
  for (const plan of plans) {
    const recipient = recipientOf(plan, event, deceasedOn, known);
    if (recipient === 'skip') continue;
    const { citizenId, familyContact } = recipient;
    const receipt = {
      eventId: event.id,
      system: plan.system,
      at: now,
      route: plan.routeId,
      legalBasis: `${plan.basis}: ${plan.basisReference}`,
    };
    const signed = { pivotId: event.pivotId, source: '/relais/router', topic: topics.receipts, traceparent, signer: options.receiptKey };
    // The citizen objects to this recipient and the route's basis allows it: nothing is sent, and
    // the status says why (settled, not a failure). The objection binds only routes that allow one.
    if (known.objected.has(`${event.pivotId} ${plan.system}`) && routeAllowsObjection(known.flows, plan.routeId)) {
      out.push(encodeReceipt({ ...receipt, status: 'objected', reason: 'OBJECTION: the citizen objects to this recipient' }, signed));
      continue;
    }
    if (citizenId === undefined && plan.audience === 'holders') continue;
    if (citizenId === undefined) {
      options.metrics?.routed?.(plan.system, 'rejected');
      out.push(
        encodeReceipt(
          { ...receipt, status: 'rejected', reason: `IDENTITY_UNKNOWN: no identifier is known for this citizen in ${plan.system}` },
          signed,
        ),
      );
      continue;
    }
    options.metrics?.routed?.(plan.system, 'delivered');
    out.push(
      encodeDelivery(
        {
          eventId: event.id,
          type: event.type,
          pivotId: event.pivotId,
          system: plan.system,
          routeId: plan.routeId,
          citizenId,
          ...(familyContact
            ? { familyContact: { name: familyContact.name, relationship: familyContact.relationship, language: familyContact.language } }
            : {}),
          data: plan.data,
          time: event.time,
          traceparent,
          seq: event.seq,
          citizenDeceasedOn: deceasedOn,
          channel: event.channel,
        },
        topics.delivery(plan.system),
      ),
      encodeReceipt({ ...receipt, status: 'delivered', ...deliveredData(plan.data) }, signed),
    );
  }
  return out;
}

/**
 * A re-driven event (identity/crosswalk.ts redriveUnknown) goes only to the systems named in its
 * relais_redrive_systems header: the others settled it already.
 */
function redriven(message: IncomingMessage, plans: PlannedDelivery[]): PlannedDelivery[] {
  const header = message.headers['relais_redrive_systems'];
  if (header === undefined) return plans;
  const systems = new Set(header.split(','));
  return plans.filter((plan) => systems.has(plan.system));
}

/** Routes one batch of events: the messages to publish for it. Pure but for the identity lookup. */
export async function routeBatch(
  options: Pick<RouterOptions, 'db' | 'flows' | 'topics' | 'logger' | 'metrics' | 'receiptKey'>,
  messages: IncomingMessage[],
): Promise<OutgoingMessage[]> {
  const { topics } = options;
  const flows = options.flows();
  const out: OutgoingMessage[] = [];
  const planned: { event: ValidEvent; plans: PlannedDelivery[] }[] = [];
  for (const message of messages) {
    try {
      const event = decodeValid(message);
      planned.push({ event, plans: redriven(message, planDeliveries(flows, event).deliveries) });
    } catch (error) {
      options.metrics?.invalid?.();
      options.logger.warn(
        {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          error: describeError(error),
          event: loggable(message),
        },
        'invalid event dead-lettered',
      );
      out.push(poison(topics, message, error));
    }
  }
  // Four independent reads, side by side on the pool: one round trip's wait per batch, not four.
  const [identifiers, deaths, familyContacts, objected] = await Promise.all([
    identifiersFor(
      options.db,
      planned.map((p) => p.event.pivotId),
      planned.flatMap((p) => p.plans.map((d) => d.system)),
    ),
    // Life state: deliveries about a deceased citizen say so, so no connector writes to their own address.
    deathsOf(
      options.db,
      planned.map((p) => p.event.pivotId),
    ),
    // Only the citizens a family-contact route is planned for: other batches cost no query.
    familyContactsOf(
      options.db,
      planned.filter((p) => p.plans.some((d) => d.onDeath === 'family-contact')).map((p) => p.event.pivotId),
    ),
    objectedSystems(
      options.db,
      planned.filter((p) => p.plans.some((d) => routeAllowsObjection(flows, d.routeId))).map((p) => p.event.pivotId),
    ),
  ]);
  const now = new Date().toISOString();
  for (const { event, plans } of planned) {
    const span = startSpan(`route ${event.type}`, {
      parent: event.traceparent,
      kind: 'consumer',
      attributes: { 'messaging.system': 'kafka', 'relais.recipients': plans.length },
    });
    const { traceparent } = span;
    span.end();
    out.push(...messagesFor(options, { event, plans }, { identifiers, deaths, familyContacts, objected, flows }, { traceparent, now }));
  }
  return out;
}

/**
 * routeBatch between the privacy codec's two calls: the batch opened (an erased citizen's events
 * dropped and counted), the deliveries and dead letters sealed again; receipts stay as they are
 * (no values, and signed over their bytes).
 */
async function routeSealed(options: RouterOptions, messages: IncomingMessage[]): Promise<OutgoingMessage[]> {
  const keys = options.citizenKeys;
  if (!keys) return routeBatch(options, messages);
  const { readable, erased } = await openBatch(keys, options.db, messages);
  options.erased?.(erased);
  const out = await routeBatch(options, readable);
  return sealMessages(keys, options.db, out, (m) => m.topic === options.topics.receipts);
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const subscription = await options.bus.consume({
    groupId: options.groupId,
    topics: [options.topics.events],
    fromBeginning: true,
    handler: async (messages, context) => {
      const out = await routeSealed(options, messages);
      // One publish per batch: deliveries and receipts go out together, then offsets commit.
      if (out.length > 0) await options.bus.publish(out);
      for (const message of messages) context.markProcessed(message);
    },
  });
  return { ready: subscription.ready, stop: () => subscription.close() };
}

/** Starts the router on a runtime, creating the topics it reads and writes; citizen keys from RELAIS_MASTER_KEY_FILE unless given. */
export async function startRouterOn(runtime: Runtime, citizenKeys = citizenKeysFromEnv(process.env)): Promise<RunningRouter> {
  const { bus, config, topics, logger, db } = runtime;
  const systems = subscribedSystems(runtime.flows());
  await ensureTopicsOnceKafkaAnswers(bus, config, systems, logger);
  const groupId = consumerGroups(config.topicPrefix).router;
  watchGroup(runtime.metrics, bus, groupId, [topics.events]);
  const receiptKey = signingKeyOf(config, 'router', 'receiptKey');
  const erased = erasedSkippedCounter(runtime.metrics.registry);
  return startRouter({
    bus,
    db,
    flows: runtime.flows,
    topics,
    logger,
    groupId,
    metrics: routerMetricsHooks(runtime.metrics),
    receiptKey,
    citizenKeys,
    erased: (count) => erased('router', count),
  });
}
