/**
 * A whole Relais for an end-to-end test: startAll() on the test broker, with its own topic
 * prefix, its own store (a fresh PostgreSQL database or an in-memory PGlite), ephemeral ports,
 * quick retries, and helpers to post changes and read the silo from outside.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAll, type RunningRelais } from '../../bin/start-all.ts';
import { createTestDatabase, eventually, freePort, testBrokers, type TestDatabase, uniquePrefix } from '@relais/connector-kit/testing';
import { port } from '../../core/settings.ts';
import { kafkaSecurityVariables } from '../../infra/kafka/client-env.ts';
import { linkIdentifier } from '../../identity/identity-store.ts';
import { newPivotId } from '../../core/ids.ts';
import { discoverSimulators } from '../../silos/shared/simulators.ts';
import type { Mailbox } from '../../silos/email/mailbox.ts';
import type { TaxSilo } from '../../silos/tax/server.ts';
import type { WasteSilo } from '../../silos/waste-management/server.ts';
import { copyRights } from './rights.ts';
import type { IncomingMessage } from '../../core/bus/types.ts';
import { CitizenKeys } from '../../privacy/citizen-keys.ts';
import { readMasterKey } from '../../privacy/master-key.ts';
import { ERASED, openMessages } from '../../privacy/sealed-messages.ts';
import { openStoredData } from '../../privacy/sealed-data.ts';
import { createWasteVendorDatabase } from './vendor-databases.ts';

export interface Stack {
  relais: RunningRelais;
  prefix: string;
  env: Record<string, string>;
  database?: TestDatabase;
  siloUrl: string;
  /** The civil-registry simulator's base URL (admin API; SOAP at /registre). */
  registryUrl: string;
  /** The simulators the tests look into: the waste database and desk, the tax office, the mailbox (unless EMAIL_SMTP_URL is set). */
  silos: { waste: WasteSilo; tax: TaxSilo; mailbox?: Mailbox };
  /**
   * Posts a change with the dev credential. A citizen named by a system identifier is linked in
   * the crosswalk first, as an import would have (the dev credential may not create citizens:
   * docs/flows.md, first sightings); a test of an unknown identifier posts with fetch.
   */
  postChange(body: object, headers?: Record<string, string>): Promise<{ status: number; body: ChangeView }>;
  /** Links `system`'s identifier `localId` to a citizen (a new pivot id unless already linked), as an import would. */
  link(system: string, localId: string): Promise<void>;
  getChange(id: string): Promise<ChangeView>;
  waitForStatus(id: string, settled: (change: ChangeView) => boolean, timeoutMs?: number): Promise<ChangeView>;
  openFile(fileNumber: string): Promise<void>;
  file(fileNumber: string): Promise<SiloFile>;
  journal(fileNumber: string): Promise<JournalEntry[]>;
  setFault(fault: object | null): Promise<void>;
  /** Messages read from a topic as a Relais process reads them: opened with the stack's citizen keys (docs/contracts.md, "Encrypted payloads"). */
  opened(messages: IncomingMessage[]): Promise<IncomingMessage[]>;
  /** A stored change's data as a Relais reader gets it: opened with the stack's citizen keys; undefined when no such change. */
  storedData(changeId: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface ChangeView {
  id: string;
  pivotId: string;
  status: string;
  recipients: { system: string; status: string; reason?: string }[];
  notConcerned?: { system: string; reason: string }[];
}

export interface SiloFile {
  statut: string;
  adresse: Record<string, string>;
}

export interface JournalEntry {
  operation: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  statutHttp: number;
  rejoue: boolean;
}

export interface StackOptions {
  store?: 'postgres' | 'pglite';
  /** Flow files of flows/ to route with (default: social-services.yaml only, so each test sees only the systems it is about). */
  flows?: string[];
  /** The waste-management vendor database: embedded (PGlite, the quick start's) or a fresh one on the MariaDB or PostgreSQL server. */
  waste?: 'embedded' | 'mariadb' | 'postgres';
  env?: Record<string, string>;
  connectors?: boolean | { except: string[] };
  /** Receives every log line of the stack (set LOG_LEVEL in env to see more than warnings). */
  logs?: string[];
}

export const devToken = 'e2e-dev-token';
/** The shared secret of the social-services webhooks in the test stack. */
export const webhookSecret = 'e2e-webhook-secret';

export function addressChange(fileNumber: string, streetName = 'rue des Lilas', extra: Record<string, unknown> = {}): object {
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { system: 'social-services', id: fileNumber },
    channel: 'web',
    data: {
      address: { number: '12', streetName, postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR', ...extra },
      effectiveDate: '2026-11-01',
    },
  };
}

/** Every port a simulator listens on, set to 0: each stack's simulators get free ports. */
async function ephemeralSimulatorPorts(): Promise<Record<string, string>> {
  const settings = (await discoverSimulators()).flatMap((simulator) => Object.values(simulator.settings));
  return Object.fromEntries(settings.filter((setting) => setting.parse === port).map((setting) => [setting.env, '0']));
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = uniquePrefix('e2e');
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-e2e-'));
  const database = options.store === 'pglite' ? undefined : await createTestDatabase('postgres');
  const flowsDir = join(dataDir, 'flows');
  mkdirSync(flowsDir);
  for (const file of options.flows ?? ['social-services.yaml']) copyFileSync(join('flows', file), join(flowsDir, file));
  copyRights(flowsDir, options.flows ?? ['social-services.yaml']);
  const vendor = options.waste === 'mariadb' || options.waste === 'postgres' ? await createWasteVendorDatabase(options.waste) : undefined;
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.env?.['KAFKA_BROKERS'] ?? testBrokers().join(','),
    ...kafkaSecurityVariables(),
    RELAIS_TOPIC_PREFIX: prefix,
    RELAIS_DATA_DIR: dataDir,
    PORT: '0',
    RELAIS_OPS_PORT: '0',
    RELAIS_CONSOLE_PORT: '0',
    RELAIS_CITIZEN_PORT: '0',
    ...(await ephemeralSimulatorPorts()),
    SOCIAL_SERVICES_WEBHOOK_PORT: String(await freePort('127.0.0.1')),
    SOCIAL_SERVICES_WEBHOOK_SECRET: webhookSecret,
    CIVIL_REGISTRY_PASSWORD: 'e2e-registry-secret',
    WASTE_MANAGEMENT_SETTLE_MS: '200',
    RELAIS_SOURCE_POLL_MS: '100',
    RELAIS_SOURCE_BACKOFF_MS: '50',
    RELAIS_SOURCE_BACKOFF_MAX_MS: '400',
    RELAIS_FLOWS_DIR: flowsDir,
    ...(vendor ? { WASTE_MANAGEMENT_DATABASE_URL: vendor.url } : {}),
    RELAIS_DEV_TOKEN: devToken,
    RELAIS_SINK_MAX_ATTEMPTS: '3',
    RELAIS_SINK_BACKOFF_MS: '50',
    RELAIS_SINK_BACKOFF_MAX_MS: '200',
    RELAIS_SINK_TIMEOUT_MS: '2000',
    // A silo failing for longer than this dead-letters (tests that want the outage rule's
    // default, hours, set RELAIS_SINK_PATIENCE_MS themselves).
    RELAIS_SINK_PATIENCE_MS: '1500',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    ...(database?.url ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  const logs = options.logs;
  const logDestination = logs ? { write: (line: string) => void logs.push(line) } : undefined;
  const relais = await startAll({ env, connectors: options.connectors ?? true, ...(logDestination ? { logDestination } : {}) });
  const siloUrl = relais.siloUrls['social-services']!;
  const registryUrl = relais.siloUrls['civil-registry']!;
  // A connector started in another process finds the same simulators.
  Object.assign(env, relais.connectorEnv);
  const instance = <T>(name: string): T | undefined => relais.simulators.get(name)?.instance as T | undefined;
  const mailbox = instance<Mailbox>('email');
  const auth = { authorization: `Bearer ${devToken}` };

  const linked = new Set<string>();
  const stack: Stack = {
    relais,
    prefix,
    env,
    ...(database ? { database } : {}),
    siloUrl,
    registryUrl,
    silos: { waste: instance<WasteSilo>('waste-management')!, tax: instance<TaxSilo>('tax')!, ...(mailbox ? { mailbox } : {}) },
    async link(system, localId) {
      // Remembered, so a test that cuts the store off mid-run does not need it to post again.
      const key = `${system}/${localId}`;
      if (linked.has(key)) return;
      const known = await relais.db.query('SELECT 1 FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [system, localId]);
      if (known.rows.length === 0) await linkIdentifier(relais.db, newPivotId(), system, localId, { method: 'declared', by: 'test' });
      linked.add(key);
    },
    async postChange(body, headers = {}) {
      const citizen = (body as { citizen?: { system?: unknown; id?: unknown } }).citizen;
      if (typeof citizen?.system === 'string' && typeof citizen.id === 'string') await stack.link(citizen.system, citizen.id);
      const response = await fetch(`${relais.gatewayUrl}/v1/changes`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as ChangeView };
    },
    async getChange(id) {
      const response = await fetch(`${relais.gatewayUrl}/v1/changes/${id}`, { headers: auth });
      if (response.status !== 200) throw new Error(`GET change ${id}: ${response.status}`);
      return (await response.json()) as ChangeView;
    },
    waitForStatus(id, settled, timeoutMs = 30_000) {
      return eventually(
        async () => {
          const change = await stack.getChange(id);
          return settled(change) ? change : undefined;
        },
        timeoutMs,
        `change ${id} to settle`,
      );
    },
    async openFile(fileNumber) {
      const response = await fetch(`${siloUrl}/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          numeroDossier: fileNumber,
          nom: 'Test',
          prenoms: 'Test',
          adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' },
        }),
      });
      if (response.status !== 201) throw new Error(`opening ${fileNumber}: ${response.status}`);
    },
    async file(fileNumber) {
      return (await (await fetch(`${siloUrl}/dossiers/${fileNumber}`)).json()) as SiloFile;
    },
    async journal(fileNumber) {
      return (await (await fetch(`${siloUrl}/dossiers/${fileNumber}/journal`)).json()) as JournalEntry[];
    },
    async setFault(fault) {
      await fetch(
        `${siloUrl}/_admin/pannes`,
        fault === null
          ? { method: 'DELETE' }
          : { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) },
      );
    },
    async opened(messages) {
      const keys = new CitizenKeys(readMasterKey(join(dataDir, 'master.key')));
      return (await openMessages(keys, relais.db, messages)).filter((m): m is IncomingMessage => m !== ERASED);
    },
    async storedData(changeId) {
      const row = (await relais.db.query<{ data: unknown }>('SELECT data FROM changes WHERE id = $1', [changeId])).rows[0];
      if (!row) return undefined;
      const keys = new CitizenKeys(readMasterKey(join(dataDir, 'master.key')));
      return openStoredData(keys, relais.db, { id: changeId, data: row.data });
    },
    async stop() {
      await relais.stop();
      await database?.drop();
      await vendor?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export const settledAll = (change: ChangeView): boolean =>
  change.recipients.length > 0 && change.recipients.every((r) => ['applied', 'rejected', 'superseded', 'dead_lettered'].includes(r.status));
