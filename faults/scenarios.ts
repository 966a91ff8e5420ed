/**
 * The fault scenarios, in priority order. Each starts its load, injects its fault at a point of
 * the burst, ends it, and says when it ended (`faultEnded`): recovery is timed from there until
 * every silo holds every citizen's last accepted change. `quick` ones run in CI (`--quick`).
 */
import { existsSync } from 'node:fs';
import { watch } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaSecurityFromEnv } from '../core/bus/security.ts';
import { kafkajsConnection } from '../infra/kafka/client-env.ts';
import type { KafkaCluster } from '../infra/kafka/kafka.ts';
import { topicNames } from '../core/topics.ts';
import { startLoad, type Load } from './lib/load.ts';
import { token, type FaultStack, type System } from './lib/stack.ts';

export interface ScenarioContext {
  stack: FaultStack;
  cluster: KafkaCluster;
  /** Starts the cluster again on its data, after the scenario stopped it. */
  restartCluster: () => Promise<KafkaCluster>;
  quick: boolean;
  /** The fault is over (or, for a kill, the part is back): recovery is timed from now. */
  faultEnded: () => void;
  say: (line: string) => void;
}

export interface Scenario {
  name: string;
  what: string;
  quick: boolean;
  /** Settings of every Relais part, beyond the defaults. */
  env?: Record<string, string>;
  /** The systems routed to and judged (default social-services and waste-management). */
  systems?: readonly System[];
  /** Run last: it leaves the cluster one broker short. */
  last?: boolean;
  run(ctx: ScenarioContext): Promise<Load>;
}

const socialServicesUrl = (stack: FaultStack): string => stack.silos.get('social-services')!.connectorEnv['SOCIAL_SERVICES_URL']!;

async function siloFault(stack: FaultStack, fault: object | null): Promise<void> {
  const response = await fetch(
    `${socialServicesUrl(stack)}/_admin/pannes`,
    fault === null ? { method: 'DELETE' } : { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) },
  );
  if (!response.ok) throw new Error(`social-services fault: ${response.status}`);
}

/** Kills a part at `atAccepted` changes into the burst and starts it again after `downMs`. */
function killScenario(name: string, part: string, what: string): Scenario {
  return {
    name,
    what,
    quick: false,
    async run({ stack, faultEnded, say }) {
      const load = startLoad(stack, { changes: 300, ratePerSecond: 30 });
      await load.acceptedCount(90);
      await stack.part(part).kill();
      say(`${part} SIGKILLed after ${load.accepted.length} accepted changes`);
      await sleep(1000);
      await stack.restart(part);
      faultEnded();
      await load.finished;
      return load;
    },
  };
}

/**
 * SIGKILLs the tax connector at a moment of its next batch file's hand-over, seen from the tax
 * office's inbox: `upload` when the file appears under its temporary dot name (the upload has
 * begun), `renamed` when it appears under its final name (the tax office has the whole file;
 * Relais may not have recorded the hand-over yet, and then sends the window again). Says where
 * the hand-over stood when the connector died.
 */
async function killDuringHandOver(stack: FaultStack, moment: 'upload' | 'renamed', withinMs: number): Promise<string> {
  const inbox = join(stack.silos.get('tax')!.dataDir!, 'sftp', 'inbox');
  const wanted = moment === 'upload' ? /^\.RELAIS_.*\.txt\.part$/ : /^RELAIS_.*\.txt$/;
  let seen: string | undefined;
  try {
    for await (const event of watch(inbox, { signal: AbortSignal.timeout(withinMs) })) {
      if (event.filename && wanted.test(event.filename)) {
        seen = event.filename;
        break;
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
  await stack.part('connector:tax').kill();
  if (seen === undefined) return `no hand-over within ${withinMs} ms: killed between windows`;
  const name = seen.replace(/^\.(.*)\.part$/, '$1');
  if (moment === 'upload')
    return existsSync(join(inbox, seen))
      ? `killed mid-upload of ${name} (its partial dot file is left in the inbox)`
      : `killed once ${name} was uploaded (renamed before the kill landed)`;
  const recorded = await stack.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM sink_inflight WHERE system = 'tax' AND reference = $1",
    [name],
  );
  return (recorded.rows[0]?.n ?? 0) > 0
    ? `killed once ${name} was in the tax office's inbox, its hand-over recorded`
    : `killed once ${name} was in the tax office's inbox, before its hand-over was recorded (the window goes again)`;
}

export const scenarios: Scenario[] = [
  {
    name: 'silo-503-30s',
    what: 'social-services answers 503 to every write for 30 s mid-burst (default sink settings; 2,000 changes, 240 in the quick subset)',
    quick: true,
    async run({ stack, quick, faultEnded }) {
      // The figure: 2,000 changes over the outage; the quick subset keeps its shape, smaller.
      const load = quick ? startLoad(stack, { changes: 240, ratePerSecond: 6 }) : startLoad(stack, { changes: 2000, ratePerSecond: 40 });
      await load.acceptedCount(quick ? 24 : 200);
      await siloFault(stack, { mode: 'erreur', statut: 503 });
      await sleep(30_000);
      await siloFault(stack, null);
      faultEnded();
      await load.finished;
      return load;
    },
  },
  {
    name: 'store-blackhole',
    what: 'PostgreSQL accepts connections and never answers, for 8 s mid-burst (TCP proxy), for every part',
    quick: true,
    async run({ stack, faultEnded, say }) {
      const load = startLoad(stack, { changes: 300, ratePerSecond: 30 });
      await load.acceptedCount(90);
      const release = stack.storeProxy.stall();
      const readyz = await fetch(`${stack.gatewayUrl}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      await sleep(8000);
      await release();
      faultEnded();
      say(`/readyz during the blackhole: ${readyz?.status ?? 'no answer within 5 s'}`);
      await load.finished;
      return load;
    },
  },
  {
    name: 'store-cut',
    what: 'PostgreSQL cut off (every connection dropped, port closed) for 5 s mid-burst',
    quick: false,
    async run({ stack, faultEnded }) {
      const load = startLoad(stack, { changes: 300, ratePerSecond: 30 });
      await load.acceptedCount(90);
      await stack.storeProxy.cut();
      await sleep(5000);
      await stack.storeProxy.restore();
      faultEnded();
      await load.finished;
      return load;
    },
  },
  killScenario('router-kill', 'router', 'the router SIGKILLed mid-burst, started again 1 s later'),
  killScenario('connector-kill-rest', 'connector:social-services', 'the REST connector (social-services) SIGKILLed mid-batch'),
  killScenario('connector-kill-sql', 'connector:waste-management', 'the SQL connector (waste-management) SIGKILLed mid-batch'),
  {
    name: 'connector-kill-sftp',
    what: 'the SFTP connector (tax) SIGKILLed mid-upload of a batch file, then again just as one lands; each time started 1 s later',
    quick: false,
    systems: ['tax'],
    // A window of 1 s rather than an hour: the scenario converges in seconds, a kill finds a file in flight.
    env: { RELAIS_TAX_BATCH_MAX_AGE_MS: '1000', RELAIS_TAX_ACK_POLL_MS: '500' },
    async run({ stack, faultEnded, say }) {
      const load = startLoad(stack, { changes: 360, ratePerSecond: 30 });
      for (const [moment, after] of [
        ['upload', 90],
        ['renamed', 180],
      ] as const) {
        await load.acceptedCount(after);
        say(`${await killDuringHandOver(stack, moment, 30_000)}, after ${load.accepted.length} accepted changes`);
        await sleep(1000);
        await stack.restart('connector:tax');
      }
      faultEnded();
      await load.finished;
      return load;
    },
  },
  killScenario('gateway-kill', 'gateway', 'the gateway SIGKILLed mid-burst; clients retry with their Idempotency-Key'),
  {
    name: 'dlq-replay-after-newer',
    what: 'silo 503 for longer than the patience (1 s here): deliveries dead-lettered, newer changes applied, then every dead letter replayed',
    quick: true,
    // An outage shorter than the patience waits (silo-503-30s); one longer dead-letters.
    env: {
      RELAIS_SINK_MAX_ATTEMPTS: '2',
      RELAIS_SINK_BACKOFF_MS: '100',
      RELAIS_SINK_BACKOFF_MAX_MS: '200',
      RELAIS_SINK_PATIENCE_MS: '1000',
    },
    async run({ stack, faultEnded, say }) {
      const older = startLoad(stack, { changes: 60, ratePerSecond: 20 });
      await siloFault(stack, { mode: 'erreur', statut: 503 });
      await older.finished;
      await sleep(5000);
      await siloFault(stack, null);
      const newer = startLoad(stack, { changes: 60, ratePerSecond: 20, firstK: 60 });
      await newer.finished;
      await sleep(10_000);
      const replay = await fetch(`${stack.gatewayUrl}/v1/systems/social-services/dead-letters/replay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      const replayed = ((await replay.json()) as { replayed?: unknown[] }).replayed?.length ?? 0;
      say(`replay answered ${replay.status}: ${replayed} dead letters replayed`);
      faultEnded();
      await sleep(10_000);
      return { ...newer, accepted: [...older.accepted, ...newer.accepted], refused: [...older.refused, ...newer.refused] };
    },
  },
  {
    name: 'poison-every-topic',
    what: 'undecodable messages (not JSON, invalid UTF-8, no headers) on every delivery topic mid-burst',
    quick: false,
    async run({ stack, faultEnded, say }) {
      const load = startLoad(stack, { changes: 200, ratePerSecond: 30 });
      await load.acceptedCount(60);
      const kafka = new Kafka({
        brokers: stack.env['KAFKA_BROKERS']!.split(','),
        ...kafkajsConnection(kafkaSecurityFromEnv(stack.env)),
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer();
      await producer.connect();
      const topics = topicNames(stack.prefix);
      for (const system of stack.systems) {
        await producer.send({
          topic: topics.delivery(system),
          messages: [
            { key: 'poison-1', value: 'not json at all' },
            { key: 'poison-2', value: Buffer.from([0xff, 0xfe, 0x00, 0xc3]) },
            { key: 'poison-3', value: '{"specversion":"1.0"}', headers: { ce_type: 'nothing' } },
          ],
        });
      }
      await producer.disconnect();
      say(`3 poison messages on each of ${stack.systems.length} delivery topics`);
      faultEnded();
      await load.finished;
      return load;
    },
  },
  {
    name: 'silo-slow',
    what: 'social-services takes 8 s per write (above the 5 s apply timeout) for 20 writes mid-burst',
    quick: false,
    async run({ stack, faultEnded }) {
      const load = startLoad(stack, { changes: 200, ratePerSecond: 20 });
      await load.acceptedCount(40);
      await siloFault(stack, { mode: 'lenteur', delaiMs: 8000, restant: 20 });
      await sleep(15_000);
      await siloFault(stack, null);
      faultEnded();
      await load.finished;
      return load;
    },
  },
  {
    name: 'kafka-down-at-start',
    what: 'the whole Kafka cluster down while every part starts; changes told meanwhile wait in the outbox; then Kafka starts',
    quick: false,
    async run({ stack, cluster, restartCluster, faultEnded, say }) {
      await cluster.stop(5000);
      const others = ['router', ...stack.systems.map((system) => `connector:${system}`)];
      for (const part of ['gateway', ...others]) await stack.part(part).kill();
      await stack.restart('gateway');
      // They cannot be ready before Kafka is: started now, awaited once it is back.
      const starting = Promise.allSettled(others.map((part) => stack.restart(part)));
      const load = startLoad(stack, { changes: 150, ratePerSecond: 30 });
      await load.finished;
      say(`${load.accepted.length} changes accepted with Kafka down; starting Kafka`);
      await restartCluster();
      const failed = (await starting).flatMap((outcome, i) =>
        outcome.status === 'rejected' ? [`${others[i]}: ${String(outcome.reason)}`] : [],
      );
      if (failed.length > 0) throw new Error(`parts that did not start once Kafka was back:\n${failed.join('\n')}`);
      faultEnded();
      return load;
    },
  },
  {
    name: 'broker-leader-kill',
    what: "the broker leading the first delivery topic's partition 0 SIGKILLed mid-burst (3 brokers, min ISR 2)",
    quick: true,
    last: true,
    async run({ stack, cluster, faultEnded, say }) {
      const load = startLoad(stack, { changes: 300, ratePerSecond: 30 });
      await load.acceptedCount(90);
      const kafka = new Kafka({
        brokers: stack.env['KAFKA_BROKERS']!.split(','),
        ...kafkajsConnection(kafkaSecurityFromEnv(stack.env)),
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      const topic = topicNames(stack.prefix).delivery(stack.systems[0]!);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.disconnect();
      const leader = metadata.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
      if (leader === undefined) throw new Error(`no leader for ${topic}-0`);
      cluster.killNode(leader);
      say(`broker ${leader} (leader of ${topic}-0) SIGKILLed after ${load.accepted.length} accepted changes`);
      faultEnded();
      await load.finished;
      return load;
    },
  },
];
