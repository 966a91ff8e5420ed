/**
 * The civil registry end to end — real SOAP over HTTP, real Kafka, real PostgreSQL:
 *   - a death recorded in the register simulator closes the social-services file, and the change
 *     shows through the gateway (per-system status, the citizen's timeline);
 *   - the connector process is killed between publishing and saving its cursor, then restarted:
 *     no event lost, none applied twice downstream;
 *   - the register failing (SOAP faults) or answering XXE / entity expansion: the connector backs
 *     off, the failure shows in its health (source_checkpoints), nothing of the payload is
 *     logged, and it recovers without losing its place.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readSourceState } from '@relais/connector-kit/runtime';
import { linkIdentifier } from '../identity/identity-store.ts';
import { newPivotId, sourceEventId } from '../core/ids.ts';
import { eventually } from '@relais/connector-kit/testing';
import { devToken, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
const children = new Set<ChildProcess>();
const lyon = { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' };
const auth = { authorization: `Bearer ${devToken}`, 'relais-purpose': 'end-to-end test' };

before(async () => {
  // The civil-registry connector runs in its own process in the crash test; start it here for the others.
  stack = await startStack({
    store: 'postgres',
    flows: ['social-services.yaml', 'civil-registry.yaml'],
    connectors: { except: ['civil-registry'] },
  });
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stack?.stop();
});

async function admin(route: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.registryUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

const setRegistryFault = (fault: object | null) =>
  fetch(
    `${stack.registryUrl}/_admin/pannes`,
    fault ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) } : { method: 'DELETE' },
  );

/** A person the register and social services both know, linked to one pivot id. */
async function knownCitizen(n: number): Promise<{ registerId: string; file: string; pivotId: string }> {
  const registerId = `EC-${String(70_000_000 + n)}`;
  const file = `SS-${String(800_000 + n)}`;
  await admin('/_admin/personnes', {
    identifiant: registerId,
    nomNaissance: `TEST${n}`,
    prenoms: 'Camille',
    sexe: 'F',
    dateNaissance: '1950-01-01',
    lieuNaissance: lyon,
  });
  await stack.openFile(file);
  const pivotId = newPivotId();
  await linkIdentifier(stack.database!.db, pivotId, 'civil-registry', registerId);
  await linkIdentifier(stack.database!.db, pivotId, 'social-services', file);
  return { registerId, file, pivotId };
}

async function recordDeath(registerId: string): Promise<number> {
  const event = await admin('/_admin/evenements', { type: 'DECES', personne: registerId, dateEvenement: '2026-11-20', lieu: lyon });
  return Number(event['numero']);
}

/** `relais connector civil-registry` in its own process; resolves once it is polling. */
async function startRegistryConnector(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/relais.ts', 'connector', 'civil-registry'], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => (output.includes('connector ready') || child.exitCode !== null || child.signalCode !== null ? true : undefined),
    90_000,
    'the connector to start',
  );
  return Object.assign(child, { output: () => output });
}

const closures = async (file: string) =>
  (await stack.journal(file)).filter((e) => e.operation === 'cloturerDossier' && e.statutHttp === 200 && !e.rejoue);

test(
  'killed between publishing and saving its cursor, then restarted: every death arrives, none is applied twice',
  { timeout: 300_000 },
  async () => {
    const citizens: Awaited<ReturnType<typeof knownCitizen>>[] = [];
    for (let n = 1; n <= 5; n++) citizens.push(await knownCitizen(n));
    const before = (await readSourceState(stack.database!.db, 'civil-registry')).checkpoint;
    const numbers: number[] = [];
    for (const c of citizens) numbers.push(await recordDeath(c.registerId));

    const first = await startRegistryConnector({ CIVIL_REGISTRY_PAGE_SIZE: '2', RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH: '1' });
    if (first.exitCode === null && first.signalCode === null) await once(first, 'exit');
    assert.equal(first.signalCode, 'SIGKILL', 'the fault killed the connector after its first publish');
    assert.equal(
      (await readSourceState(stack.database!.db, 'civil-registry')).checkpoint,
      before,
      'the cursor of the published page was never saved',
    );

    const second = await startRegistryConnector({ CIVIL_REGISTRY_PAGE_SIZE: '2' });
    for (const c of citizens) {
      await eventually(async () => ((await stack.file(c.file)).statut === 'clos' ? true : undefined), 60_000, `file ${c.file} closed`);
    }
    await eventually(
      async () => ((await readSourceState(stack.database!.db, 'civil-registry')).checkpoint === String(numbers.at(-1)) ? true : undefined),
      30_000,
      'the cursor saved',
    );
    for (const c of citizens) assert.equal((await closures(c.file)).length, 1, `${c.file} closed exactly once`);
    for (const numero of numbers.slice(0, 2)) {
      const change = await stack.waitForStatus(sourceEventId('civil-registry', `evenement:${numero}`), (ch) => ch.status === 'completed');
      assert.deepEqual(
        change.recipients.map((r) => [r.system, r.status]),
        [['social-services', 'applied']],
      );
    }
    const exited = once(second, 'exit') as Promise<[number | null]>;
    second.kill('SIGTERM');
    assert.equal((await exited)[0], 0);
  },
);

test(
  'a death recorded in the register closes the social-services file, visible through the gateway and in the timeline',
  { timeout: 240_000 },
  async () => {
    const connector = await startRegistryConnector();
    const citizen = await knownCitizen(10);
    const numero = await recordDeath(citizen.registerId);
    await eventually(async () => ((await stack.file(citizen.file)).statut === 'clos' ? true : undefined), 60_000, 'the file closed');
    const journal = await closures(citizen.file);
    assert.equal(journal.length, 1);
    assert.deepEqual(journal[0]!.body, { motif: 'DECES', dateDeces: '2026-11-20', dateCloture: '2026-11-20' });

    const id = sourceEventId('civil-registry', `evenement:${numero}`);
    const change = (await stack.waitForStatus(id, (c) => c.status === 'completed')) as Awaited<ReturnType<Stack['getChange']>> & {
      origin?: string;
      channel?: string;
    };
    assert.deepEqual([change.pivotId, change.origin, change.channel], [citizen.pivotId, 'civil-registry', undefined]);
    assert.deepEqual(
      change.recipients.map((r) => [r.system, r.status]),
      [['social-services', 'applied']],
      'never echoed back to the register',
    );
    const timeline = (await (
      await fetch(`${stack.relais.gatewayUrl}/v1/citizens/${citizen.pivotId}/timeline`, { headers: auth })
    ).json()) as {
      entries: { kind: string; changeId: string; origin?: string; system?: string; status?: string; type: string }[];
    };
    const mine = timeline.entries.filter((e) => e.changeId === id);
    assert.ok(
      mine.some((e) => e.kind === 'change_accepted' && e.origin === 'civil-registry' && e.type === 'fr.relais.citizen.death.registered.v1'),
    );
    assert.ok(mine.some((e) => e.kind === 'system_outcome' && e.system === 'social-services' && e.status === 'applied'));
    connector.kill('SIGTERM');
    await once(connector, 'exit');
  },
);

test(
  'register faults and hostile XML: the connector backs off, shows it in its health, logs no payload, and recovers without losing its place',
  { timeout: 240_000 },
  async () => {
    const connector = (await startRegistryConnector()) as ChildProcess & { output(): string };
    const citizen = await knownCitizen(20);
    await setRegistryFault({ mode: 'reponse-hostile', charge: 'xxe', restant: 2 });
    await eventually(
      async () => ((await readSourceState(stack.database!.db, 'civil-registry')).lastError?.includes('XML_UNSAFE') ? true : undefined),
      30_000,
      'the XXE refusal in the health',
    );
    await setRegistryFault({ mode: 'reponse-hostile', charge: 'milliard-de-rires', restant: 1 });
    await setRegistryFault({ mode: 'erreur', restant: 3 });
    const failing = await eventually(
      async () => {
        const state = await readSourceState(stack.database!.db, 'civil-registry');
        return state.consecutiveFailures > 0 && state.lastError?.includes('ERREUR_SIMULEE') ? state : undefined;
      },
      30_000,
      'the SOAP fault in the health',
    );
    assert.ok(failing.consecutiveFailures >= 1);
    await recordDeath(citizen.registerId);
    await eventually(
      async () => ((await stack.file(citizen.file)).statut === 'clos' ? true : undefined),
      60_000,
      'the file closed after recovery',
    );
    await eventually(
      async () => ((await readSourceState(stack.database!.db, 'civil-registry')).consecutiveFailures === 0 ? true : undefined),
      10_000,
      'health back to ok',
    );
    assert.equal((await closures(citizen.file)).length, 1);
    const logs = connector.output();
    assert.match(logs, /source failing; backing off/);
    assert.match(logs, /XML_UNSAFE/);
    assert.doesNotMatch(logs, /passwd|&lol|<!ENTITY/, 'nothing of the hostile payload is logged');
    assert.equal(connector.exitCode, null, 'the connector kept running');
    connector.kill('SIGTERM');
    await once(connector, 'exit');
  },
);
