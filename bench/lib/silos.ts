/**
 * What the harness needs to know about each silo: how to start it (a simulator process, or a
 * fresh vendor database), what its connector is told about it, and how to give it the
 * benchmark's citizens (records in the silo, identifiers in Relais' identity map). One entry
 * per silo; systems declared in flows/ without an entry are left out (and said so).
 *
 * The baseline of each silo is its own connector's apply() called directly at the same rate,
 * without Relais around it (no gateway, outbox, Kafka or router): what writing to that silo
 * costs anyway (direct.ts).
 */
import { linkIdentifier } from '../../core/identity/identity-store.ts';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import type { Db } from '../../core/store/db.ts';
import { createVendorDatabase } from '../../silos/waste-management/database.ts';
import { addHousehold, seedRounds } from '../../silos/waste-management/seed.ts';
import { freePort } from '../../core/free-port.ts';
import { answers, startPart, type Part } from './processes.ts';

export interface RunningSilo {
  /** The simulator's process, when the silo is one (a vendor database is not). */
  part?: Part;
  /** Environment the connector needs to reach it. */
  connectorEnv: Record<string, string>;
  /** The silo's own identifier of citizen `index`. */
  citizenId(index: number): string;
  /** Creates the silo's records for these citizens and links their identifiers. */
  prepare(db: Db, citizens: { index: number; pivotId: string }[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SiloBench {
  system: string;
  start(databaseServerUrl: string): Promise<RunningSilo>;
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/**
 * A REST simulator run as its own process: the bench creates one record per citizen through
 * its API (`record`: path and body) and links the citizen's identifier in Relais.
 */
function restSilo(options: {
  system: string;
  main: string;
  portVariable: string;
  urlVariable: string;
  citizenId: (index: number) => string;
  record: (index: number, citizenId: string) => { path: string; body: unknown };
}): SiloBench {
  const { system, citizenId } = options;
  return {
    system,
    async start() {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const part = await startPart(
        `silo ${system}`,
        options.main,
        [],
        { [options.portVariable]: String(port), LOG_LEVEL: 'warn' },
        answers(`${url}/healthz`),
      );
      return {
        part,
        connectorEnv: { [options.urlVariable]: url },
        citizenId,
        async prepare(db, citizens) {
          await inBatches(citizens, 20, async ({ index, pivotId }) => {
            const { path, body } = options.record(index, citizenId(index));
            const response = await fetch(`${url}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            if (response.status !== 201 && response.status !== 409)
              throw new Error(`${system}: creating a record answered ${response.status}`);
            await linkIdentifier(db, pivotId, system, citizenId(index));
          });
        },
        stop: () => part.stop(),
      };
    },
  };
}

const socialServices = restSilo({
  system: 'social-services',
  main: 'silos/social-services/main.ts',
  portVariable: 'SOCIAL_SERVICES_PORT',
  urlVariable: 'SOCIAL_SERVICES_URL',
  citizenId: (index) => `SS-9${String(index).padStart(5, '0')}`,
  record: (_index, id) => ({
    path: '/dossiers',
    body: { numeroDossier: id, nom: 'Bench', prenoms: 'Bench', adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' } },
  }),
});

const schoolCatering = restSilo({
  system: 'school-catering',
  main: 'silos/school-catering/main.ts',
  portVariable: 'SCHOOL_CATERING_PORT',
  urlVariable: 'SCHOOL_CATERING_URL',
  citizenId: (index) => `PER-9${String(index).padStart(5, '0')}`,
  record: (index, id) => ({
    path: '/familles',
    body: {
      numeroFamille: `FAM-9${String(index).padStart(5, '0')}`,
      adresseFacturation: { numero: String(index), voie: 'rue de la Bench', codePostal: '69002', ville: 'Lyon' },
      payeur: id,
      membres: [{ numeroPersonne: id, nom: 'Bench', prenom: 'Bench', role: 'RESPONSABLE_LEGAL' }],
      inscriptions: [],
    },
  }),
});

/** The waste-management vendor database (the silo is its SQL database), fresh on the bench's PostgreSQL server. */
const wasteManagement: SiloBench = {
  system: 'waste-management',
  async start(databaseServerUrl) {
    const vendor = await createVendorDatabase(databaseServerUrl, `dechets_bench_${Date.now().toString(36)}`);
    const sql = openSqlClient(vendor.url);
    await seedRounds(sql);
    const citizenId = (index: number) => `U-9${String(index).padStart(5, '0')}`;
    return {
      connectorEnv: { WASTE_MANAGEMENT_DATABASE_URL: vendor.url },
      citizenId,
      async prepare(db, citizens) {
        await inBatches(citizens, 10, async ({ index, pivotId }) => {
          await addHousehold(sql, {
            numero_foyer: `F-9${String(index).padStart(5, '0')}`,
            adresse: { numero: String(index), libelle_voie: 'rue de la Bench', code_postal: '69003', commune: 'Lyon' },
            usagers: [{ numero_usager: citizenId(index), nom: 'Bench', prenom: 'Bench' }],
          });
          await linkIdentifier(db, pivotId, 'waste-management', citizenId(index));
        });
      },
      async stop() {
        await sql.close();
        await vendor.drop();
      },
    };
  },
};

export const siloBenches: SiloBench[] = [socialServices, schoolCatering, wasteManagement];
