/**
 * The bus against the real broker: topic creation, batched publish, ordered consumption with
 * manual commits, redelivery of unmarked messages, and a rebalance with two members.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, testBus, uniquePrefix } from '@relais/connector-kit/testing';
import type { IncomingMessage, OutgoingMessage } from './types.ts';

function messages(topic: string, count: number, keys = 10): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    key: `citizen-${i % keys}`,
    value: Buffer.from(JSON.stringify({ seq: i })),
    headers: { ce_id: `id-${i}`, 'content-type': 'application/json' },
  }));
}

const seqOf = (m: IncomingMessage): number => (JSON.parse(m.value.toString()) as { seq: number }).seq;

test('topics are created idempotently with their partitions', async () => {
  const bus = testBus();
  const prefix = uniquePrefix();
  const specs = [{ name: `${prefix}.a`, partitions: 3, replicationFactor: 1, configs: { 'min.insync.replicas': '1' } }];
  await bus.ensureTopics(specs);
  await bus.ensureTopics(specs);
  assert.ok((await bus.listTopics()).includes(`${prefix}.a`));
  await bus.close();
});

test('a batch published to two topics is consumed in per-key order and committed', async () => {
  const bus = testBus();
  const prefix = uniquePrefix();
  const topics = [`${prefix}.a`, `${prefix}.b`];
  await bus.ensureTopics(topics.map((name) => ({ name, partitions: 3, replicationFactor: 1 })));
  await bus.publish([...messages(topics[0]!, 200), ...messages(topics[1]!, 50)]);

  const seen: IncomingMessage[] = [];
  const sub = await bus.consume({
    groupId: `${prefix}-g`,
    topics,
    handler: async (batch, context) => {
      assert.ok(
        batch.every((m) => m.partition === batch[0]!.partition && m.topic === batch[0]!.topic),
        'a batch holds one partition',
      );
      for (const m of batch) {
        seen.push(m);
        context.markProcessed(m);
      }
    },
  });
  await sub.ready;
  await eventually(async () => (seen.length >= 250 ? true : undefined), 20_000, '250 messages');
  await sub.close();
  assert.equal(seen.length, 250);
  for (const topic of topics) {
    const byKey = new Map<string, number[]>();
    for (const m of seen.filter((x) => x.topic === topic)) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), seqOf(m)]);
    for (const seqs of byKey.values())
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
  }
  assert.equal(seen[0]!.headers['ce_id']?.startsWith('id-'), true);

  // The same group resumes after the committed offsets: nothing again.
  const again: IncomingMessage[] = [];
  const sub2 = await bus.consume({
    groupId: `${prefix}-g`,
    topics,
    handler: async (batch, c) => batch.forEach((m) => (again.push(m), c.markProcessed(m))),
  });
  await sub2.ready;
  await bus.publish(messages(topics[0]!, 1));
  await eventually(async () => (again.length >= 1 ? true : undefined), 15_000, 'the new message');
  await sub2.close();
  assert.equal(again.length, 1);
  await bus.close();
});

test('messages not marked when the handler fails are handed over again, in order', async () => {
  const bus = testBus();
  const prefix = uniquePrefix();
  const topic = `${prefix}.a`;
  await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
  await bus.publish(messages(topic, 10, 1));
  const handled: number[] = [];
  let failedOnce = false;
  const sub = await bus.consume({
    groupId: `${prefix}-g`,
    topics: [topic],
    handler: async (batch, context) => {
      for (const m of batch) {
        if (seqOf(m) === 5 && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
        handled.push(seqOf(m));
        context.markProcessed(m);
      }
    },
  });
  await eventually(async () => (handled.length >= 10 ? true : undefined), 20_000, 'ten messages');
  await sub.close();
  assert.deepEqual(handled, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await bus.close();
});

test('a second member joining mid-stream loses nothing and keeps each key in order', async () => {
  const bus = testBus();
  const prefix = uniquePrefix();
  const topic = `${prefix}.a`;
  await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
  await bus.publish(messages(topic, 600, 30));
  const processed: IncomingMessage[] = [];
  const handler = async (batch: IncomingMessage[], context: { markProcessed(m: IncomingMessage): void }) => {
    for (const m of batch) {
      await new Promise((r) => setTimeout(r, 2));
      processed.push(m);
      context.markProcessed(m);
    }
  };
  const first = await bus.consume({ groupId: `${prefix}-g`, topics: [topic], handler, maxBatchSize: 20 });
  await first.ready;
  await eventually(async () => (processed.length >= 100 ? true : undefined), 20_000, 'the first 100');
  const otherBus = testBus(undefined, 'test-2');
  const second = await otherBus.consume({ groupId: `${prefix}-g`, topics: [topic], handler, maxBatchSize: 20 });
  await eventually(
    async () => (new Set(processed.map((m) => `${m.partition}:${m.offset}`)).size >= 600 ? true : undefined),
    60_000,
    'all 600',
  );
  await Promise.all([first.close(), second.close()]);
  const unique = new Set(processed.map((m) => `${m.partition}:${m.offset}`));
  assert.equal(unique.size, 600, 'nothing lost');
  const duplicates = processed.length - unique.size;
  assert.ok(duplicates <= 20, `at-least-once with few duplicates (${duplicates})`);
  const firstSeen = new Map<string, number[]>();
  const done = new Set<string>();
  for (const m of processed) {
    const id = `${m.partition}:${m.offset}`;
    if (done.has(id)) continue;
    done.add(id);
    firstSeen.set(m.key!, [...(firstSeen.get(m.key!) ?? []), seqOf(m)]);
  }
  for (const seqs of firstSeen.values())
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
  await Promise.all([bus.close(), otherBus.close()]);
});
