/**
 * The operations' view of the cluster on @platformatic/kafka: a probe, consumer groups with
 * their lag, topic offsets. It uses its own admin client with no retries and short timeouts,
 * so a metrics scrape or a readiness check answers within its limit while Kafka is down,
 * instead of waiting as the data path's clients do.
 */
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { describeError, RelaisError } from '../errors.ts';
import type { ClientConnection } from './security.ts';
import type { GroupState, PartitionLag, TopicOffsets } from './types.ts';

const DEFAULT_TIMEOUT_MS = 2000;

export interface OpsClient {
  probe(timeoutMs?: number): Promise<void>;
  describeGroups(groups: { groupId: string; topics: string[] }[], timeoutMs?: number): Promise<GroupState[]>;
  topicOffsets(topics: string[], timeoutMs?: number): Promise<TopicOffsets[]>;
  close(): Promise<void>;
}

export function createOpsClient(brokers: string[], clientId: string, connection: ClientConnection = {}): OpsClient {
  let admin: Admin | undefined;
  const getAdmin = (): Admin =>
    (admin ??= new Admin({
      clientId: `${clientId}-ops`,
      bootstrapBrokers: brokers,
      ...connection,
      retries: 0,
      connectTimeout: DEFAULT_TIMEOUT_MS,
      requestTimeout: DEFAULT_TIMEOUT_MS,
    }));

  /** Runs `work` with a deadline; a timed-out or failed call resets the client (its connections may be dead). */
  async function bounded<T>(action: string, timeoutMs: number, work: (admin: Admin) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RelaisError('KAFKA_UNAVAILABLE', `${action}: no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const client = getAdmin();
    const call = work(client);
    try {
      return await Promise.race([call, deadline]);
    } catch (error) {
      call.catch(() => undefined);
      if (admin === client) admin = undefined;
      void client.close().catch(() => undefined);
      if (error instanceof RelaisError) throw error;
      throw new RelaisError('KAFKA_UNAVAILABLE', `${action}: ${describeError(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async function offsets(client: Admin, topics: string[], timestamp: bigint): Promise<Map<string, bigint>> {
    const metadata = await client.metadata({ topics, forceUpdate: true });
    const request = topics.flatMap((name) => {
      const topic = metadata.topics.get(name);
      if (!topic) return [];
      return [{ name, partitions: topic.partitions.map((_, partitionIndex) => ({ partitionIndex, timestamp })) }];
    });
    if (request.length === 0) return new Map();
    const listed = await client.listOffsets({ topics: request });
    return new Map(listed.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.offset] as const)));
  }

  return {
    probe(timeoutMs = DEFAULT_TIMEOUT_MS) {
      return bounded('reaching Kafka', timeoutMs, async (client) => {
        await client.metadata({ topics: [], forceUpdate: true });
      });
    },

    describeGroups(groups, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return bounded('describing consumer groups', timeoutMs, async (client) => {
        if (groups.length === 0) return [];
        const topics = [...new Set(groups.flatMap((g) => g.topics))];
        const [ends, starts, described, committed] = await Promise.all([
          offsets(client, topics, ListOffsetTimestamps.LATEST),
          offsets(client, topics, ListOffsetTimestamps.EARLIEST),
          client.describeGroups({ groups: groups.map((g) => g.groupId) }),
          client.listConsumerGroupOffsets({ groups: groups.map((g) => g.groupId) }),
        ]);
        return groups.map(({ groupId, topics: groupTopics }) => {
          const group = described.get(groupId);
          const commits = new Map<string, bigint>(
            (committed.find((c) => c.groupId === groupId)?.topics ?? []).flatMap((t) =>
              t.partitions.filter((p) => p.committedOffset >= 0n).map((p) => [`${t.name}:${p.partitionIndex}`, p.committedOffset] as const),
            ),
          );
          const partitions: PartitionLag[] = [...ends.entries()]
            .filter(([key]) => groupTopics.some((t) => key.startsWith(`${t}:`)))
            .map(([key, end]) => {
              const split = key.lastIndexOf(':');
              const position = commits.get(key);
              const from = position ?? starts.get(key) ?? 0n;
              return {
                topic: key.slice(0, split),
                partition: Number(key.slice(split + 1)),
                committed: position,
                end,
                lag: Math.max(0, Number(end - from)),
              };
            });
          return { groupId, members: group?.members.size ?? 0, state: String(group?.state ?? 'UNKNOWN'), partitions };
        });
      });
    },

    topicOffsets(topics, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return bounded('reading topic offsets', timeoutMs, async (client) => {
        const [ends, starts] = await Promise.all([
          offsets(client, topics, ListOffsetTimestamps.LATEST),
          offsets(client, topics, ListOffsetTimestamps.EARLIEST),
        ]);
        return [...ends.entries()].map(([key, end]) => {
          const split = key.lastIndexOf(':');
          return { topic: key.slice(0, split), partition: Number(key.slice(split + 1)), start: starts.get(key) ?? 0n, end };
        });
      });
    },

    async close() {
      await admin?.close().catch(() => undefined);
      admin = undefined;
    },
  };
}
