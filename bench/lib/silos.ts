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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkIdentifier } from '../../identity/identity-store.ts';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import type { Db } from '../../core/store/db.ts';
import { ensureKeyPair, fingerprint } from '../../silos/tax/keys.ts';
import { TaxStore } from '../../silos/tax/store.ts';
import { createVendorDatabase } from '../../silos/waste-management/database.ts';
import { addHousehold, seedRounds } from '../../silos/waste-management/seed.ts';
import { freePort } from '../../core/free-port.ts';
import { answers, startPart, type Part } from './processes.ts';

export interface RunningSilo {
  /** The simulator's process, when the silo is one (a vendor database is not). */
  part?: Part;
  /** Environment the connector needs to reach it. */
  connectorEnv: Record<string, string>;
  /** Where a silo that lives on disk keeps its data (the tax office's store and SFTP tree), for a judge to read. */
  dataDir?: string;
  /** The silo's own identifier of citizen `index`. */
  citizenId(index: number): string;
  /** Creates the silo's records for these citizens and links their identifiers. */
  prepare(db: Db, citizens: { index: number; pivotId: string }[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SiloBench {
  system: string;
  /** The silo takes files, not changes: a change waits for its batch window, then the file's acknowledgement. */
  batched?: true;
  /** The silo receives no change, only the citizen's notice once a change has settled everywhere (email). */
  notices?: true;
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

/**
 * The citizens' mailbox (silos/email, a real SMTP server) as its own process: the email
 * connector writes to it the notice a citizen is owed once every system settled their change
 * (privacy/settled-notice.ts). Address changes are not delivered to it (that route is the
 * citizen's choice, which the bench's changes do not make): what it measures is the notice.
 */
export const mailbox: SiloBench = {
  system: 'email',
  notices: true,
  async start() {
    const port = await freePort();
    const citizenId = (index: number) => `bench-${index}@example.fr`;
    const part = await startPart('silo email', 'silos/email/main.ts', [], { MAILBOX_SMTP_PORT: String(port) }, /email mailbox started/);
    return {
      part,
      connectorEnv: { EMAIL_SMTP_URL: `smtp://127.0.0.1:${port}` },
      citizenId,
      async prepare(db, citizens) {
        await inBatches(citizens, 10, ({ index, pivotId }) => linkIdentifier(db, pivotId, 'email', citizenId(index)));
      },
      stop: () => part.stop(),
    };
  },
};

/**
 * The tax office simulator (silos/tax) as its own process: a real SSH/SFTP server over a fresh
 * data directory, with a key pair for the connector and the host key's fingerprint pinned. Not
 * in siloBenches (whose latency targets are per change): its changes wait for a batch window (an
 * hour by default; the bench's pipeline sets a short one) and are applied when the tax office
 * acknowledges the file. The pipeline bench and the fault suite start it by name.
 * Its taxpayers are read from the data directory when the process starts, so the process
 * starts in prepare(), once the citizens are known.
 */
export const taxOffice: SiloBench = {
  system: 'tax',
  batched: true,
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'relais-tax-silo-'));
    const hostKey = ensureKeyPair(join(dataDir, 'ssh_host_ed25519_key'), 'tax-silo');
    const clientKey = ensureKeyPair(join(dataDir, 'relais_ed25519'), 'relais');
    writeFileSync(join(dataDir, 'authorized_keys'), `${clientKey.publicKey}\n`);
    const port = await freePort();
    const citizenId = (index: number) => `29${String(index).padStart(11, '0')}`;
    let part: Part | undefined;
    return {
      get part() {
        return part;
      },
      dataDir,
      connectorEnv: {
        TAX_SFTP_HOST: '127.0.0.1',
        TAX_SFTP_PORT: String(port),
        TAX_SFTP_KEY_FILE: clientKey.privateKeyFile,
        TAX_SFTP_HOST_KEY: fingerprint(hostKey.publicKey),
      },
      citizenId,
      async prepare(db, citizens) {
        const store = TaxStore.open(dataDir);
        for (const { index } of citizens) {
          store.add({
            taxId: citizenId(index),
            name: 'Bench',
            address: { number: String(index), streetName: 'rue de la Bench', postcode: '69003', communeName: 'Lyon', country: 'FR' },
          });
        }
        store.flush();
        await inBatches(citizens, 10, ({ index, pivotId }) => linkIdentifier(db, pivotId, 'tax', citizenId(index)));
        part = await startPart(
          'silo tax',
          'silos/tax/main.ts',
          [],
          { TAX_SILO_DATA_DIR: dataDir, TAX_SILO_AUTHORIZED_KEYS: join(dataDir, 'authorized_keys'), TAX_SFTP_PORT: String(port) },
          /tax simulator started/,
        );
      },
      async stop() {
        await part?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};
