/**
 * The router: reads canonical events, asks the routing engine (core/flows/plan.ts) who
 * receives each, finds each recipient's own identifier of the citizen, and publishes — in one
 * batch per fetched batch — the minimised deliveries plus a receipt per recipient:
 * `delivered`, or `rejected` when the recipient has no identifier for this citizen (a clear
 * status, never a silent drop). Events that are not valid CloudEvents or break their schema
 * go to <prefix>.dlq.router (topics.routerDlq) with the reason.
 */
import type { Bus, IncomingMessage, OutgoingMessage } from '../core/bus/types.ts';
import { decodeCanonical, encodeDelivery, encodeReceipt, type CanonicalEvent } from '../core/envelopes.ts';
import { coded, describeError, RelaisError } from '../core/errors.ts';
import { identifiersFor } from '../core/identity/identity-store.ts';
import type { Logger } from '../core/logger.ts';
import type { Flows } from '../core/flows/flows.ts';
import { planDeliveries, subscribedSystems, type PlannedDelivery } from '../core/flows/plan.ts';
import type { Db } from '../core/store/db.ts';
import { consumerGroups, ensureTopics, type TopicNames } from '../core/topics.ts';
import type { Runtime } from '../core/runtime.ts';
import { routerMetricsHooks, watchGroup } from '../core/metrics.ts';
import { startSpan } from '../core/tracing/spans.ts';
import { isEventType, parseEventData, type EventData, type EventType } from '../schemas/index.ts';

export interface RouterOptions {
  bus: Bus;
  db: Db;
  /** Read for every batch, so a future flow reload applies from the next batch on. */
  flows: () => Flows;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  metrics?: RouterMetrics;
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

/**
 * A routed event's messages: per recipient, its delivery and a `delivered` receipt, or a
 * `rejected` receipt when the recipient has no identifier for the citizen.
 */
function messagesFor(
  options: Pick<RouterOptions, 'topics' | 'metrics'>,
  { event, plans }: { event: ValidEvent; plans: PlannedDelivery[] },
  identifiers: Map<string, string>,
  { traceparent, now }: { traceparent: string; now: string },
): OutgoingMessage[] {
  const { topics } = options;
  const out: OutgoingMessage[] = [];
  for (const plan of plans) {
    const citizenId = identifiers.get(`${event.pivotId} ${plan.system}`);
    const receipt = { eventId: event.id, system: plan.system, at: now };
    if (citizenId === undefined) {
      options.metrics?.routed?.(plan.system, 'rejected');
      out.push(
        encodeReceipt(
          { ...receipt, status: 'rejected', reason: `IDENTITY_UNKNOWN: no identifier is known for this citizen in ${plan.system}` },
          { pivotId: event.pivotId, source: '/relais/router', topic: topics.receipts, traceparent },
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
          data: plan.data,
          time: event.time,
          traceparent,
        },
        topics.delivery(plan.system),
      ),
      encodeReceipt(
        { ...receipt, status: 'delivered' },
        { pivotId: event.pivotId, source: '/relais/router', topic: topics.receipts, traceparent },
      ),
    );
  }
  return out;
}

/** Routes one batch of events: the messages to publish for it. Pure but for the identity lookup. */
export async function routeBatch(
  options: Pick<RouterOptions, 'db' | 'flows' | 'topics' | 'logger' | 'metrics'>,
  messages: IncomingMessage[],
): Promise<OutgoingMessage[]> {
  const { topics } = options;
  const flows = options.flows();
  const out: OutgoingMessage[] = [];
  const planned: { event: ValidEvent; plans: PlannedDelivery[] }[] = [];
  for (const message of messages) {
    try {
      const event = decodeValid(message);
      planned.push({ event, plans: planDeliveries(flows, event).deliveries });
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
  const identifiers = await identifiersFor(
    options.db,
    planned.map((p) => p.event.pivotId),
    planned.flatMap((p) => p.plans.map((d) => d.system)),
  );
  const now = new Date().toISOString();
  for (const { event, plans } of planned) {
    const span = startSpan(`route ${event.type}`, {
      parent: event.traceparent,
      kind: 'consumer',
      attributes: { 'messaging.system': 'kafka', 'relais.recipients': plans.length },
    });
    const { traceparent } = span;
    span.end();
    out.push(...messagesFor(options, { event, plans }, identifiers, { traceparent, now }));
  }
  return out;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const subscription = await options.bus.consume({
    groupId: options.groupId,
    topics: [options.topics.events],
    fromBeginning: true,
    handler: async (messages, context) => {
      const out = await routeBatch(options, messages);
      // One publish per batch: deliveries and receipts go out together, then offsets commit.
      if (out.length > 0) await options.bus.publish(out);
      for (const message of messages) context.markProcessed(message);
    },
  });
  return { ready: subscription.ready, stop: () => subscription.close() };
}

/** Starts the router on a runtime, creating the topics it reads and writes. */
export async function startRouterOn(runtime: Runtime): Promise<RunningRouter> {
  const { bus, config, topics, logger, db } = runtime;
  const systems = subscribedSystems(runtime.flows());
  await ensureTopics(bus, config, systems);
  const groupId = consumerGroups(config.topicPrefix).router;
  watchGroup(runtime.metrics, bus, groupId, [topics.events]);
  return startRouter({ bus, db, flows: runtime.flows, topics, logger, groupId, metrics: routerMetricsHooks(runtime.metrics) });
}
