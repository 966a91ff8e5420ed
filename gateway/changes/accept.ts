/**
 * Accepting a change: from a checked request to the store in one straight line, for
 * POST /v1/changes and POST /v1/service-requests alike. Each step is one call into the kernel;
 * no step comes back through another gateway module before the commit (docs/adr/0016).
 *
 *   1. a citizen named by civil data is looked up in the register first (civil.ts): an
 *      ambiguous answer holds the change for an identity review (no recipients, no outbox);
 *   2. who the change concerns: planDeliveries (core/flows), the question the router asks too,
 *      then, once the citizen is known, only the systems that hold a file on them where the
 *      route's audience is `holders` (concernedOnly; docs/adr/0026);
 *   3. one transaction: an earlier use of the Idempotency-Key (core/store); the citizen resolved
 *      and locked (core/identity); the event encoded (core/envelopes); the change, its `pending`
 *      recipients, its audit entry and its outbox row in one statement (core/store); the email
 *      address given for notifications (core/identity); the caller's own rows (`within`);
 *   4. the answer, built from what was written (view.ts) once the transaction committed.
 */
import type { CivilIdentity } from '../../identity/civil-identity.ts';
import { holdingSystems, lockCitizen, replaceIdentifier, type CitizenReference } from '../../identity/identity-store.ts';
import { encodeCanonical } from '../../core/envelopes.ts';
import type { Flows } from '../../core/flows/flows.ts';
import { concernedOnly, planDeliveries, type DeliveryPlan, type NotConcerned } from '../../core/flows/plan.ts';
import { bereavementOf } from '../../identity/family-contact.ts';
import { newEventId } from '../../core/ids.ts';
import { changeByIdempotencyKey, insertChange, type ChangeRecord } from '../../core/store/change-record.ts';
import { isUniqueViolation, type Queryable } from '../../core/store/db.ts';
import { schemaIdOf, type EventData, type EventType } from '../../schemas/index.ts';
import type { Caller } from '../auth.ts';
import { HttpProblem } from '../problems.ts';
import { appendAudit } from '../../core/audit/append.ts';
import { RelaisError } from '../../core/errors.ts';
import { deathOf } from '../../identity/life-state.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { recordLinkMatch } from '../../identity/match-record.ts';
import { recordLanguage } from '../../privacy/settled-notice.ts';
import { insertReview, resolveCivil, type HeldIdentity, type ResolvedCitizen } from './civil.ts';
import { toChange, type ChangeRow } from './view.ts';
import type { CitizenKeys } from '../../privacy/citizen-keys.ts';
import { sealChange } from '../../privacy/sealed-messages.ts';

type Change = components['schemas']['Change'];
type Channel = components['schemas']['Channel'];

/** The CloudEvents source of every event the gateway publishes. */
export const GATEWAY_SOURCE = '/relais/gateway';

export type AcceptDeps = Pick<
  GatewayDeps,
  'db' | 'topics' | 'logger' | 'identityResolver' | 'identityTimeoutMs' | 'identityThresholds' | 'onChangeAccepted' | 'citizenKeys'
>;

export interface ChangeToAccept {
  type: EventType;
  /** Valid against the type's schema (the route checked it). */
  data: EventData;
  channel: Channel;
  /** As the request names the citizen: by pivot id, by one system's identifier, or by civil data. */
  citizen: CitizenReference | { civil: CivilIdentity };
  /** The systems the citizen asks to inform (citizen-request routes). */
  recipients?: string[] | undefined;
  /** Who tells Relais; the system it speaks for, if any, never receives the change back. */
  caller: Caller;
  idempotencyKey?: string | undefined;
  requestHash: string;
  traceparent: string;
  /** The address the citizen gave for notifications: their identifier in each email system. */
  contactEmail?: string | undefined;
  /** The language given for notifications (a contact change's `language`). */
  contactLanguage?: 'fr' | 'en' | undefined;
  /** The change's id when the caller needs it beforehand (a service request's data carries it). */
  id?: string | undefined;
  /** More writes in the change's transaction (a service request's own rows). */
  within?: ((tx: Queryable, accepted: { id: string; pivotId: string; acceptedAt: Date }) => Promise<void>) | undefined;
}

export type AcceptOutcome =
  | { outcome: 'created'; change: Change }
  /** The same caller sent the same body with this Idempotency-Key: `changeId` is the answer. */
  | { outcome: 'replayed'; changeId: string }
  | { outcome: 'idempotency-conflict'; changeId: string }
  /** The reference names no citizen and may not create one (mayCreateCitizen): nothing was stored. */
  | { outcome: 'unknown-citizen'; reference: CitizenReference }
  /** A death is registered for the citizen and the change is not the register's: nothing was stored, the refusal audited. */
  | { outcome: 'citizen-deceased'; dateOfDeath: string };

/** What the transaction wrote, for the answer. */
export interface Written {
  row: ChangeRow;
  pending: string[];
  notConcerned: NotConcerned[];
}

function emailSystems(flows: Flows): string[] {
  return [...flows.systems].filter(([, system]) => system.connector === 'email').map(([name]) => name);
}

export function recordOf(change: ChangeToAccept, id: string, acceptedAt: Date): Omit<ChangeRecord, 'pivotId' | 'plannedSystems'> {
  return {
    id,
    type: change.type,
    channel: change.channel,
    caller: change.caller.name,
    originSystem: change.caller.system,
    recipients: change.recipients,
    data: change.data,
    traceparent: change.traceparent,
    idempotencyKey: change.idempotencyKey,
    requestHash: change.requestHash,
    acceptedAt,
  };
}

export function rowOf(change: ChangeToAccept, id: string, pivotId: string | null, acceptedAt: Date): ChangeRow {
  return {
    id,
    type: change.type,
    pivot_id: pivotId,
    channel: change.channel,
    origin_system: change.caller.system ?? null,
    accepted_at: acceptedAt,
    review: null,
    review_id: null,
    review_status: null,
  };
}

/** Stores a change held for review: no citizen, no recipients, nothing in the outbox. */
async function hold(tx: Queryable, change: ChangeToAccept, id: string, held: HeldIdentity): Promise<Written> {
  const acceptedAt = new Date();
  await insertChange(tx, { ...recordOf(change, id, acceptedAt), pivotId: null, plannedSystems: [], review: 'held' });
  const reviewId = await insertReview(tx, id, held);
  return {
    row: { ...rowOf(change, id, null, acceptedAt), review: 'held', review_id: reviewId, review_status: 'pending' },
    pending: [],
    notConcerned: [],
  };
}

/**
 * No accidental citizens: an identifier the crosswalk does not know names no one, unless the
 * register itself just answered with it (civil data, exact match), or the change comes from the
 * system that issued it and that system's flow allows first sightings (`firstSightings: allow`).
 */
export function mayCreateCitizen(
  flows: Flows,
  caller: Pick<Caller, 'system'>,
  citizen: Extract<ResolvedCitizen, { reference: unknown }>,
): boolean {
  if (citizen.provenance?.method === 'civil-data-exact') return true;
  const { reference } = citizen;
  if ('pivotId' in reference || caller.system !== reference.system) return false;
  return flows.systems.get(reference.system)?.firstSightings === 'allow';
}

/** The event a change is published as (its outbox row): numbered `seq` among the citizen's changes. */
export function eventOf(
  change: ChangeToAccept,
  accepted: { id: string; pivotId: string; seq: number; acceptedAt: Date },
  topic: string,
): ReturnType<typeof encodeCanonical> {
  return encodeCanonical(
    {
      id: accepted.id,
      type: change.type,
      source: GATEWAY_SOURCE,
      pivotId: accepted.pivotId,
      time: accepted.acceptedAt.toISOString(),
      data: change.data,
      dataschema: schemaIdOf(change.type),
      traceparent: change.traceparent,
      channel: change.channel,
      origin: change.caller.system,
      recipients: change.recipients,
      seq: accepted.seq,
    },
    topic,
  );
}

/** Stores a change about a citizen with its recipients and its outbox row; nothing when the reference names no one. */
async function store(
  tx: Queryable,
  input: {
    change: ChangeToAccept;
    id: string;
    citizen: Extract<ResolvedCitizen, { reference: unknown }>;
    plan: DeliveryPlan;
    flows: Flows;
    topic: string;
    keys: CitizenKeys | undefined;
  },
): Promise<Written | AcceptOutcome> {
  const { change, id, citizen } = input;
  // One citizen's changes are accepted one after the other: the second waits for the first
  // to commit, so its outbox row gets a higher id AND becomes visible later, and the relay
  // (which publishes in id order) cannot send them out of order.
  const locked = await lockCitizen(tx, citizen.reference, citizen.provenance ?? { method: 'first-sighting', by: change.caller.name }, {
    firstSighting: mayCreateCitizen(input.flows, change.caller, citizen),
  });
  if (!locked) return { outcome: 'unknown-citizen', reference: citizen.reference };
  if (citizen.match && 'system' in citizen.reference)
    await recordLinkMatch(tx, citizen.reference.system, citizen.reference.id, citizen.match);
  const { pivotId, seq } = locked;
  // Life state: after a registered death only the register may still correct the record.
  const dateOfDeath = await deathOf(tx, pivotId);
  if (dateOfDeath !== undefined && !fromRegister(input.flows, change.caller)) throw new CitizenDeceased(pivotId, dateOfDeath);
  const acceptedAt = new Date();
  const encoded = eventOf(change, { id, pivotId, seq, acceptedAt }, input.topic);
  // The address given for notifications is linked first: it makes the email system a holder.
  const email = change.contactEmail;
  if (email) for (const system of emailSystems(input.flows)) await replaceIdentifier(tx, pivotId, system, email);
  if (change.contactLanguage) await recordLanguage(tx, pivotId, change.contactLanguage);
  const { systems, notConcerned } = await concernedIn(tx, pivotId, input.plan, change.type);
  // Personal data leaves the gateway sealed with the citizen's key: in the store and on Kafka (docs/adr/0032).
  const { data, event } = await sealChange(input.keys, tx, { id, pivotId, type: change.type, data: change.data }, encoded);
  await insertChange(tx, { ...recordOf(change, id, acceptedAt), data, pivotId, seq, plannedSystems: systems, notConcerned, outbox: event });
  await change.within?.(tx, { id, pivotId, acceptedAt });
  return { row: rowOf(change, id, pivotId, acceptedAt), pending: systems, notConcerned };
}

/** `422 citizen-unknown`, naming the field of the reference that names no one. */
export function citizenUnknown(reference: CitizenReference): HttpProblem {
  if ('pivotId' in reference) {
    return new HttpProblem('citizen-unknown', 'no citizen has this pivot id', [{ field: '/citizen/pivotId', message: 'unknown citizen' }]);
  }
  return new HttpProblem(
    'citizen-unknown',
    // The identifier itself is not repeated: it may be personal data (an email address).
    `the crosswalk knows no citizen by this ${reference.system} identifier, and this caller may not make one known (docs/flows.md, firstSightings)`,
    [{ field: '/citizen/id', message: `unknown ${reference.system} identifier` }],
  );
}

/** The register's own corrections (a credential or source of a system whose connector is the civil registry's). */
export function fromRegister(flows: Flows, caller: Pick<Caller, 'system'>): boolean {
  return caller.system !== undefined && flows.systems.get(caller.system)?.connector === 'civil-registry';
}

/**
 * Thrown inside the change's transaction, so that nothing of it is kept (the citizen's lock and
 * number included); a RelaisError, which the store passes through as it is.
 */
class CitizenDeceased extends RelaisError {
  readonly pivotId: string;
  readonly dateOfDeath: string;
  constructor(pivotId: string, dateOfDeath: string) {
    super('CITIZEN_DECEASED', 'a death is registered for this citizen');
    this.pivotId = pivotId;
    this.dateOfDeath = dateOfDeath;
  }
}

/** The refusal of a change about a deceased citizen, in the audit log (the rule, never personal data). */
export async function auditDeceased(
  deps: Pick<AcceptDeps, 'db'>,
  change: ChangeToAccept,
  refused: Pick<CitizenDeceased, 'pivotId' | 'dateOfDeath'>,
): Promise<AcceptOutcome> {
  await appendAudit(deps.db, {
    actor: change.caller.name,
    action: 'change.refused',
    pivotId: refused.pivotId,
    channel: change.channel,
    details: { rule: 'citizen-deceased', type: change.type },
  });
  return { outcome: 'citizen-deceased', dateOfDeath: refused.dateOfDeath };
}

/**
 * The plan restricted to the systems that hold a file on the citizen, where the audience asks it,
 * and to the routes that may write to a deceased citizen's family contact when one is declared
 * (concernedOnly). The event type tells whether the change itself registers a death.
 */
export async function concernedIn(
  tx: Queryable,
  pivotId: string,
  plan: DeliveryPlan,
  type: string,
  /** The systems holding a file on the citizen, when the caller read them already (a group commit). */
  known?: Set<string>,
): Promise<ReturnType<typeof concernedOnly>> {
  const bereaved = await bereavementOf(tx, pivotId, type, plan);
  if (!bereaved && plan.deliveries.every((d) => d.audience === 'residents')) return { ...plan, notConcerned: [] };
  const holders = known ?? (await holdingSystems(tx, pivotId));
  return concernedOnly(plan, (system) => holders.has(system), bereaved);
}

/** `409 citizen-deceased`, naming the date of the registered death. */
export function citizenDeceased(dateOfDeath: string): HttpProblem {
  return new HttpProblem(
    'citizen-deceased',
    `a death is registered for this citizen (date of death ${dateOfDeath}); only the civil register may still correct their record`,
    [{ field: '/citizen', message: `deceased on ${dateOfDeath}` }],
  );
}

/** The outcome when this caller already used the Idempotency-Key: a replay, or a conflict. */
async function earlierUse(db: Queryable, change: ChangeToAccept): Promise<AcceptOutcome | undefined> {
  if (!change.idempotencyKey) return undefined;
  const earlier = await changeByIdempotencyKey(db, change.caller.name, change.idempotencyKey);
  if (!earlier) return undefined;
  return { outcome: earlier.requestHash === change.requestHash ? 'replayed' : 'idempotency-conflict', changeId: earlier.id };
}

export async function acceptChange(deps: AcceptDeps, flows: Flows, change: ChangeToAccept): Promise<AcceptOutcome> {
  const citizen: ResolvedCitizen =
    'civil' in change.citizen
      ? await resolveCivil(deps.identityResolver, change.citizen.civil, change.caller.name, {
          timeoutMs: deps.identityTimeoutMs ?? 10_000,
          thresholds: deps.identityThresholds,
          logger: deps.logger,
        })
      : { reference: change.citizen };
  // A held change has no recipients yet: they are planned again when its review releases it.
  const { type, data, channel, recipients } = change;
  const plan = planDeliveries(flows, { type, data, channel, recipients, origin: change.caller.system });
  const id = change.id ?? newEventId();
  let written: Written | AcceptOutcome;
  try {
    written = await deps.db.transaction(
      async (tx) =>
        (await earlierUse(tx, change)) ??
        ('held' in citizen
          ? hold(tx, change, id, citizen.held)
          : store(tx, { change, id, citizen, plan, flows, topic: deps.topics.events, keys: deps.citizenKeys })),
    );
  } catch (error) {
    if (error instanceof CitizenDeceased) return auditDeceased(deps, change, error);
    // Two requests with the same key raced: the loser reads what the winner stored.
    const earlier = change.idempotencyKey && isUniqueViolation(error) ? await earlierUse(deps.db, change) : undefined;
    if (!earlier) throw error;
    return earlier;
  }
  if ('outcome' in written) return written;
  deps.onChangeAccepted?.();
  return created(id, written);
}

/** The answer to a created change, built from what was just written: no need to read it back. */
export function created(id: string, { row, pending, notConcerned }: Written): AcceptOutcome {
  const statuses = [...pending]
    .sort()
    .map((system) => ({ change_id: id, system, status: 'pending' as const, reason: null, status_at: row.accepted_at }));
  return { outcome: 'created', change: toChange({ ...row, not_concerned: notConcerned.length ? notConcerned : null }, statuses) };
}
