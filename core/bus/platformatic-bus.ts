/**
 * The bus on @platformatic/kafka (ADR 0002). This file and platformatic-ops.ts (the operations'
 * view: probe, lag, offsets) are the only ones that import the client.
 *
 * Producer: idempotent (acks=-1, one request in flight per broker), Java-compatible partitioner
 * (the same key lands on the same partition as with Java or KafkaJS producers), bounded retries
 * so a send fails after ~RETRIES×RETRY_DELAY instead of hanging while the broker is down.
 *
 * Consumer: committed offsets only (not the library's default), manual commits after the handler
 * marks messages, and the two rebalance guards the ADR measured: drop buffered records of
 * partitions this member no longer owns, and those below its own position (a re-read). A failed
 * stream is reopened from the committed offsets by a supervisor loop.
 *
 * Batching: after each record the stream yields, the records already buffered are taken too
 * (up to maxBatchSize), grouped by partition, and the partitions' batches run concurrently;
 * the next batch starts when all have finished, so each partition stays in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Admin,
  Consumer,
  GenericError,
  MultipleErrors,
  Producer,
  ProtocolError,
  compatibilityPartitioner,
  findErrorBy,
  stringDeserializer,
  stringSerializer,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { describeError, RelaisError } from '../errors.ts';
import { groupBy } from '../group-by.ts';
import type { Logger } from '../logger.ts';
import { createOpsClient } from './platformatic-ops.ts';
import { type ClientConnection, clientConnection, PLAINTEXT, type KafkaSecurity } from './security.ts';
import type { Bus, ConsumeOptions, IncomingMessage, OutgoingMessage, Subscription, TopicSpec } from './types.ts';

type Record_ = Message<string, Buffer, string, string>;
type Stream = MessagesStream<string, Buffer, string, string>;

export interface PlatformaticBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** TLS and SASL of every client this bus opens (default plaintext). */
  security?: KafkaSecurity;
  /** Producer retries before a publish fails (each RETRY_DELAY apart). */
  producerRetries?: number;
}

const RETRY_DELAY_MS = 500;

function leafErrors(error: unknown): unknown[] {
  return error instanceof MultipleErrors ? error.errors.flatMap(leafErrors) : [error];
}

/** The library's own rule: retriable unless something in the chain says it cannot be. */
function isRetriableKafkaError(error: unknown): boolean {
  return error instanceof Error && GenericError.isGenericError(error) && findErrorBy(error, 'canRetry', false) === null;
}

function kafkaError(action: string, error: unknown): RelaisError {
  return new RelaisError('KAFKA_UNAVAILABLE', `${action}: ${describeError(error)}`, {
    cause: error,
    retriable: isRetriableKafkaError(error),
  });
}

function toIncoming(record: Record_): IncomingMessage {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset.toString(),
    key: record.key ?? undefined,
    value: record.value ?? Buffer.alloc(0),
    headers: Object.fromEntries(record.headers),
    timestamp: Number(record.timestamp),
  };
}

export function createPlatformaticBus(options: PlatformaticBusOptions): Bus {
  const { brokers, clientId, logger } = options;
  const connection = clientConnection(options.security ?? PLAINTEXT);
  let producer: Producer<string, Buffer, string, string> | undefined;
  let admin: Admin | undefined;
  const subscriptions = new Set<Subscription>();
  const ops = createOpsClient(brokers, clientId, connection);

  const getProducer = (): Producer<string, Buffer, string, string> =>
    (producer ??= new Producer<string, Buffer, string, string>({
      clientId: `${clientId}-producer`,
      bootstrapBrokers: brokers,
      ...connection,
      idempotent: true,
      retries: options.producerRetries ?? 10,
      retryDelay: RETRY_DELAY_MS,
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    }));
  const getAdmin = (): Admin =>
    (admin ??= new Admin({
      clientId: `${clientId}-admin`,
      bootstrapBrokers: brokers,
      ...connection,
      retries: 5,
      retryDelay: RETRY_DELAY_MS,
    }));

  async function waitForLeaders(names: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const metadata = await getAdmin().metadata({ topics: names, forceUpdate: true });
      const ready = names.every((name) => {
        const topic = metadata.topics.get(name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      await sleep(100);
    }
    throw new RelaisError('KAFKA_UNAVAILABLE', `topics ${names.join(', ')} have no leader after 30 s`);
  }

  return {
    async publish(messages: OutgoingMessage[]): Promise<void> {
      if (messages.length === 0) return;
      try {
        await getProducer().send({ messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value, headers: m.headers })) });
      } catch (error) {
        throw kafkaError(`publishing ${messages.length} message(s)`, error);
      }
    },

    async ensureTopics(specs: TopicSpec[]): Promise<void> {
      try {
        const existing = new Set(await getAdmin().listTopics());
        const missing = specs.filter((s) => !existing.has(s.name));
        for (const spec of missing) {
          try {
            await getAdmin().createTopics({
              topics: [spec.name],
              partitions: spec.partitions,
              replicas: spec.replicationFactor,
              configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
            });
          } catch (error) {
            // Another instance created it meanwhile: that is the goal.
            if (!leafErrors(error).every((e) => e instanceof ProtocolError && e.apiId === 'TOPIC_ALREADY_EXISTS')) throw error;
          }
        }
        if (missing.length > 0) await waitForLeaders(missing.map((s) => s.name));
      } catch (error) {
        if (error instanceof RelaisError) throw error;
        throw kafkaError('creating topics', error);
      }
    },

    async listTopics(): Promise<string[]> {
      try {
        return await getAdmin().listTopics();
      } catch (error) {
        throw kafkaError('listing topics', error);
      }
    },

    probe: (timeoutMs) => ops.probe(timeoutMs),
    describeGroups: (groups, timeoutMs) => ops.describeGroups(groups, timeoutMs),
    topicOffsets: (topics, timeoutMs) => ops.topicOffsets(topics, timeoutMs),

    async consume(consumeOptions: ConsumeOptions): Promise<Subscription> {
      const subscription = startConsumer(brokers, connection, clientId, logger, consumeOptions);
      subscriptions.add(subscription);
      return {
        ready: subscription.ready,
        close: async () => {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },

    async close(): Promise<void> {
      await Promise.all([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      await producer?.close().catch(() => undefined);
      await admin?.close().catch(() => undefined);
      await ops.close();
      producer = undefined;
      admin = undefined;
    },
  };
}

function startConsumer(
  brokers: string[],
  connection: ClientConnection,
  clientId: string,
  logger: Logger,
  options: ConsumeOptions,
): Subscription {
  const maxBatch = options.maxBatchSize ?? 100;
  const consumer = new Consumer<string, Buffer, string, string>({
    clientId: `${clientId}-${options.groupId}`,
    groupId: options.groupId,
    bootstrapBrokers: brokers,
    ...connection,
    // An empty fetch's wait; a record answers it at once, so it bounds idle traffic (ADR 0041).
    maxWaitTime: options.maxWaitMs ?? 500,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    highWaterMark: Math.max(64, maxBatch),
    // Not the client's 50 MB per partition, decoded at once by a lagging consumer (ADR 0046).
    maxBytes: 8 * 1_048_576,
    maxBytesPerPartition: 1_048_576,
    // Retry broker errors forever: with the defaults the stream dies after ~12 s of outage.
    retries: true,
    retryDelay: RETRY_DELAY_MS,
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const closing = new AbortController();
  let stream: Stream | undefined;
  /** True while a consume() call is joining (it waits as long as the broker is unreachable). */
  let joining = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  consumer.once('consumer:group:join', () => markReady());

  const owns = (topic: string, partition: number): boolean =>
    consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;

  /** Per partition, the first offset this member has not handled yet. */
  const position = new Map<string, bigint>();

  async function commitThrough(record: Record_, key: string): Promise<void> {
    position.set(key, record.offset + 1n);
    try {
      await record.commit();
    } catch (error) {
      // A commit lost to a rebalance is harmless: the next owner re-reads (at-least-once).
      logger.debug({ group: options.groupId, error: describeError(error) }, 'offset commit failed');
    }
  }

  /**
   * Hands one partition's records to the handler until all are marked. Unmarked records are
   * handed over again after a pause (the contract in types.ts), unless this member is closing
   * (they stay uncommitted for the next owner) or no longer owns the partition.
   */
  async function runPartition(records: Record_[]): Promise<void> {
    const first = records[0]!;
    const key = `${first.topic}:${first.partition}`;
    let pending = records;
    let stalls = 0;
    while (pending.length > 0 && !closing.signal.aborted) {
      let lastMarked: Record_ | undefined;
      const byOffset = new Map(pending.map((r) => [r.offset.toString(), r]));
      let failure: unknown;
      try {
        await options.handler(pending.map(toIncoming), {
          signal: closing.signal,
          markProcessed: (message) => {
            const record = byOffset.get(message.offset);
            if (record && message.topic === first.topic && message.partition === first.partition) lastMarked = record;
          },
        });
      } catch (error) {
        failure = error;
      }
      if (lastMarked) await commitThrough(lastMarked, key);
      const done = lastMarked?.offset ?? -1n;
      pending = pending.filter((r) => r.offset > done);
      if (pending.length === 0 || closing.signal.aborted || !owns(first.topic, first.partition)) return;
      stalls = lastMarked ? 0 : stalls + 1;
      if (failure !== undefined && (stalls <= 1 || stalls % 10 === 0)) {
        logger.warn(
          { group: options.groupId, topic: first.topic, partition: first.partition, error: describeError(failure) },
          'handler failed; retrying the rest of the batch',
        );
      }
      await sleep(Math.min(30_000, 250 * 2 ** Math.min(stalls, 7)), undefined, { signal: closing.signal }).catch(() => undefined);
    }
  }

  function takeBatch(current: Stream, first: Record_): Record_[] {
    const batch = [first];
    while (batch.length < maxBatch) {
      const next = current.read() as Record_ | null;
      if (next === null) break;
      batch.push(next);
    }
    return batch.filter((r) => owns(r.topic, r.partition) && r.offset >= (position.get(`${r.topic}:${r.partition}`) ?? -1n));
  }

  async function supervise(): Promise<void> {
    let failures = 0;
    while (!closing.signal.aborted) {
      try {
        joining = true;
        try {
          stream = await consumer.consume({
            topics: options.topics,
            mode: 'committed',
            fallbackMode: options.fromBeginning === false ? 'latest' : 'earliest',
            autocommit: false,
          });
        } finally {
          joining = false;
        }
        // Outside the for-await below (closed while joining, or after it broke off), nothing else
        // listens: a late "Client is closed" would be an unhandled 'error' and kill the process
        // (seen stopping the quick start right after it started). The iterator still sees errors.
        stream.on('error', (error: unknown) => {
          if (!closing.signal.aborted) logger.debug({ group: options.groupId, error: describeError(error) }, 'consumer stream error');
        });
        if (closing.signal.aborted) break;
        for await (const record of stream as AsyncIterable<Record_>) {
          const batch = takeBatch(stream, record);
          const byPartition = groupBy(batch, (r) => `${r.topic}:${r.partition}`);
          await Promise.all([...byPartition.values()].map(runPartition));
          failures = 0;
          if (closing.signal.aborted) break;
        }
      } catch (error) {
        if (closing.signal.aborted) break;
        failures++;
        if (failures === 1 || failures % 10 === 0) {
          logger.warn({ group: options.groupId, failures, error: describeError(error) }, 'consumer stream failed; reopening');
        }
        await sleep(Math.min(10_000, 500 * 2 ** Math.min(failures, 5)), undefined, { signal: closing.signal }).catch(() => undefined);
      }
    }
  }

  const loop = supervise();
  let closed: Promise<void> | undefined;
  return {
    ready,
    close() {
      closed ??= (async () => {
        closing.abort();
        // Still joining: a join that completes gets its stream's error listener; closing the client
        // under a join can hand back a stream that errors before any listener, so wait a moment
        // first. A join that never completes (the broker is down) is given up by closing the client.
        // Streaming: end the stream, let the handler in hand finish and commit, then leave.
        for (let waited = 0; joining && waited < 3000; waited += 100) await sleep(100);
        if (joining) await consumer.close(true).catch(() => undefined);
        await stream?.close().catch(() => undefined);
        await loop;
        // Leaving the group lets the other members take the partitions at once.
        await consumer.close(true).catch(() => undefined);
      })();
      return closed;
    },
  };
}
