/**
 * One silo's connector applying address changes one after another, called directly (no Kafka,
 * no runtime): the connector process's CPU per apply and the wall time, against the silo's
 * simulator in its own process. What a client library or a mapping costs per change, A/B'd in
 * the same minute (docs/adr/0042). `node bench/sink-apply.ts [system] [count]`, a REST or SQL
 * silo of bench/lib/silos.ts, or `email` (the mailbox). The PostgreSQL server's CPU is counted
 * beside the connector's (every `postgres` process of the machine: run it on a quiet one).
 */
import { randomUUID } from 'node:crypto';
import { loadConnectors } from '../connectors/loader.ts';
import { readSettings } from '../core/settings.ts';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { planDeliveries } from '../core/flows/plan.ts';
import { mailbox, siloBenches } from './lib/silos.ts';
import { createDatabase, serverUrl } from './lib/stack.ts';
import { cpuMeter, postgresPids } from './lib/cpu.ts';

const system = process.argv[2] ?? 'social-services';
const N = Number(process.argv[3] ?? 2000);
const benches = [...siloBenches, mailbox];
const bench = benches.find((b) => b.system === system);
if (!bench) throw new Error(`no bench entry for ${system}: one of ${benches.map((b) => b.system).join(', ')}`);
const database = await createDatabase(`restcpu${Date.now().toString(36)}`);
const silo = await bench.start(serverUrl);
const citizens = Array.from({ length: 20 }, (_, index) => ({ index, pivotId: randomUUID() }));
await silo.prepare(database.db, citizens);
const flows = loadFlows('flows');
const definition = (await loadConnectors()).get(flows.systems.get(system)!.connector)!;
const logger = createLogger({ component: 'x', level: 'warn' });
const sink = await definition.createSink!({
  system,
  settings: readSettings(definition.settings, { ...process.env, ...silo.connectorEnv }),
  logger,
});
const type = 'fr.relais.citizen.address.changed.v1';
const run = async (count: number) => {
  for (let i = 0; i < count; i++) {
    const data = {
      address: {
        number: String((i % 99) + 1),
        streetName: `rue ${i}`,
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
      effectiveDate: '2026-11-01',
    };
    const plan = planDeliveries(flows, { type, data, channel: 'web', recipients: [system] }).deliveries.find((p) => p.system === system)!;
    const c = citizens[i % citizens.length]!;
    const outcome = await sink.apply(
      {
        eventId: randomUUID(),
        type,
        pivotId: c.pivotId,
        system,
        routeId: plan.routeId,
        citizenId: silo.citizenId(c.index),
        data: plan.data,
        time: new Date().toISOString(),
      },
      { signal: AbortSignal.timeout(5000), attempt: 1, logger },
    );
    if (outcome.status !== 'applied') throw new Error(JSON.stringify(outcome));
  }
};
await run(300);
// The database server's processes too (a SQL silo's statements cost there as much as here).
const server = cpuMeter([{ name: 'postgres', pids: () => postgresPids() }]);
await server.start();
const c0 = process.cpuUsage();
const t = performance.now();
await run(N);
const c = process.cpuUsage(c0);
const wall = (performance.now() - t) / N;
const postgres = (await server.stop()).get('postgres')! / N;
console.log(
  `${system}: ${N} applies, connector CPU ${((c.user + c.system) / N / 1000).toFixed(3)} ms per apply, PostgreSQL ${postgres.toFixed(3)} ms, wall ${wall.toFixed(2)} ms`,
);
await sink.close?.();
await silo.stop();
await database.drop();
