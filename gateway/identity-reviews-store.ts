/**
 * Identity reviews: a change whose civil data matched several people in the register is stored
 * held (no pivot id, no recipients, nothing in the outbox) with a review listing the candidates.
 * An agent's decision, in one transaction, either releases it — the chosen register person gets
 * a pivot id (the crosswalk link records `identity-review` and the agent), the recipients the
 * flows give become `pending`, the event goes to the outbox: it propagates once — or ends it.
 * Either way the civil data and the candidates are erased from the review (data minimisation).
 */
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { sealChange } from '../privacy/sealed-messages.ts';
import { redriveUnknown } from '../identity/crosswalk.ts';
import { appendAudit } from '../core/audit/append.ts';
import { encodeCanonical } from '../core/envelopes.ts';
import type { Flows } from '../core/flows/flows.ts';
import { planDeliveries } from '../core/flows/plan.ts';
import { concernedIn } from './changes/accept.ts';
import type { CivilIdentity } from '../identity/civil-identity.ts';
import { lockCitizen } from '../identity/identity-store.ts';
import { insertOutbox, insertRecipients } from '../core/store/change-record.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import { schemaIdOf } from '../schemas/index.ts';
import { GATEWAY_SOURCE } from './changes/accept.ts';
import type { ReviewCandidate } from './changes/civil.ts';
import type { components } from './generated/api.ts';

type IdentityReview = components['schemas']['IdentityReview'];
type ReviewStatus = components['schemas']['IdentityReviewStatus'];
type Decision = components['schemas']['IdentityDecision'];

interface ReviewRow {
  id: string;
  change_id: string;
  type: string;
  register_system: string;
  civil: CivilIdentity | null;
  candidates: ReviewCandidate[] | null;
  status: ReviewStatus;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  chosen_register_id: string | null;
  reason: string | null;
}

const REVIEW_COLUMNS = `r.id, r.change_id, c.type, r.register_system, r.civil, r.candidates, r.status, r.created_at, r.decided_at, r.decided_by,
  r.chosen_register_id, r.reason FROM identity_reviews r JOIN changes c ON c.id = r.change_id`;

function toReview(row: ReviewRow): IdentityReview {
  return {
    id: row.id,
    changeId: row.change_id,
    type: row.type,
    status: row.status,
    registerSystem: row.register_system,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.civil ? { civil: row.civil } : {}),
    ...(row.candidates ? { candidates: row.candidates } : {}),
    ...(row.decided_at ? { decidedAt: new Date(row.decided_at).toISOString() } : {}),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.chosen_register_id ? { chosenRegisterId: row.chosen_register_id } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

export async function listReviews(db: Queryable, status: ReviewStatus): Promise<IdentityReview[]> {
  const result = await db.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} WHERE r.status = $1 ORDER BY r.created_at LIMIT 500`, [status]);
  return result.rows.map(toReview);
}

export async function getReview(db: Queryable, id: string): Promise<IdentityReview | undefined> {
  const result = await db.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} WHERE r.id = $1`, [id]);
  return result.rows[0] && toReview(result.rows[0]);
}

export type DecisionOutcome =
  | { outcome: 'decided'; review: IdentityReview }
  | { outcome: 'not-found' }
  | { outcome: 'already-decided'; review: IdentityReview }
  | { outcome: 'not-a-candidate' };

export interface DecisionInput {
  reviewId: string;
  decision: Decision;
  /** The agent's credential name. */
  agent: string;
  /** The flows that decide who the released change concerns (planDeliveries, as at acceptance). */
  flows: Flows;
  eventsTopic: string;
  /** The citizens' data keys: the released change's data and event are sealed with the chosen citizen's (privacy/). */
  keys?: CitizenKeys | undefined;
}

interface HeldChangeRow {
  id: string;
  type: string;
  channel: string | null;
  origin_system: string | null;
  recipients: string[] | null;
  data: unknown;
  traceparent: string | null;
  accepted_at: Date;
}

async function release(tx: Queryable, review: ReviewRow, registerId: string, input: DecisionInput): Promise<string> {
  const changes = await tx.query<HeldChangeRow>(
    'SELECT id, type, channel, origin_system, recipients, data, traceparent, accepted_at FROM changes WHERE id = $1',
    [review.change_id],
  );
  const change = changes.rows[0]!;
  // Same ordering rule as a new change: one citizen's outbox rows are written one at a time.
  // A register identifier always resolves (a citizen first seen here gets a pivot id).
  // The change is numbered now, among the citizen's changes: it reaches the systems from now on.
  const { pivotId, seq } = (await lockCitizen(
    tx,
    { system: review.register_system, id: registerId },
    { method: 'identity-review', by: input.agent },
  ))!;
  const event = {
    type: change.type,
    data: change.data,
    channel: change.channel ?? undefined,
    origin: change.origin_system ?? undefined,
    recipients: change.recipients ?? undefined,
  };
  // Only the systems that hold a file on the person the agent chose (docs/adr/0026).
  const { systems: planned, notConcerned } = await concernedIn(tx, pivotId, planDeliveries(input.flows, event), change.type);
  await insertRecipients(tx, change.id, planned, new Date());
  const encoded = encodeCanonical(
    {
      ...event,
      id: change.id,
      source: GATEWAY_SOURCE,
      pivotId,
      time: new Date(change.accepted_at).toISOString(),
      dataschema: schemaIdOf(change.type),
      traceparent: change.traceparent ?? undefined,
      seq,
    },
    input.eventsTopic,
  );
  // Held, it named no one and could not be sealed; released, it is, like any change (docs/adr/0032).
  const { data, event: message } = await sealChange(
    input.keys,
    tx,
    { id: change.id, pivotId, type: change.type, data: change.data },
    encoded,
  );
  await tx.query("UPDATE changes SET pivot_id = $2, review = 'matched', seq = $3, not_concerned = $4, data = $5 WHERE id = $1", [
    change.id,
    pivotId,
    seq,
    notConcerned.length ? JSON.stringify(notConcerned) : null,
    JSON.stringify(data),
  ]);
  await insertOutbox(tx, message);
  await appendAudit(tx, {
    actor: input.agent,
    action: 'identity.review.matched',
    changeId: change.id,
    pivotId,
    details: { review: review.id, register: review.register_system, recipients: planned },
  });
  return pivotId;
}

export async function decideReview(db: Db, input: DecisionInput): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const found = await tx.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} WHERE r.id = $1 FOR UPDATE OF r`, [input.reviewId]);
    const review = found.rows[0];
    if (!review) return { outcome: 'not-found' };
    if (review.status !== 'pending') return { outcome: 'already-decided', review: toReview(review) };
    const { decision } = input;
    if (decision.decision === 'match') {
      if (!(review.candidates ?? []).some((c) => c.registerId === decision.registerId)) return { outcome: 'not-a-candidate' };
      const pivotId = await release(tx, review, decision.registerId, input);
      // A link from a review re-drives what the person's systems could not receive (docs/identities.md).
      if (decision.redrive !== false) await redriveUnknown(tx, { pivotId }, { actor: input.agent, reason: 'after identity review' });
    } else {
      await tx.query("UPDATE changes SET review = 'rejected' WHERE id = $1", [review.change_id]);
      await appendAudit(tx, {
        actor: input.agent,
        action: 'identity.review.rejected',
        changeId: review.change_id,
        details: { review: review.id },
      });
    }
    const status: ReviewStatus = decision.decision === 'match' ? 'matched' : 'rejected';
    await tx.query(
      `UPDATE identity_reviews SET status = $2, decided_at = now(), decided_by = $3, chosen_register_id = $4, reason = $5, civil = NULL, candidates = NULL
       WHERE id = $1`,
      [
        review.id,
        status,
        input.agent,
        decision.decision === 'match' ? decision.registerId : null,
        decision.decision === 'reject' ? decision.reason : null,
      ],
    );
    const decided = await tx.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} WHERE r.id = $1`, [review.id]);
    return { outcome: 'decided', review: toReview(decided.rows[0]!) };
  });
}
