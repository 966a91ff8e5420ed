/**
 * tax passes the sink conformance suite as a batch sink (its receipts follow the tax office's
 * acknowledgement files) and the source conformance suite (change files), against the tax
 * simulator over real SFTP, reached through a fault proxy so the suites can make it hang.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sinkConformance, sourceConformance, faultProxy, type FaultProxy } from '@relais/connector-kit/testing';
import { ensureKeyPair } from '../../silos/tax/keys.ts';
import { startTaxSilo, type TaxSilo } from '../../silos/tax/server.ts';
import { TaxSftpClient } from './client.ts';
import { createTaxSink } from './sink.ts';
import { createTaxSource } from './source.ts';
import { ADDRESS_CHANGED_V1 } from '@relais/connector-kit';

interface Silo {
  dir: string;
  tax: TaxSilo;
  proxy: FaultProxy;
  privateKey: string;
  taxIds: string[];
}

async function startSilo(): Promise<Silo> {
  const dir = mkdtempSync(join(tmpdir(), 'tax-conformance-'));
  const key = ensureKeyPair(join(dir, 'client', 'id_ed25519'), 'conformance');
  const tax = await startTaxSilo({ dataDir: join(dir, 'silo'), authorizedKeys: [key.publicKey], scanMs: 100 });
  return { dir, tax, proxy: await faultProxy({ host: tax.host, port: tax.port }), privateKey: key.privateKey, taxIds: [] };
}

async function stopSilo(silo: Silo): Promise<void> {
  await silo.proxy.close();
  await silo.tax.close();
  rmSync(silo.dir, { recursive: true, force: true });
}

const client = (silo: Silo) =>
  new TaxSftpClient({
    host: silo.proxy.host,
    port: silo.proxy.port,
    username: silo.tax.username,
    privateKey: silo.privateKey,
    hostKeyFingerprint: silo.tax.hostKeyFingerprint,
    readyTimeoutMs: 1000,
  });

const address = { number: '5', streetName: 'rue Mercière', postcode: '69002', communeName: 'Lyon', communeInsee: '69382', country: 'FR' };

function taxpayer(silo: Silo): string {
  const taxId = `1${String(randomInt(0, 1e12)).padStart(12, '0')}`;
  silo.tax.store.add({ taxId, name: 'Test', address });
  silo.taxIds.push(taxId);
  return taxId;
}

sinkConformance<Silo>({
  system: 'tax',
  startSilo,
  stopSilo,
  createSink: (silo) =>
    createTaxSink(client(silo), { maxRecords: 20, maxAgeMs: 200, uploadTimeoutMs: 1500, ackPollMs: 200, ackDeadlineMs: 60_000 }),
  delivery: (silo) => ({
    type: ADDRESS_CHANGED_V1,
    citizenId: taxpayer(silo),
    data: { address: { ...address, number: String(randomInt(1, 99)) }, effectiveDate: '2026-11-01' },
  }),
  // The tax office applies a record once per event id and keeps each in the taxpayer's history.
  effects: async (silo, eventId) =>
    silo.taxIds.flatMap((id) => silo.tax.store.get(id)?.history ?? []).filter((h) => h.eventId === eventId).length,
  refusal: () => ({
    delivery: { type: ADDRESS_CHANGED_V1, citizenId: '1999999999999', data: { address, effectiveDate: '2026-11-01' } },
    reason: /E101/,
  }),
  // No poison delivery: a record the batch format cannot carry is rejected by contract (contract.ts).
  stall: async (silo) => silo.proxy.stall(),
});

sourceConformance<Silo>({
  system: 'tax',
  startSilo,
  stopSilo,
  createSource: (silo) => createTaxSource(client(silo), { pageSize: 2 }),
  // A change file from the tax office holding one declaration.
  append: async (silo) =>
    void (await silo.tax.dropChangeFile([
      {
        reference: randomUUID().slice(0, 20),
        taxId: taxpayer(silo),
        effectiveDate: '2026-11-01',
        declaredAt: new Date().toISOString(),
        address,
      },
    ])),
  stall: async (silo) => silo.proxy.stall(),
});
