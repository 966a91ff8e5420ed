/**
 * Group commit (docs/adr/0034): changes accepted while the store is busy with a previous group
 * are written together — one transaction, a handful of multi-row statements whatever the group's
 * size — and each request is answered once the commit holding its change is durable. A lone
 * change goes at once (a group of one); under load, groups grow by themselves.
 *
 * Only the common shape takes this path: a citizen named by pivot id or by a known identifier,
 * no review, no caller rows, no notification address. Anything else, and any change the group
 * cannot settle by itself (an unknown or merged citizen, an Idempotency-Key used twice in the
 * group), goes through acceptChange after the group, exactly as without grouping. If the group's
 * transaction fails as a whole (a deadlock, a key raced by another replica), every change of it
 * is accepted again on its own: a group never turns one change's problem into another's.
 *
 * The guarantees stay those of acceptChange:
 * - per citizen, changes are numbered (`seq`) and written to the outbox in the order they were
 *   accepted: the citizens' rows are locked by the group's transaction, a citizen's changes in a
 *   group take consecutive numbers in arrival order, and the outbox rows take ids in that order;
 * - one group at a time: two groups never wait on each other's citizens;
 * - an Idempotency-Key answers its first change, in or out of a group.
 * A change refused for a registered death leaves a gap in the citizen's numbers (it was counted
 * before the death was read under the lock); numbers order changes, they do not count them.
 */
import type { Flows } from '../../core/flows/flows.ts';
import { planDeliveries, type DeliveryPlan } from '../../core/flows/plan.ts';
import { newEventId } from '../../core/ids.ts';
import { insertChanges, type ChangeRecord } from '../../core/store/change-record.ts';
import type { Queryable } from '../../core/store/db.ts';
import { holdingSystemsOf } from '../../identity/identity-store.ts';
import { deathsOf } from '../../identity/life-state.ts';
import { sealChangeWith } from '../../privacy/sealed-messages.ts';
import { HttpProblem } from '../problems.ts';
import {
  acceptChange,
  auditDeceased,
  concernedIn,
  created,
  eventOf,
  fromRegister,
  recordOf,
  rowOf,
  type AcceptDeps,
  type AcceptOutcome,
  type ChangeToAccept,
  type Written,
} from './accept.ts';

/** A change waiting for its group, and how to answer it. */
interface Waiting {
  flows: Flows;
  change: ChangeToAccept & { citizen: { pivotId: string } | { system: string; id: string } };
  plan: DeliveryPlan;
  id: string;
  resolve(outcome: AcceptOutcome): void;
  reject(error: unknown): void;
}

/** What the group decided for a change: written, refused, or left to acceptChange. */
type Decision = { written: Written } | { outcome: AcceptOutcome } | { deceased: { pivotId: string; dateOfDeath: string } } | 'alone';

const citizenKey = (reference: { pivotId: string } | { system: string; id: string }): string =>
  'pivotId' in reference ? `pivot ${reference.pivotId.toLowerCase()}` : `${reference.system} ${reference.id}`;

/** Earlier uses of the group's Idempotency-Keys, by caller and key. */
async function earlierUses(tx: Queryable, group: Waiting[]): Promise<Map<string, { id: string; requestHash: string }>> {
  const keyed = group.filter((w) => w.change.idempotencyKey);
  if (keyed.length === 0) return new Map();
  const result = await tx.query<{ caller: string; idempotency_key: string; id: string; request_hash: string }>(
    `SELECT c.caller, c.idempotency_key, c.id::text AS id, c.request_hash
       FROM changes c JOIN unnest($1::text[], $2::text[]) AS k(caller, key) ON c.caller = k.caller AND c.idempotency_key = k.key`,
    [keyed.map((w) => w.change.caller.name), keyed.map((w) => w.change.idempotencyKey)],
  );
  return new Map(result.rows.map((row) => [`${row.caller} ${row.idempotency_key}`, { id: row.id, requestHash: row.request_hash }]));
}

/**
 * Resolves the group's citizens and locks them, numbering their changes, in one statement: the
 * citizen of each reference (a pivot id, or the crosswalk's answer for an identifier), and for
 * each citizen found and not merged, its sequence advanced by its number of changes in the group.
 * Returns, per reference, the pivot id and the last number before the group.
 */
async function lockCitizens(tx: Queryable, group: Waiting[]): Promise<Map<string, { pivotId: string; before: number }>> {
  const references = [...new Map(group.map((w) => [citizenKey(w.change.citizen), w.change.citizen])).entries()];
  const counts = new Map<string, number>();
  for (const w of group) counts.set(citizenKey(w.change.citizen), (counts.get(citizenKey(w.change.citizen)) ?? 0) + 1);
  const result = await tx.query<{ key: string; pivot_id: string; change_seq: string; n: number }>(
    `WITH refs AS (
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::int[]) AS r(key, pivot_id, system, local_id, n)
     ), resolved AS (
       SELECT r.key, COALESCE(r.pivot_id, ci.pivot_id) AS pivot_id, r.n
         FROM refs r LEFT JOIN citizen_identifiers ci ON r.pivot_id IS NULL AND ci.system = r.system AND ci.local_id = r.local_id
     ), per_citizen AS (
       SELECT pivot_id, sum(n)::int AS n FROM resolved WHERE pivot_id IS NOT NULL GROUP BY pivot_id
     ), locked AS (
       UPDATE citizens c SET change_seq = c.change_seq + p.n FROM per_citizen p
        WHERE c.pivot_id = p.pivot_id AND c.merged_into IS NULL
       RETURNING c.pivot_id, c.change_seq, p.n
     )
     SELECT r.key, l.pivot_id::text AS pivot_id, l.change_seq::text AS change_seq, l.n FROM resolved r JOIN locked l ON l.pivot_id = r.pivot_id`,
    [
      references.map(([key]) => key),
      references.map(([, ref]) => ('pivotId' in ref ? ref.pivotId.toLowerCase() : null)),
      references.map(([, ref]) => ('system' in ref ? ref.system : null)),
      references.map(([, ref]) => ('id' in ref ? ref.id : null)),
      references.map(([key]) => counts.get(key) ?? 0),
    ],
  );
  return new Map(result.rows.map((row) => [row.key, { pivotId: row.pivot_id, before: Number(row.change_seq) - row.n }]));
}

/** The group's decisions, written in the caller's transaction. */
async function decide(tx: Queryable, deps: AcceptDeps, group: Waiting[]): Promise<Decision[]> {
  const earlier = await earlierUses(tx, group);
  // Undefined: the group writes it, once its citizen is locked.
  const decisions: (Decision | undefined)[] = [];
  const keysSeen = new Set<string>();
  for (const w of group) {
    const key = w.change.idempotencyKey && `${w.change.caller.name} ${w.change.idempotencyKey}`;
    const found = key ? earlier.get(key) : undefined;
    if (found) {
      const outcome = found.requestHash === w.change.requestHash ? 'replayed' : 'idempotency-conflict';
      decisions.push({ outcome: { outcome, changeId: found.id } });
    } else if (key && keysSeen.has(key)) {
      // A key used twice in the group: the second answers after the first is committed.
      decisions.push('alone');
    } else {
      if (key) keysSeen.add(key);
      decisions.push(undefined);
    }
  }
  const candidates = group.filter((_, i) => decisions[i] === undefined);
  const locked = await lockCitizens(tx, candidates);
  const pivots = [...new Set([...locked.values()].map((l) => l.pivotId))];
  const [deaths, holders] = await Promise.all([deathsOf(tx, pivots), holdingSystemsOf(tx, pivots)]);
  // The living citizens' keys at once (created for a first change), not one round trip each.
  const keys = await deps.citizenKeys?.sealingKeys(
    tx,
    pivots.filter((pivotId) => !deaths.has(pivotId)),
  );
  const numbered = new Map<string, number>();
  const records: ChangeRecord[] = [];
  for (const w of candidates) {
    const citizen = locked.get(citizenKey(w.change.citizen));
    if (!citizen) continue;
    const { pivotId } = citizen;
    const seq = citizen.before + (numbered.get(pivotId) ?? 0) + 1;
    numbered.set(pivotId, seq - citizen.before);
    const index = group.indexOf(w);
    const dateOfDeath = deaths.get(pivotId);
    if (dateOfDeath !== undefined && !fromRegister(w.flows, w.change.caller)) {
      decisions[index] = { deceased: { pivotId, dateOfDeath } };
      continue;
    }
    const acceptedAt = new Date();
    const { systems, notConcerned } = await concernedIn(tx, pivotId, w.plan, w.change.type, holders.get(pivotId));
    // Sealed with the citizen's key, as acceptChange does (docs/adr/0032).
    const encoded = eventOf(w.change, { id: w.id, pivotId, seq, acceptedAt }, deps.topics.events);
    const key = keys?.get(pivotId) ?? (await deps.citizenKeys?.sealingKey(tx, pivotId));
    const sealed = sealChangeWith(key, { id: w.id, type: w.change.type, data: w.change.data }, encoded);
    records.push({
      ...recordOf(w.change, w.id, acceptedAt),
      data: sealed.data,
      pivotId,
      seq,
      plannedSystems: systems,
      notConcerned,
      outbox: sealed.event,
    });
    decisions[index] = { written: { row: rowOf(w.change, w.id, pivotId, acceptedAt), pending: systems, notConcerned } };
  }
  await insertChanges(tx, records);
  // Not locked (unknown or merged): acceptChange decides, after the group.
  return decisions.map((d) => d ?? 'alone');
}

/** Answers each change of a committed group; those the group left go through acceptChange. */
async function answer(deps: AcceptDeps, group: Waiting[], decisions: Decision[]): Promise<void> {
  if (decisions.some((d) => typeof d === 'object' && 'written' in d)) deps.onChangeAccepted?.();
  await Promise.all(
    group.map(async (w, i) => {
      const decision = decisions[i]!;
      try {
        if (decision === 'alone') w.resolve(await acceptChange(deps, w.flows, { ...w.change, id: w.id }));
        else if ('written' in decision) w.resolve(created(w.id, decision.written));
        else if ('deceased' in decision) w.resolve(await auditDeceased(deps, w.change, decision.deceased));
        else w.resolve(decision.outcome);
      } catch (error) {
        w.reject(error);
      }
    }),
  );
}

/** SQLSTATE class 23 (integrity: an Idempotency-Key raced) or 40 (a deadlock, a serialization failure). */
function concernsSomeChanges(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(23|40)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

export class ChangeGroups {
  /** Groups written, the largest, the changes they held, and those refused as overload (metrics, tests). */
  readonly stats = { groups: 0, largest: 0, changes: 0, refused: 0 };
  private waiting: Waiting[] = [];
  private busy = false;
  private readonly deps: AcceptDeps;
  private readonly maxGroup: number;
  private readonly maxWaiting: number;
  private lastRefusalReport = 0;
  private refusedSinceReport = 0;

  /**
   * `maxWaiting` bounds the changes queued behind the group being written: beyond it the store
   * is not keeping up, and a change is refused at once (503 gateway-overloaded, nothing stored)
   * rather than held. What an overload of grouped changes costs is then bounded memory, not a
   * queue that grows as long as clients keep sending (docs/adr/0047). Changes that do not take
   * the group path (named by civil data, with a contact address…) are not counted here.
   */
  constructor(deps: AcceptDeps, maxGroup = 256, maxWaiting = 16 * maxGroup) {
    this.deps = deps;
    this.maxGroup = maxGroup;
    this.maxWaiting = maxWaiting;
  }

  /** acceptChange, in a group when the change has the common shape. */
  accept(flows: Flows, change: ChangeToAccept): Promise<AcceptOutcome> {
    const { citizen } = change;
    if ('civil' in citizen || change.within || change.contactEmail || change.contactLanguage) return acceptChange(this.deps, flows, change);
    if (this.waiting.length >= this.maxWaiting) {
      this.stats.refused++;
      this.reportRefusal();
      return Promise.reject(
        new HttpProblem('gateway-overloaded', `${this.waiting.length} changes are waiting for the store; nothing was stored`),
      );
    }
    const { type, data, channel, recipients } = change;
    const plan = planDeliveries(flows, { type, data, channel, recipients, origin: change.caller.system });
    return new Promise((resolve, reject) => {
      this.waiting.push({ flows, change: { ...change, citizen }, plan, id: change.id ?? newEventId(), resolve, reject });
      this.next();
    });
  }

  /** One warning at most every 10 s while refusing, with the count (never the changes). */
  private reportRefusal(): void {
    this.refusedSinceReport++;
    if (Date.now() - this.lastRefusalReport < 10_000) return;
    this.deps.logger.warn(
      { refused: this.refusedSinceReport, waiting: this.waiting.length, maxWaiting: this.maxWaiting },
      'gateway overloaded: changes refused (503 gateway-overloaded)',
    );
    this.lastRefusalReport = Date.now();
    this.refusedSinceReport = 0;
  }

  private next(): void {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    const group = this.waiting.splice(0, this.maxGroup);
    this.stats.groups++;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    this.stats.changes += group.length;
    void this.run(group).finally(() => {
      this.busy = false;
      this.next();
    });
  }

  private async run(group: Waiting[]): Promise<void> {
    let decisions: Decision[];
    try {
      decisions = await this.deps.db.transaction((tx) => decide(tx, this.deps, group));
    } catch (error) {
      // Nothing of the group is stored. A store that is down or too slow fails each change alike,
      // at once (a retry would wait as long again); an answer about the data — a deadlock with
      // another replica's group, a key raced — concerns some changes only: each goes on its own.
      if (!concernsSomeChanges(error)) {
        for (const w of group) w.reject(error);
        return;
      }
      decisions = group.map(() => 'alone');
    }
    await answer(this.deps, group, decisions);
  }
}
