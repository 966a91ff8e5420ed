/**
 * waste-management passes the sink and source conformance suites (packages/connector-kit/src/conformance)
 * against the vendor database on PostgreSQL (sink.integration.test.ts and source.integration.test.ts cover MariaDB too),
 * reached through a fault proxy so the suites can make it hang.
 */
import { randomUUID } from 'node:crypto';
import { sinkConformance, sourceConformance, faultProxy, type FaultProxy } from '@relais/connector-kit/testing';
import { openSqlClient, utcNowSql } from '../../protocols/sql/sql-client.ts';
import { addHousehold } from '../../silos/waste-management/seed.ts';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementSink } from './sink.ts';
import { createWasteManagementSource } from './source.ts';
import { ADDRESS_CHANGED_V1 } from '@relais/connector-kit';

interface Silo {
  vendor: VendorDatabase;
  proxy: FaultProxy;
  /** The vendor database through the proxy: what the connector is given. */
  url: string;
}

async function startSilo(): Promise<Silo> {
  const vendor = await createWasteVendorDatabase('postgres');
  const direct = new URL(vendor.url);
  const proxy = await faultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  direct.host = `${proxy.host}:${proxy.port}`;
  return { vendor, proxy, url: direct.toString() };
}

async function stopSilo(silo: Silo): Promise<void> {
  await silo.proxy.close();
  await silo.vendor.drop();
}

const stall = async (silo: Silo) => silo.proxy.stall();

async function household(silo: Silo): Promise<string> {
  const n = randomUUID().slice(0, 8);
  await addHousehold(silo.vendor.sql, {
    numero_foyer: `FOY-${n}`,
    adresse: { numero: '1', libelle_voie: `rue ${n}`, code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
    usagers: [{ numero_usager: `USG-${n}`, nom: 'Test', prenom: 'Test' }],
  });
  return `USG-${n}`;
}

const move = {
  address: { number: '7', streetName: 'rue de Créqui', postcode: '69006', communeName: 'Lyon', communeInsee: '69386', country: 'FR' },
  effectiveDate: '2026-11-01',
};

sinkConformance<Silo>({
  system: 'waste-management',
  startSilo,
  stopSilo,
  createSink: (silo) => createWasteManagementSink(new WasteDatabase(openSqlClient(silo.url, { connectTimeoutMs: 1000 }))),
  delivery: async (silo) => ({ type: ADDRESS_CHANGED_V1, citizenId: await household(silo), data: move }),
  // The vendor database records each event it applied (relais_evenement), in the same transaction.
  async effects(silo, eventId) {
    const rows = await silo.vendor.sql.query<{ n: string | number }>(
      "SELECT COUNT(*) AS n FROM relais_evenement WHERE id_evenement = ? AND resultat = 'applique'",
      [eventId],
    );
    return Number(rows.rows[0]?.n ?? 0);
  },
  refusal: () => ({ delivery: { type: ADDRESS_CHANGED_V1, citizenId: 'USG-NOBODY', data: move }, reason: /USAGER_INCONNU/ }),
  poison: async (silo) => ({ type: ADDRESS_CHANGED_V1, citizenId: await household(silo), data: { effectiveDate: '2026-11-01' } }),
  stall,
});

async function incident(silo: Silo, reference: string): Promise<void> {
  const sql = silo.vendor.sql;
  const usager = (await sql.query<{ id_usager: number }>('SELECT id_usager FROM usager ORDER BY id_usager LIMIT 1')).rows[0]!.id_usager;
  await sql.query(
    `INSERT INTO incident (reference_externe, id_usager, categorie, canal, statut, date_signalement, date_maj) VALUES (?, ?, 'COLLECTE_NON_EFFECTUEE', 'PORTAIL', 'OUVERT', ${utcNowSql(sql.dialect)}, ${utcNowSql(sql.dialect)})`,
    [reference, usager],
  );
}

sourceConformance<Silo>({
  system: 'waste-management',
  startSilo: async () => {
    const silo = await startSilo();
    await household(silo);
    return silo;
  },
  stopSilo,
  createSource: (silo) =>
    createWasteManagementSource(new WasteDatabase(openSqlClient(silo.url, { max: 1, connectTimeoutMs: 1000 })), {
      system: 'waste-management',
      batchSize: 2,
      settleMs: 0,
    }),
  // An incident reported through Relais, as the vendor's portal records it.
  append: (silo) => incident(silo, randomUUID()),
  // An incident typed at the desk with a reference the catalogue's requestId refuses.
  appendUnpublishable: (silo) => incident(silo, `SR ${randomUUID().slice(0, 8)}/desk`),
  stall,
});
