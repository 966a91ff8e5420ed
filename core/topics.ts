/**
 * Topic names and their creation. Names are part of the contract (docs/contracts.md):
 * <prefix>.events, <prefix>.delivery.<system>, <prefix>.receipts, <prefix>.dlq.<system>;
 * the prefix is `relais` unless configured (tests use their own prefix to stay isolated).
 */
import type { RelaisConfig } from './config.ts';
import type { Bus, TopicSpec } from './bus/types.ts';

export interface TopicNames {
  events: string;
  receipts: string;
  /** Where the router puts events it cannot route (not CloudEvents, or breaking their schema). */
  routerDlq: string;
  delivery(system: string): string;
  dlq(system: string): string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    events: `${prefix}.events`,
    receipts: `${prefix}.receipts`,
    routerDlq: `${prefix}.dlq.router`,
    delivery: (system) => `${prefix}.delivery.${system}`,
    dlq: (system) => `${prefix}.dlq.${system}`,
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
    ...systems.flatMap((system) => [spec(names.delivery(system), 7), spec(names.dlq(system), 30)]),
  ];
}

/** Creates every topic Relais needs for these systems (idempotent). */
export async function ensureTopics(bus: Bus, config: TopicConfig, systems: string[]): Promise<void> {
  await bus.ensureTopics(topicSpecs(config, systems));
}
