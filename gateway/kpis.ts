/**
 * KPIs computed from the store (GET /v1/kpis): what the bus achieved for changes accepted in a
 * period, by channel and by system. Times come from the receipt times kept per recipient
 * (migration 050): a system's time to apply is from the gateway's acceptance to its first
 * `applied` receipt. Rates are over settled deliveries, so work still in progress does not
 * count as failure. "Contacts avoided": each system that applied a change the citizen told
 * once is one administration the citizen did not have to contact (the system they told is
 * never a recipient: the router does not send a change back where it came from). Changes that
 * started inside a silo (a death recorded at the town hall, through a source connector) have
 * no channel: they are grouped by their origin system.
 */
import type { Queryable } from '../core/store/db.ts';
import type { components } from './generated/api.ts';

type Kpis = components['schemas']['Kpis'];
type DeliveryFigures = components['schemas']['DeliveryFigures'];
type ChannelKpis = components['schemas']['ChannelKpis'];
type Channel = components['schemas']['Channel'];
type ServiceRequestKpis = components['schemas']['ServiceRequestKpis'];

export interface Period {
  from: Date;
  to: Date;
}

export interface KpiOptions {
  /** Systems that only inform the citizen (flows: `role: notification`): not contacts avoided. */
  notificationSystems: string[];
}

interface FigureRow {
  key: string | null;
  deliveries: number;
  applied: number;
  rejected: number;
  superseded: number;
  dead_lettered: number;
  in_progress: number;
  contacts_avoided: number;
  median_s: number | null;
  p95_s: number | null;
}

const rate = (part: number, settled: number): number | null => (settled === 0 ? null : part / settled);
const seconds = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 1000);

function figures(row: FigureRow | undefined): DeliveryFigures {
  const r = row ?? {
    key: null,
    deliveries: 0,
    applied: 0,
    rejected: 0,
    superseded: 0,
    dead_lettered: 0,
    in_progress: 0,
    contacts_avoided: 0,
    median_s: null,
    p95_s: null,
  };
  const settled = r.applied + r.rejected + r.superseded + r.dead_lettered;
  return {
    deliveries: r.deliveries,
    applied: r.applied,
    rejected: r.rejected,
    superseded: r.superseded,
    deadLettered: r.dead_lettered,
    inProgress: r.in_progress,
    successRate: rate(r.applied, settled),
    rejectionRate: rate(r.rejected, settled),
    deadLetterRate: rate(r.dead_lettered, settled),
    medianSecondsToApply: seconds(r.median_s),
    p95SecondsToApply: seconds(r.p95_s),
  };
}

/** One pass over the period's deliveries, grouped by `key` (channel, system, or one total row). */
/** Changes from a channel are keyed by the channel; changes that started in a silo by `origin:<system>`. */
const channelKey = (alias: string) => `COALESCE(${alias}channel, 'origin:' || ${alias}origin_system)`;

async function deliveryFigures(db: Queryable, period: Period, options: KpiOptions, key: string): Promise<FigureRow[]> {
  const result = await db.query<FigureRow>(
    `SELECT ${key} AS key,
            count(*)::int AS deliveries,
            count(*) FILTER (WHERE cr.status = 'applied')::int AS applied,
            count(*) FILTER (WHERE cr.status = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE cr.status = 'superseded')::int AS superseded,
            count(*) FILTER (WHERE cr.status = 'dead_lettered')::int AS dead_lettered,
            count(*) FILTER (WHERE cr.status IN ('pending', 'delivered', 'unknown'))::int AS in_progress,
            count(*) FILTER (WHERE cr.status = 'applied' AND cr.system IS DISTINCT FROM c.origin_system AND cr.system <> ALL($3::text[]))::int AS contacts_avoided,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - c.accepted_at)))::float8 AS median_s,
            (percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - c.accepted_at)))::float8 AS p95_s
       FROM changes c JOIN change_recipients cr ON cr.change_id = c.id
      WHERE c.accepted_at >= $1 AND c.accepted_at < $2
        AND cr.status <> 'objected' -- the citizen asked that nothing be sent: no delivery to count (docs/privacy.md)
      GROUP BY 1 ORDER BY 1`,
    [period.from, period.to, options.notificationSystems],
  );
  return result.rows;
}

async function changesByChannel(db: Queryable, period: Period): Promise<Map<string, number>> {
  const result = await db.query<{ channel: string; n: number }>(
    `SELECT ${channelKey('')} AS channel, count(*)::int AS n FROM changes WHERE accepted_at >= $1 AND accepted_at < $2 GROUP BY 1`,
    [period.from, period.to],
  );
  return new Map(result.rows.map((r) => [r.channel, r.n]));
}

function channelKpis(changes: number, row: FigureRow | undefined): ChannelKpis {
  const contactsAvoided = row?.contacts_avoided ?? 0;
  return {
    changes,
    ...figures(row),
    contactsAvoided,
    contactsAvoidedPerChange: changes === 0 ? null : Math.round((contactsAvoided / changes) * 1000) / 1000,
  };
}

export async function computeKpis(db: Queryable, period: Period, options: KpiOptions): Promise<Kpis> {
  const [channels, byChannel, bySystem, [total], serviceRequests] = await Promise.all([
    changesByChannel(db, period),
    deliveryFigures(db, period, options, channelKey('c.')),
    deliveryFigures(db, period, options, 'cr.system'),
    deliveryFigures(db, period, options, 'NULL::text'),
    serviceRequestKpis(db, period),
  ]);
  const channelRows = new Map(byChannel.map((r) => [r.key ?? '', r]));
  const allChannels = [...new Set([...channels.keys(), ...channelRows.keys()])].sort();
  const changes = [...channels.values()].reduce((a, b) => a + b, 0);
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    total: channelKpis(changes, total),
    byChannel: allChannels.map((key) => ({
      ...(key.startsWith('origin:') ? { channel: null, originSystem: key.slice('origin:'.length) } : { channel: key as Channel }),
      ...channelKpis(channels.get(key) ?? 0, channelRows.get(key)),
    })),
    bySystem: bySystem.map((row) => ({ system: row.key ?? '', ...figures(row) })),
    serviceRequests,
  };
}

interface RequestRow {
  key: string | null;
  submitted: number;
  resolved: number;
  open: number;
  median_s: number | null;
  p95_s: number | null;
}

/** Statuses after which a request is closed (gateway/openapi.yaml, ServiceRequestStatus). */
const closedStatuses = ['resolved', 'rejected', 'duplicate', 'withdrawn'];

/**
 * Service requests submitted in the period: how many, how many resolved (a `resolved` event
 * from the competent service), how many still open, and the time from submission to the first
 * `resolved` event — in total, by channel and by competent service.
 */
async function serviceRequestKpis(db: Queryable, period: Period): Promise<ServiceRequestKpis[]> {
  const grouped = async (dimension: ServiceRequestKpis['dimension'], key: string): Promise<ServiceRequestKpis[]> => {
    const result = await db.query<RequestRow>(
      `WITH r AS (
         SELECT sr.channel, sr.competent_service, sr.status,
                extract(epoch FROM (SELECT min(h.at) FROM service_request_history h WHERE h.request_id = sr.id AND h.status = 'resolved') - sr.submitted_at) AS resolve_s
           FROM service_requests sr WHERE sr.submitted_at >= $1 AND sr.submitted_at < $2)
       SELECT ${key} AS key, count(*)::int AS submitted, count(resolve_s)::int AS resolved,
              count(*) FILTER (WHERE status <> ALL($3::text[]))::int AS open,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_s))::float8 AS median_s,
              (percentile_cont(0.95) WITHIN GROUP (ORDER BY resolve_s))::float8 AS p95_s
         FROM r GROUP BY 1 ORDER BY 1`,
      [period.from, period.to, closedStatuses],
    );
    return result.rows
      .filter((row) => dimension !== 'total' || row.submitted > 0)
      .map((row) => ({
        dimension,
        key: row.key ?? 'all',
        submitted: row.submitted,
        resolved: row.resolved,
        open: row.open,
        medianSecondsToResolve: seconds(row.median_s),
        p95SecondsToResolve: seconds(row.p95_s),
      }));
  };
  const [total, byChannel, bySystem] = await Promise.all([
    grouped('total', 'NULL::text'),
    grouped('channel', 'channel'),
    grouped('system', 'competent_service'),
  ]);
  return [...total, ...byChannel, ...bySystem];
}

const csvColumns = [
  'dimension',
  'key',
  'changes',
  'deliveries',
  'applied',
  'rejected',
  'superseded',
  'dead_lettered',
  'in_progress',
  'success_rate',
  'rejection_rate',
  'dead_letter_rate',
  'median_seconds_to_apply',
  'p95_seconds_to_apply',
  'contacts_avoided',
  'contacts_avoided_per_change',
  'service_requests_submitted',
  'service_requests_resolved',
  'service_requests_open',
  'median_seconds_to_resolve',
  'p95_seconds_to_resolve',
] as const;

type CsvRow = Partial<Record<(typeof csvColumns)[number], string | number | null>>;

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function figureCells(f: DeliveryFigures): CsvRow {
  return {
    deliveries: f.deliveries,
    applied: f.applied,
    rejected: f.rejected,
    superseded: f.superseded,
    dead_lettered: f.deadLettered,
    in_progress: f.inProgress,
    success_rate: f.successRate,
    rejection_rate: f.rejectionRate,
    dead_letter_rate: f.deadLetterRate,
    median_seconds_to_apply: f.medianSecondsToApply,
    p95_seconds_to_apply: f.p95SecondsToApply,
  };
}

/** The same figures as CSV (RFC 4180): one row per total, channel, system and service-request group. */
export function kpisToCsv(kpis: Kpis): string {
  const channel = (key: string, k: ChannelKpis): CsvRow => ({
    key,
    changes: k.changes,
    ...figureCells(k),
    contacts_avoided: k.contactsAvoided,
    contacts_avoided_per_change: k.contactsAvoidedPerChange,
  });
  const rows: CsvRow[] = [
    { dimension: 'total', ...channel('all', kpis.total) },
    ...kpis.byChannel.map((k) => ({
      dimension: k.channel === null ? 'origin' : 'channel',
      ...channel(k.channel ?? k.originSystem ?? '', k),
    })),
    ...kpis.bySystem.map((k) => ({ dimension: 'system', key: k.system, ...figureCells(k) })),
    ...kpis.serviceRequests.map((s) => ({
      dimension: `service_requests_${s.dimension}`,
      key: s.key,
      service_requests_submitted: s.submitted,
      service_requests_resolved: s.resolved,
      service_requests_open: s.open,
      median_seconds_to_resolve: s.medianSecondsToResolve,
      p95_seconds_to_resolve: s.p95SecondsToResolve,
    })),
  ];
  return [csvColumns.join(','), ...rows.map((row) => csvColumns.map((c) => csvCell(row[c])).join(','))].join('\r\n') + '\r\n';
}
