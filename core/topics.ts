/**
 * Topic names and their creation. Names are part of the contract (docs/contracts.md):
 * <prefix>.events, <prefix>.delivery.<system>, <prefix>.receipts, <prefix>.dlq.<system> and
 * <prefix>.dlq.source.<system> (system names hold no dot, so the two never meet);
 * the prefix is `relais` unless configured (tests use their own prefix to stay isolated).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RelaisConfig } from './config.ts';
import type { Bus, TopicSpec } from './bus/types.ts';
import { describeError, RelaisError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface TopicNames {
  events: string;
  receipts: string;
  /** Where the router puts events it cannot route (not CloudEvents, or breaking their schema). */
  routerDlq: string;
  delivery(system: string): string;
  dlq(system: string): string;
  /** Where a source puts the records it read but could not publish (mapping failed, schema broken): to re-drive once fixed. */
  sourceDlq(system: string): string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    events: `${prefix}.events`,
    receipts: `${prefix}.receipts`,
    routerDlq: `${prefix}.dlq.router`,
    delivery: (system) => `${prefix}.delivery.${system}`,
    dlq: (system) => `${prefix}.dlq.${system}`,
    sourceDlq: (system) => `${prefix}.dlq.source.${system}`,
  };
}

/** Consumer group ids: also part of the contract (operators read their lag; /v1/systems too). */
export function consumerGroups(prefix: string) {
  return {
    router: `${prefix}-router`,
    receipts: `${prefix}-gateway-receipts`,
    serviceRequests: `${prefix}-gateway-service-requests`,
    sink: (system: string) => `${prefix}-sink-${system}`,
    /** Prefix of the throwaway groups that read a dead-letter topic (GET /v1/systems/{system}/dead-letters). */
    dlqReader: `${prefix}-dlq-reader`,
  };
}

type TopicConfig = Pick<RelaisConfig, 'topicPrefix' | 'topicPartitions' | 'topicReplication' | 'topicMinInsyncReplicas'>;

export function topicSpecs(config: TopicConfig, systems: string[]): TopicSpec[] {
  const names = topicNames(config.topicPrefix);
  const spec = (name: string, retentionDays: number): TopicSpec => ({
    name,
    partitions: config.topicPartitions,
    replicationFactor: config.topicReplication,
    configs: {
      'min.insync.replicas': String(config.topicMinInsyncReplicas),
      'retention.ms': String(retentionDays * 24 * 3600 * 1000),
    },
  });
  return [
    spec(names.events, 7),
    spec(names.receipts, 7),
    spec(names.routerDlq, 30),
    ...systems.flatMap((system) => [spec(names.delivery(system), 7), spec(names.dlq(system), 30), spec(names.sourceDlq(system), 30)]),
  ];
}

/** Creates every topic Relais needs for these systems (idempotent). */
export async function ensureTopics(bus: Bus, config: TopicConfig, systems: string[]): Promise<void> {
  await bus.ensureTopics(topicSpecs(config, systems));
}

/**
 * ensureTopics, waiting for Kafka: a router or connector started while the cluster is down (a
 * cold start of the whole platform, Kafka last) waits for it instead of exiting; any other error
 * (a refused ACL, a bad setting) still stops it. Found by the fault suite (kafka-down-at-start).
 */
export async function ensureTopicsOnceKafkaAnswers(bus: Bus, config: TopicConfig, systems: string[], logger: Logger): Promise<void> {
  for (let attempt = 1, delayMs = 1000; ; attempt++, delayMs = Math.min(delayMs * 2, 15_000)) {
    try {
      return await ensureTopics(bus, config, systems);
    } catch (error) {
      if (!(error instanceof RelaisError) || error.code !== 'KAFKA_UNAVAILABLE') throw error;
      logger.warn(
        { attempt, retryInMs: delayMs, error: describeError(error) },
        'Kafka does not answer yet: waiting for it to create the topics',
      );
      await sleep(delayMs);
    }
  }
}
