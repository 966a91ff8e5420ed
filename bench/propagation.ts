/**
 * End-to-end propagation against the machine's own baseline, in one run:
 *   baseline — the same address changes PUT straight to the social-services simulator (no bus);
 *   relais   — posted to the gateway, through outbox, Kafka, router and connector, until applied.
 * Prints throughput and latency of both and the ratio relais/baseline.
 *
 *   npx tsx bench/propagation.ts [--changes 500] [--concurrency 8] [--store pglite|postgres]
 * Uses KAFKA_BROKERS if set, else starts a local broker on RELAIS_KAFKA_PORT (default 29092).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startAll } from '../bin/start-all.ts';

const { values } = parseArgs({
  options: { changes: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '8' }, store: { type: 'string', default: 'pglite' } },
});
const total = Number(values.changes);
const concurrency = Number(values.concurrency);
const files = 50;

async function pool<T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  }));
  return results;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
let databaseUrl: string | undefined;
if (values.store === 'postgres') {
  const name = `relais_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
}
const relais = await startAll({
  env: {
    ...process.env,
    RELAIS_KAFKA_PORT: process.env['RELAIS_KAFKA_PORT'] ?? '29092',
    RELAIS_DATA_DIR: dataDir,
    RELAIS_TOPIC_PREFIX: `bench-${Date.now()}`,
    PORT: '0',
    SOCIAL_SERVICES_PORT: '0',
    SOCIAL_SERVICES_WEBHOOK_PORT: '0',
    CIVIL_REGISTRY_PORT: '0',
    RELAIS_DEV_TOKEN: 'bench',
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  },
});
const silo = relais.siloUrls['social-services']!;
for (let f = 0; f < files; f++) {
  await fetch(`${silo}/dossiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ numeroDossier: `SS-9${String(f).padStart(5, '0')}`, nom: 'B', prenoms: 'B', adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' } }),
  });
}
const file = (i: number): string => `SS-9${String(i % files).padStart(5, '0')}`;

// Baseline: the silo alone.
let started = performance.now();
const baseLatencies = await pool(total, async (i) => {
  const t = performance.now();
  await fetch(`${silo}/dossiers/${file(i)}/adresse`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ adresse: { libelleVoie: `rue ${i}`, codePostal: '69003', commune: 'Lyon' }, dateEffet: '2026-11-01' }),
  });
  return performance.now() - t;
});
const baseSeconds = (performance.now() - started) / 1000;

// Relais: accepted by the gateway, then applied in the silo.
const auth = { authorization: 'Bearer bench', 'content-type': 'application/json' };
started = performance.now();
const posted = await pool(total, async (i) => {
  const t = performance.now();
  const response = await fetch(`${relais.gatewayUrl}/v1/changes`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      type: 'fr.relais.citizen.address.changed.v1',
      citizen: { system: 'social-services', id: file(i) },
      channel: 'web',
      data: { address: { streetName: `rue ${i}`, postcode: '69003', communeName: 'Lyon', country: 'FR' }, effectiveDate: '2026-11-01' },
    }),
  });
  return { id: ((await response.json()) as { id: string }).id, acceptMs: performance.now() - t };
});
const acceptSeconds = (performance.now() - started) / 1000;
const propagation: number[] = [];
for (const { id } of posted) {
  for (;;) {
    const change = (await (await fetch(`${relais.gatewayUrl}/v1/changes/${id}`, { headers: auth })).json()) as {
      status: string;
      acceptedAt: string;
      recipients: { updatedAt: string }[];
    };
    if (change.status === 'completed') {
      propagation.push(Date.parse(change.recipients[0]!.updatedAt) - Date.parse(change.acceptedAt));
      break;
    }
    if (change.status === 'completed_with_errors') throw new Error(`change ${id} failed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const relaisSeconds = (performance.now() - started) / 1000;
await relais.stop();
rmSync(dataDir, { recursive: true, force: true });

baseLatencies.sort((a, b) => a - b);
propagation.sort((a, b) => a - b);
const acceptLatencies = posted.map((p) => p.acceptMs).sort((a, b) => a - b);
console.log(`# propagation bench ${new Date().toISOString()} — ${total} address changes, concurrency ${concurrency}, store ${relais.store}, node ${process.version}`);
console.log(`baseline  silo PUT direct        ${(total / baseSeconds).toFixed(0).padStart(6)} changes/s   p50 ${percentile(baseLatencies, 50).toFixed(1)} ms   p95 ${percentile(baseLatencies, 95).toFixed(1)} ms`);
console.log(`relais    accepted (202)         ${(total / acceptSeconds).toFixed(0).padStart(6)} changes/s   p50 ${percentile(acceptLatencies, 50).toFixed(1)} ms   p95 ${percentile(acceptLatencies, 95).toFixed(1)} ms`);
console.log(`relais    applied in the silo    ${(total / relaisSeconds).toFixed(0).padStart(6)} changes/s   accept→applied p50 ${percentile(propagation, 50)} ms   p95 ${percentile(propagation, 95)} ms`);
console.log(`ratio     applied throughput relais/baseline = ${(baseSeconds / relaisSeconds).toFixed(2)}`);
process.exit(0);
