/** What both source suites check on <prefix>.events: the events a system published, each once. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sourceEventId } from '../../../../core/ids.ts';
import { parseFlows, type Flows } from '../../../../core/flows/flows.ts';
import { topicNames } from '../../../../core/topics.ts';
import { ensureTestTopics, recordTopics, type Recorder } from '../testing/kafka.ts';
import { eventually, type Harness } from './harness.ts';

/** What both source suites open once: the shared harness, the silo, and a recorder of <prefix>.events. */
export async function openSourceSuite<Silo>(
  openHarness: () => Promise<Harness>,
  startSilo: () => Promise<Silo>,
  system: string,
): Promise<{ harness: Harness; silo: Silo; recorder: Recorder }> {
  const harness = await openHarness();
  const silo = await startSilo();
  // The system's topics too: its source dead letters go to <prefix>.dlq.source.<system>.
  await ensureTestTopics(harness.bus, harness.prefix, [system]);
  const recorder = await recordTopics(harness.bus, [topicNames(harness.prefix).events]);
  return { harness, silo, recorder };
}

/**
 * Flows declaring only the system under test: its events have no recipients, which is all a
 * source needs; it may make its citizens known (first sightings), as the system that issues
 * their identifiers.
 */
export function flowsOf(system: string): Flows {
  return parseFlows([
    { file: 'conformance.yaml', text: `systems:\n  ${system}: { connector: ${system}, firstSightings: allow }\nroutes: []\n` },
  ]);
}

export interface Published {
  /** Event ids published by the system so far, in arrival order. */
  ids(): string[];
  atLeast(count: number): Promise<string[]>;
  /**
   * After the runtime had time for a few more rounds: `count` events in all, each id once, and,
   * when record keys are known, each id derived from one of them.
   */
  exactly(count: number, recordKeys?: Set<string>): Promise<void>;
}

export function published(recorder: () => Recorder, system: string, waitMs: number): Published {
  const ids = () =>
    recorder()
      .messages.filter((m) => m.headers['ce_source'] === `/connectors/${system}`)
      .map((m) => m.headers['ce_id'] ?? '');
  const atLeast = (count: number) =>
    eventually(async () => (ids().length >= count ? ids() : undefined), waitMs, `${count} events published`);
  return {
    ids,
    atLeast,
    async exactly(count, recordKeys) {
      await atLeast(count);
      await sleep(400);
      const all = ids();
      assert.equal(new Set(all).size, all.length, 'no event published twice');
      assert.equal(all.length, count, 'every record published');
      if (!recordKeys) return;
      const derived = new Set<string>([...recordKeys].map((key) => sourceEventId(system, key)));
      assert.ok(
        all.every((id) => derived.has(id)),
        "event ids derive from the silo's record keys",
      );
    },
  };
}
