/**
 * The requests workspace in the state store (migration 200, docs/adr/0035): the list agents
 * filter, each request's age against the target of its category, and the agents' actions on a
 * request (assigned, noted, answered) that make its trace with the service's own history.
 * Written only by routes/request-workspace.ts, which audits every write and read.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../core/store/db.ts';
import { getChange } from './changes/view.ts';
import type { components } from './generated/api.ts';

type Summary = components['schemas']['ServiceRequestSummary'];
type Action = components['schemas']['ServiceRequestAction'];
type Status = components['schemas']['ServiceRequestStatus'];

/** Statuses after which nothing more is done with a request (gateway/openapi.yaml, ServiceRequestStatus). */
export const CLOSED_STATUSES: readonly Status[] = ['resolved', 'rejected', 'duplicate', 'withdrawn'];

/**
 * The time a category should be handled in, in hours: a missed waste collection is caught up
 * within two days, anything else within five working days. A constant rather than a setting
 * until a service asks for its own: the target is what the console shows against the age.
 */
export function targetHoursOf(category: string): number {
  return category.startsWith('waste.') ? 48 : 120;
}

export interface WorkspaceFilter {
  category?: string | undefined;
  commune?: string | undefined;
  /** A status, or 'open' / 'closed'. */
  status?: string | undefined;
  service?: string | undefined;
  olderThanHours?: number | undefined;
  limit: number;
}

interface SummaryRow {
  id: string;
  pivot_id: string;
  channel: Summary['channel'];
  category: string;
  commune_insee: string | null;
  competent_service: string;
  status: Status;
  submitted_at: Date;
  status_at: Date;
}

/** A request's age (until it closed, once closed) against its category's target. */
export function ageOf(row: { category: string; status: Status; submitted_at: Date; status_at: Date }, now = Date.now()) {
  const closed = CLOSED_STATUSES.includes(row.status);
  const until = closed ? new Date(row.status_at).getTime() : now;
  const ageHours = Math.round(((until - new Date(row.submitted_at).getTime()) / 3_600_000) * 10) / 10;
  const targetHours = targetHoursOf(row.category);
  return { ageHours, targetHours, overdue: !closed && ageHours > targetHours };
}

export async function listRequests(db: Queryable, filter: WorkspaceFilter): Promise<Summary[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    values.push(value);
    where.push(clause.replace('?', `$${values.length}`));
  };
  if (filter.category) add('category = ?', filter.category);
  if (filter.commune) add('commune_insee = ?', filter.commune);
  if (filter.service) add('competent_service = ?', filter.service);
  if (filter.status === 'open') add('NOT (status = ANY(?))', CLOSED_STATUSES);
  else if (filter.status === 'closed') add('status = ANY(?)', CLOSED_STATUSES);
  else if (filter.status) add('status = ?', filter.status);
  if (filter.olderThanHours !== undefined) add(`submitted_at <= now() - make_interval(hours => ?)`, filter.olderThanHours);
  values.push(filter.limit);
  const rows = await db.query<SummaryRow>(
    `SELECT id, pivot_id, channel, category, commune_insee, competent_service, status, submitted_at, status_at
       FROM service_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY submitted_at, id LIMIT $${values.length}`,
    values,
  );
  return rows.rows.map((r) => ({
    id: r.id,
    pivotId: r.pivot_id,
    channel: r.channel,
    category: r.category,
    ...(r.commune_insee ? { commune: r.commune_insee } : {}),
    competentService: r.competent_service,
    status: r.status,
    submittedAt: new Date(r.submitted_at).toISOString(),
    updatedAt: new Date(r.status_at).toISOString(),
    ...ageOf(r),
  }));
}

/** The row the workspace's writes check (exists, open) and its commune; undefined when no such request. */
export async function requestRowOf(db: Queryable, id: string): Promise<(SummaryRow & { closed: boolean }) | undefined> {
  const row = (
    await db.query<SummaryRow>(
      `SELECT id, pivot_id, channel, category, commune_insee, competent_service, status, submitted_at, status_at
         FROM service_requests WHERE id = $1`,
      [id],
    )
  ).rows[0];
  return row && { ...row, closed: CLOSED_STATUSES.includes(row.status) };
}

export interface NewAction {
  requestId: string;
  kind: Action['kind'];
  agent: string;
  service?: string | undefined;
  note?: string | undefined;
  changeId?: string | undefined;
}

interface ActionRow {
  id: string;
  request_id: string;
  kind: Action['kind'];
  agent: string;
  service: string | null;
  note: string | null;
  change_id: string | null;
  at: Date;
}

const fromRow = (r: ActionRow): Action => ({
  id: r.id,
  requestId: r.request_id,
  kind: r.kind,
  agent: r.agent,
  ...(r.service ? { service: r.service } : {}),
  ...(r.note ? { note: r.note } : {}),
  ...(r.change_id ? { changeId: r.change_id } : {}),
  at: new Date(r.at).toISOString(),
});

export async function insertAction(tx: Queryable, action: NewAction): Promise<Action> {
  const inserted = await tx.query<ActionRow>(
    `INSERT INTO service_request_actions (id, request_id, kind, agent, service, note, change_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [randomUUID(), action.requestId, action.kind, action.agent, action.service ?? null, action.note ?? null, action.changeId ?? null],
  );
  return fromRow(inserted.rows[0]!);
}

/** The agents' actions on a request, oldest first, each answer or assignment with the delivery of the change that told the citizen. */
export async function actionsOf(db: Queryable, requestId: string): Promise<Action[]> {
  const rows = await db.query<ActionRow>('SELECT * FROM service_request_actions WHERE request_id = $1 ORDER BY at, id', [requestId]);
  return Promise.all(
    rows.rows.map(async (row) => {
      const action = fromRow(row);
      const change = row.change_id ? await getChange(db, row.change_id) : undefined;
      return change ? { ...action, delivery: change.recipients } : action;
    }),
  );
}
