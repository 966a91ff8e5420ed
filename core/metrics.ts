/**
 * Prometheus metrics (prom-client), one registry per process. Every name is listed in docs/observability.md; a test checks that
 * the two agree. Components do not import prom-client: they take the small hook interfaces they already declare (SinkMetrics,
 * RouterMetrics…) and the adapters below fill them from a registry. Labels are bounded sets only (event type, channel, system,
 * outcome, error code, consumer group, topic, partition, data class): never an id, a citizen or a free-form reason.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Bus } from './bus/types.ts';

/** Seconds; from a few milliseconds (one hop) to an hour (a batch silo's acknowledgement). */
export type OutboxProbe = () => Promise<{ count: number; oldestAgeMs: number }>;

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'relais_' });
  const registers = [registry];
  return {
    registry,
    /** What the gauges are read from at scrape time; components register here as they start. */
    watched: { groups: new Map<string, string[]>(), outbox: undefined as OutboxProbe | undefined, bus: undefined as Bus | undefined },
    /** Last successful poll per source system (epoch ms). */
    checkpoints: new Map<string, number>(),
    changesAccepted: new Counter({
      name: 'relais_changes_accepted_total',
      help: 'Changes accepted by the gateway (202, first time), by event type and channel.',
      labelNames: ['type', 'channel'] as const,
      registers,
    }),
    retentionPurged: new Counter({
      name: 'relais_retention_purged_total',
      help: 'Personal data the retention purge removed or pseudonymised, by data class and store (changes, outbox, service-requests).',
      labelNames: ['class', 'store'] as const,
      registers,
    }),
    outboxBacklog: new Gauge({ name: 'relais_outbox_backlog', help: 'Outbox rows not yet published to Kafka.', registers }),
    outboxOldestAge: new Gauge({
      name: 'relais_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none).',
      registers,
    }),
    outboxPublished: new Counter({
      name: 'relais_outbox_published_total',
      help: 'Outbox rows published to Kafka by this process.',
      registers,
    }),
    routed: new Counter({
      name: 'relais_router_deliveries_total',
      help: 'Deliveries planned by the router, by recipient system and outcome (delivered, rejected: no identifier).',
      labelNames: ['system', 'outcome'] as const,
      registers,
    }),
    routerInvalid: new Counter({
      name: 'relais_router_invalid_events_total',
      help: 'Events the router dead-lettered (not CloudEvents, unknown type, data breaking its schema).',
      registers,
    }),
    deliveries: new Counter({
      name: 'relais_deliveries_total',
      help: 'Deliveries settled by a sink connector, by system and outcome (applied, rejected, dead_lettered).',
      labelNames: ['system', 'outcome'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'relais_delivery_retries_total',
      help: 'Apply attempts that failed with a retriable error and were retried, by system and error code.',
      labelNames: ['system', 'code'] as const,
      registers,
    }),
    duplicates: new Counter({
      name: 'relais_delivery_duplicates_total',
      help: 'Deliveries already settled (redelivered by Kafka): not applied again, receipt re-sent.',
      labelNames: ['system'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: 'relais_dead_letters_total',
      help: "Messages written to a dead-letter topic, by system (`router` for the router's).",
      labelNames: ['system'] as const,
      registers,
    }),
    applySeconds: new Histogram({
      name: 'relais_sink_decision_seconds',
      help: "From the start of a delivery's batch in a sink connector to its decision (apply and retries included), by system and outcome.",
      labelNames: ['system', 'outcome'] as const,
      buckets: latencyBuckets,
      registers,
    }),
    timeToApplied: new Histogram({
      name: 'relais_time_to_applied_seconds',
      help: "From the gateway accepting a change to the system's `applied` receipt (first one), by system.",
      labelNames: ['system'] as const,
      buckets: latencyBuckets,
      registers,
    }),
    receipts: new Counter({
      name: 'relais_receipts_total',
      help: 'Receipts applied by the gateway, by system and status.',
      labelNames: ['system', 'status'] as const,
      registers,
    }),
    receiptsRefused: new Counter({
      name: 'relais_receipts_refused_total',
      help: 'Receipts the gateway refused because their signature is missing, made with an unpublished key, wrong, or by another signer; by the system they name and the reason.',
      labelNames: ['system', 'reason'] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: 'relais_consumer_lag_messages',
      help: 'Messages not yet processed by a consumer group, per topic partition (read from Kafka at scrape time).',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    consumerMembers: new Gauge({
      name: 'relais_consumer_group_members',
      help: 'Members of a consumer group this process belongs to (read from Kafka at scrape time).',
      labelNames: ['group'] as const,
      registers,
    }),
    siloUnavailable: new Gauge({
      name: 'relais_sink_silo_unavailable',
      help: "1 while a system's silo is unavailable (its circuit is open: deliveries wait), else 0.",
      labelNames: ['system'],
      registers,
    }),
    kafkaUp: new Gauge({
      name: 'relais_kafka_up',
      help: '1 when the last scrape could read consumer groups from Kafka, else 0.',
      registers,
    }),
    sourcePolls: new Counter({
      name: 'relais_source_polls_total',
      help: 'Polls of a source connector, by system and outcome (ok, failed).',
      labelNames: ['system', 'outcome'] as const,
      registers,
    }),
    sourcePollErrors: new Counter({
      name: 'relais_source_poll_errors_total',
      help: 'Failed polls of a source connector (the poll, the store or Kafka failed, or it timed out), by system.',
      labelNames: ['system'] as const,
      registers,
    }),
    sourceEvents: new Counter({
      name: 'relais_source_events_total',
      help: 'Events a source connector published, by system.',
      labelNames: ['system'] as const,
      registers,
    }),
    sourceInvalid: new Counter({
      name: 'relais_source_invalid_events_total',
      help: 'Records a source connector dead-lettered (invalid events, and unmapped records as type "unmapped"), by system and event type.',
      labelNames: ['system', 'type'] as const,
      registers,
    }),
    sourceCheckpointAge: new Gauge({
      name: 'relais_source_checkpoint_age_seconds',
      help: 'Time since a source connector last polled successfully (its checkpoint is current as of then), by system.',
      labelNames: ['system'] as const,
      registers,
    }),
  };
}

export type RelaisMetrics = ReturnType<typeof createMetrics>;

let processMetrics: RelaisMetrics | undefined;

/** The process's registry (created on first use): what GET /metrics serves. */
export function metricsOfProcess(): RelaisMetrics {
  return (processMetrics ??= createMetrics());
}

/** Hooks for the sink runtime (packages/connector-kit/src/runtime/sink-runtime.ts). */
export function sinkMetricsHooks(metrics: RelaisMetrics) {
  return {
    settled(system: string, outcome: string, _attempts: number, durationMs: number): void {
      metrics.deliveries.inc({ system, outcome });
      metrics.applySeconds.observe({ system, outcome }, durationMs / 1000);
      if (outcome === 'dead_lettered') metrics.deadLetters.inc({ system });
    },
    retried(system: string, code: string): void {
      metrics.retries.inc({ system, code });
    },
    skippedDuplicate(system: string): void {
      metrics.duplicates.inc({ system });
    },
    siloUnavailable(system: string, unavailable: boolean): void {
      metrics.siloUnavailable.set({ system }, unavailable ? 1 : 0);
    },
  };
}

/** Hooks for the router (router/router.ts). */
export function routerMetricsHooks(metrics: RelaisMetrics) {
  return {
    routed(system: string, outcome: 'delivered' | 'rejected'): void {
      metrics.routed.inc({ system, outcome });
    },
    invalid(): void {
      metrics.routerInvalid.inc();
      metrics.deadLetters.inc({ system: 'router' });
    },
  };
}

/** Hooks for the source runtime (packages/connector-kit/src/runtime/source-runtime.ts, SourceMetrics). */
export function sourceMetricsHooks(metrics: RelaisMetrics) {
  return {
    polled(system: string, outcome: 'ok' | 'failed'): void {
      metrics.sourcePolls.inc({ system, outcome });
      if (outcome === 'failed') metrics.sourcePollErrors.inc({ system });
      // The age is computed at scrape time from the last good poll, so it grows while polls fail.
      else metrics.checkpoints.set(system, Date.now());
    },
    published(system: string, count: number): void {
      metrics.sourceEvents.inc({ system }, count);
    },
    invalid(system: string, type: string): void {
      metrics.sourceInvalid.inc({ system, type });
    },
  };
}

/** Registers a consumer group of this process: its lag and members are read at each scrape. */
export function watchGroup(metrics: RelaisMetrics, bus: Bus, groupId: string, topics: string[]): void {
  metrics.watched.bus ??= bus;
  metrics.watched.groups.set(groupId, topics);
}

/**
 * Refreshes the gauges that are read, not counted, right before a scrape: consumer lag and group members from Kafka (asked
 * with a short time limit), the outbox backlog from the store, checkpoint ages.
 */
export async function refreshGauges(metrics: RelaisMetrics): Promise<void> {
  const now = Date.now();
  for (const [system, at] of metrics.checkpoints) metrics.sourceCheckpointAge.set({ system }, (now - at) / 1000);
  const { outbox, bus } = metrics.watched;
  const groups = [...metrics.watched.groups].map(([groupId, topics]) => ({ groupId, topics }));
  const work: Promise<void>[] = [];
  if (outbox) {
    work.push(
      outbox().then(
        ({ count, oldestAgeMs }) => {
          metrics.outboxBacklog.set(count);
          metrics.outboxOldestAge.set(oldestAgeMs / 1000);
        },
        () => undefined,
      ),
    );
  }
  if (bus && groups.length > 0) {
    work.push(
      bus.describeGroups(groups, 1500).then(
        (groups) => {
          metrics.consumerLag.reset();
          for (const group of groups) {
            metrics.consumerMembers.set({ group: group.groupId }, group.members);
            for (const p of group.partitions)
              metrics.consumerLag.set({ group: group.groupId, topic: p.topic, partition: String(p.partition) }, p.lag);
          }
          metrics.kafkaUp.set(1);
        },
        () => {
          // Stale lag would look like progress: drop it and say Kafka is not readable.
          metrics.consumerLag.reset();
          metrics.kafkaUp.set(0);
        },
      ),
    );
  }
  await Promise.all(work);
}

/** The text a scrape returns, gauges refreshed first. */
export async function scrape(metrics: RelaisMetrics): Promise<{ contentType: string; body: string }> {
  await refreshGauges(metrics);
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
