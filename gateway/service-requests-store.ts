/**
 * Service requests in the state store. A submission is a change (changes/accept.ts: the change,
 * its recipients, its audit entry, its outbox row and the citizen's email address for
 * notifications) plus, in the SAME transaction, the request's row and the first entry of its
 * history (insertServiceRequest). The competent service's updated/resolved events then move its
 * status, once per event (applyServiceRequestEvent), in the order the service made them.
 */
import type { CanonicalEvent } from '../core/envelopes.ts';
import { isUuid } from '../core/ids.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import { SERVICE_REQUEST_RESOLVED_V1, SERVICE_REQUEST_SUBMITTED_V1, SERVICE_REQUEST_UPDATED_V1, type EventData } from '../schemas/index.ts';
import { getChange } from './changes/view.ts';
import type { components } from './generated/api.ts';

type ServiceRequest = components['schemas']['ServiceRequest'];
type ServiceRequestStatus = components['schemas']['ServiceRequestStatus'];
type Channel = components['schemas']['Channel'];
type TimelineEntry = components['schemas']['TimelineEntry'];

// The three types of a request's life, by the short names the gateway's request code uses.
export const SUBMITTED = SERVICE_REQUEST_SUBMITTED_V1;
export const UPDATED = SERVICE_REQUEST_UPDATED_V1;
export const RESOLVED = SERVICE_REQUEST_RESOLVED_V1;

/** The request's own rows, written in its change's transaction (accept.ts `within`). */
export async function insertServiceRequest(
  tx: Queryable,
  accepted: { id: string; pivotId: string; acceptedAt: Date },
  channel: Channel,
  data: EventData<typeof SUBMITTED>,
): Promise<void> {
  await tx.query(
    `INSERT INTO service_requests (id, pivot_id, channel, category, competent_service, status, status_at, submitted_at, commune_insee)
     VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $6, $7)`,
    [accepted.id, accepted.pivotId, channel, data.category, data.competentService, accepted.acceptedAt, communeOf(data.location)],
  );
  await tx.query(
    `INSERT INTO service_request_history (request_id, event_id, event_type, status, at) VALUES ($1, $1, $2, 'submitted', $3)`,
    [accepted.id, SUBMITTED, accepted.acceptedAt],
  );
}

/** The commune's INSEE code, the location's own or its address's: kept beside the request, for the workspace's filter. */
function communeOf(location: EventData<typeof SUBMITTED>['location']): string | null {
  const where = location as { communeInsee?: string; address?: { communeInsee?: string } };
  return where.communeInsee ?? where.address?.communeInsee ?? null;
}

interface RequestRow {
  id: string;
  pivot_id: string;
  channel: Channel;
  category: string;
  competent_service: string;
  status: ServiceRequestStatus;
  status_at: Date;
  submitted_at: Date;
  data: { location?: Record<string, unknown>; description?: string };
}

export async function getServiceRequest(db: Queryable, id: string): Promise<ServiceRequest | undefined> {
  const row = (
    await db.query<RequestRow>(
      `SELECT r.id, r.pivot_id, r.channel, r.category, r.competent_service, r.status, r.status_at, r.submitted_at, c.data
       FROM service_requests r JOIN changes c ON c.id = r.id WHERE r.id = $1`,
      [id],
    )
  ).rows[0];
  if (!row) return undefined;
  const change = await getChange(db, id);
  const history = await db.query<{ status: ServiceRequestStatus; at: Date; system: string | null; comment: string | null }>(
    'SELECT status, at, system, comment FROM service_request_history WHERE request_id = $1 ORDER BY at, recorded_at',
    [id],
  );
  return {
    id: row.id,
    pivotId: row.pivot_id,
    channel: row.channel,
    category: row.category,
    ...(row.data.location ? { location: row.data.location } : {}),
    ...(row.data.description ? { description: row.data.description } : {}),
    competentService: row.competent_service,
    status: row.status,
    submittedAt: new Date(row.submitted_at).toISOString(),
    updatedAt: new Date(row.status_at).toISOString(),
    recipients: change?.recipients ?? [],
    history: history.rows.map((h) => ({
      status: h.status,
      at: new Date(h.at).toISOString(),
      ...(h.system ? { system: h.system } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
    })),
  };
}

export type EventOutcome = 'applied' | 'duplicate' | 'unknown-request' | 'not-the-requester';

/**
 * Records a service's updated/resolved event in the request's history and, unless a later one
 * was already recorded (events may be read out of order across partitions), as its status.
 * Only events about the requester (the event's subject) count.
 */
export async function applyServiceRequestEvent(
  db: Db,
  event: CanonicalEvent & { data: { requestId: string; status: ServiceRequestStatus; comment?: string } },
): Promise<EventOutcome> {
  const requestId = event.data.requestId.toLowerCase();
  if (!isUuid(requestId)) return 'unknown-request';
  return db.transaction(async (tx) => {
    const request = (await tx.query<{ pivot_id: string }>('SELECT pivot_id FROM service_requests WHERE id = $1 FOR UPDATE', [requestId]))
      .rows[0];
    if (!request) return 'unknown-request';
    if (request.pivot_id !== event.pivotId) return 'not-the-requester';
    const inserted = await tx.query(
      `INSERT INTO service_request_history (request_id, event_id, event_type, status, system, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (request_id, event_id) DO NOTHING`,
      [requestId, event.id, event.type, event.data.status, event.origin ?? null, event.data.comment ?? null, event.time],
    );
    if (inserted.rowCount === 0) return 'duplicate';
    await tx.query('UPDATE service_requests SET status = $2, status_at = $3 WHERE id = $1 AND status_at <= $3', [
      requestId,
      event.data.status,
      event.time,
    ]);
    return 'applied';
  });
}

/** The citizen's requests' status changes, for the timeline. */
export async function serviceRequestTimeline(db: Queryable, pivotId: string): Promise<TimelineEntry[]> {
  const rows = await db.query<{
    request_id: string;
    event_type: string;
    status: ServiceRequestStatus;
    system: string | null;
    at: Date;
    channel: Channel;
  }>(
    `SELECT h.request_id, h.event_type, h.status, h.system, h.at, r.channel
     FROM service_request_history h JOIN service_requests r ON r.id = h.request_id
     WHERE r.pivot_id = $1 ORDER BY h.at DESC LIMIT 500`,
    [pivotId],
  );
  return rows.rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    kind: 'service_request',
    changeId: r.request_id,
    type: r.event_type,
    channel: r.channel,
    requestStatus: r.status,
    ...(r.system ? { system: r.system } : {}),
  }));
}
