/**
 * The bus as the rest of Relais sees it. Only core/bus/ knows which Kafka client sits behind
 * it (see docs/adr/0002-kafka-client.md), so the client can change without touching callers.
 */

/** A message to publish: the key orders it (the pivot id), headers carry the CloudEvents attributes. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** A message read from a topic. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
  key: string | undefined;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
}

export interface BatchContext {
  /** Aborted when the subscription is closing: finish the message in hand, then return. */
  signal: AbortSignal;
  /**
   * Marks a message as done. The bus commits the offset after the last marked message when
   * the handler returns or throws; unmarked messages are read again (at-least-once).
   */
  markProcessed(message: IncomingMessage): void;
}

/**
 * Handles a batch of messages of ONE partition, in offset order; batches of one partition never
 * overlap, batches of different partitions may run concurrently. Handlers own their retries: a
 * handler that throws makes the bus re-read from the first unmarked message after a pause.
 */
export type PartitionBatchHandler = (messages: IncomingMessage[], context: BatchContext) => Promise<void>;

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  handler: PartitionBatchHandler;
  /** Read from the earliest offset when the group has no committed offset (default true). */
  fromBeginning?: boolean;
  /** Longest time the broker holds an empty fetch (default 500 ms); a record arriving answers it at once. */
  maxWaitMs?: number;
  /** Largest number of messages handed to the handler at once. */
  maxBatchSize?: number;
}

export interface Subscription {
  /** Resolves once the group has joined and partitions are assigned. */
  ready: Promise<void>;
  /** Stops fetching, lets the in-flight handler finish, commits, and leaves the group. */
  close(): Promise<void>;
}

/** One partition of a consumer group: what it committed, where the partition ends, the gap. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read; undefined when the group never committed there. */
  committed: bigint | undefined;
  /** The partition's end offset (high watermark). */
  end: bigint;
  /** Messages written but not yet processed by the group (end − committed, or end − start). */
  lag: number;
}

export interface GroupState {
  groupId: string;
  /** Members currently in the group (0: nobody consumes). */
  members: number;
  /** The broker's view of the group: Stable, Empty, PreparingRebalance, Dead… */
  state: string;
  partitions: PartitionLag[];
}

/** Per partition of a topic: the earliest offset still kept and the end offset. */
export interface TopicOffsets {
  topic: string;
  partition: number;
  start: bigint;
  end: bigint;
}

export interface Bus {
  /** Publishes every message, batched, and resolves when all are acknowledged by the cluster (acks=all). */
  publish(messages: OutgoingMessage[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Names of the existing topics. */
  listTopics(): Promise<string[]>;
  /**
   * Operations' view (metrics, readiness, /v1/systems). Each asks the cluster once, with no
   * retry, and fails with KAFKA_UNAVAILABLE after `timeoutMs` (default 2 s) instead of waiting
   * for the cluster to come back: a probe must answer, not heal.
   */
  probe(timeoutMs?: number): Promise<void>;
  describeGroups(groups: { groupId: string; topics: string[] }[], timeoutMs?: number): Promise<GroupState[]>;
  topicOffsets(topics: string[], timeoutMs?: number): Promise<TopicOffsets[]>;
  close(): Promise<void>;
}
