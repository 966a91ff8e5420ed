/**
 * GET /v1/systems: each system declared in the flows, what it subscribes to, and how its
 * connector is doing — last success and dead letters from the connectors' ledger (the store),
 * its source's checkpoint and failure streak (source_checkpoints) when it has a source,
 * an operator's pause (connector_pauses), lag, dead-letter topic size and running instances from Kafka (null, with the reason in
 * `kafka`, when Kafka cannot be reached: the store's figures are still shown).
 */
import type { Bus, GroupState, TopicOffsets } from '../core/bus/types.ts';
import { describeError } from '../core/errors.ts';
import type { Flows } from '../core/flows/flows.ts';
import type { Queryable } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { pausesOf } from './connector-pauses.ts';
import type { components } from './generated/api.ts';

type Systems = components['schemas']['Systems'];
type Subscription = components['schemas']['Subscription'];

interface LedgerRow {
  system: string;
  applied: number;
  dead_lettered: number;
  last_success: Date | null;
}

export interface SystemsSources {
  db: Queryable;
  bus?: Bus | undefined;
  flows: Flows;
  topics: TopicNames;
  /** Consumer group of a system's connector. */
  groupOf(system: string): string;
}

function subscriptions(flows: Flows, system: string): Subscription[] {
  return flows.routes.flatMap((route) =>
    route.to
      .filter((t) => t.system === system)
      .map((t) => ({ route: route.id, event: route.event, basis: route.basis.kind, fields: [...t.fields] })),
  );
}

async function fromKafka(sources: SystemsSources, systems: string[]): Promise<{ groups: GroupState[]; dlq: TopicOffsets[] } | string> {
  if (!sources.bus) return 'not connected';
  try {
    const [groups, dlq] = await Promise.all([
      sources.bus.describeGroups(systems.map((s) => ({ groupId: sources.groupOf(s), topics: [sources.topics.delivery(s)] }))),
      sources.bus.topicOffsets(systems.map((s) => sources.topics.dlq(s))),
    ]);
    return { groups, dlq };
  } catch (error) {
    return describeError(error);
  }
}

interface SourceRow {
  system: string;
  saved_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: Date | null;
}

type SourceStatus = NonNullable<Systems['systems'][number]['source']>;

function sourceStatus(row: SourceRow | undefined): { source: SourceStatus } | Record<string, never> {
  if (!row) return {};
  return {
    source: {
      checkpointSavedAt: row.saved_at ? new Date(row.saved_at).toISOString() : null,
      consecutiveFailures: row.consecutive_failures,
      ...(row.last_error ? { lastError: row.last_error } : {}),
      ...(row.last_error_at ? { lastErrorAt: new Date(row.last_error_at).toISOString() } : {}),
    },
  };
}

export async function describeSystems(sources: SystemsSources): Promise<Systems> {
  const names = [...sources.flows.systems.keys()].sort();
  const [ledger, polled, circuits, pauses, kafka] = await Promise.all([
    sources.db.query<LedgerRow>(
      `SELECT system,
              count(*) FILTER (WHERE outcome = 'applied')::int AS applied,
              count(*) FILTER (WHERE outcome = 'dead_lettered')::int AS dead_lettered,
              max(recorded_at) FILTER (WHERE outcome = 'applied') AS last_success
         FROM sink_ledger WHERE system = ANY($1::text[]) GROUP BY system`,
      [names],
    ),
    sources.db.query<SourceRow>(
      'SELECT system, saved_at, consecutive_failures, last_error, last_error_at FROM source_checkpoints WHERE system = ANY($1::text[])',
      [names],
    ),
    sources.db.query<{ system: string; unavailable_since: Date | null }>(
      'SELECT system, unavailable_since FROM sink_circuits WHERE system = ANY($1::text[])',
      [names],
    ),
    pausesOf(sources.db, names),
    fromKafka(sources, names),
  ]);
  const unavailable = new Map(circuits.rows.map((r) => [r.system, r.unavailable_since]));
  const bySystem = new Map(ledger.rows.map((r) => [r.system, r]));
  const sourceOf = new Map(polled.rows.map((r) => [r.system, r]));
  return {
    kafka: typeof kafka === 'string' ? kafka : 'ok',
    systems: names.map((name) => {
      const declared = sources.flows.systems.get(name)!;
      const row = bySystem.get(name);
      const group = typeof kafka === 'string' ? undefined : kafka.groups.find((g) => g.groupId === sources.groupOf(name));
      const dlq = typeof kafka === 'string' ? undefined : kafka.dlq.filter((o) => o.topic === sources.topics.dlq(name));
      return {
        name,
        connector: declared.connector,
        ...(declared.description ? { description: declared.description } : {}),
        subscriptions: subscriptions(sources.flows, name),
        lastSuccessAt: row?.last_success ? new Date(row.last_success).toISOString() : null,
        applied: row?.applied ?? 0,
        deadLetteredRecorded: row?.dead_lettered ?? 0,
        unavailableSince: unavailable.get(name) ? new Date(unavailable.get(name)!).toISOString() : null,
        pause: pauses.get(name) ?? null,
        lag: group ? group.partitions.reduce((sum, p) => sum + p.lag, 0) : null,
        deadLettersInTopic: dlq ? dlq.reduce((sum, p) => sum + Number(p.end - p.start), 0) : null,
        connectorInstances: group ? group.members : null,
        ...sourceStatus(sourceOf.get(name)),
      };
    }),
  };
}
