/**
 * Social services as a source: a change recorded at the silo's desk is notified by a signed
 * webhook, verified by the connector's receiver, published (origin social-services), routed to
 * the other silos (waste management applies the new address) and never sent back to social
 * services. Forged, tampered, stale, unsigned or replayed webhooks are refused with 401 and
 * published nowhere. Real HTTP, real Kafka, real PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { linkIdentifier } from '../identity/identity-store.ts';
import { newPivotId, sourceEventId } from '../core/ids.ts';
import { signature } from '../silos/social-services/webhook.ts';
import type { NotificationEnvoyee } from '../silos/social-services/types.ts';
import { addHousehold } from '../silos/waste-management/seed.ts';
import { eventually } from '@relais/connector-kit/testing';
import { startStack, webhookSecret, type ChangeView, type Stack } from './support/stack.ts';

let stack: Stack;
let receiver: string;
const file = 'SS-850001';
let pivotId: string;

before(async () => {
  stack = await startStack({ store: 'postgres', flows: ['social-services.yaml', 'waste-management.yaml'] });
  receiver = `http://127.0.0.1:${stack.env['SOCIAL_SERVICES_WEBHOOK_PORT']}/webhooks/social-services`;
  await stack.openFile(file);
  await addHousehold(stack.silos.waste.sql, {
    numero_foyer: 'FOY-850001',
    adresse: { numero: '3', libelle_voie: 'rue Ancienne', code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
    usagers: [{ numero_usager: 'USG-850001', nom: 'Test', prenom: 'Test' }],
  });
  pivotId = newPivotId();
  await linkIdentifier(stack.database!.db, pivotId, 'social-services', file);
  await linkIdentifier(stack.database!.db, pivotId, 'waste-management', 'USG-850001');
});

after(() => stack?.stop());

async function desk(route: string, body: object): Promise<void> {
  const response = await fetch(`${stack.siloUrl}/_guichet/dossiers/${file}/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.text());
}

const notifications = async () => (await (await fetch(`${stack.siloUrl}/_admin/notifications`)).json()) as NotificationEnvoyee[];
const fromSocialServices = async () =>
  (await stack.database!.db.query<{ n: number }>("SELECT count(*)::int AS n FROM changes WHERE origin_system = 'social-services'")).rows[0]!
    .n;

async function push(body: string, header?: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(receiver, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { 'x-signature': header } : {}) },
    body,
  });
  const parsed = (await response.json()) as { code?: string };
  return { status: response.status, ...(parsed.code ? { code: parsed.code } : {}) };
}

test(
  'an address recorded at the desk reaches waste management through Relais and never comes back to social services',
  { timeout: 90_000 },
  async () => {
    const before = (await stack.journal(file)).length;
    await desk('adresse', {
      adresse: { numeroVoie: '8', libelleVoie: 'rue du Guichet', codePostal: '69003', commune: 'Lyon', codeInsee: '69383' },
      dateEffet: '2026-11-15',
    });
    const sent = await eventually(
      async () => (await notifications()).find((n) => n.etat === 'livree' && n.notification.type === 'ADRESSE_MODIFIEE'),
      20_000,
      'the notification delivered',
    );
    assert.equal(sent.tentatives, 1);
    const id = sourceEventId('social-services', `notification:${sent.notification.id}`);
    const change = (await stack.waitForStatus(id, (c) => c.status === 'completed', 60_000)) as ChangeView & { origin?: string };
    assert.equal(change.origin, 'social-services');
    assert.equal(change.pivotId, pivotId);
    assert.deepEqual(
      change.recipients.map((r) => [r.system, r.status]),
      [['waste-management', 'applied']],
      'applied in waste management, not sent back',
    );
    assert.equal((await stack.journal(file)).length, before, 'social services received no write from Relais');
  },
);

test('a household recorded at the desk is published as a household change', { timeout: 60_000 }, async () => {
  await desk('foyer', {
    foyer: [
      { nom: 'Test', prenoms: 'Test', lien: 'DEMANDEUR' },
      { nom: 'Test', prenoms: 'Léo Paul', dateNaissance: '2015-04-02', lien: 'ENFANT', aCharge: true },
    ],
    dateEffet: '2026-11-16',
  });
  const sent = await eventually(
    async () => (await notifications()).find((n) => n.etat === 'livree' && n.notification.type === 'FOYER_MODIFIE'),
    20_000,
    'the notification delivered',
  );
  const id = sourceEventId('social-services', `notification:${sent.notification.id}`);
  const stored = await eventually(
    async () => (await stack.database!.db.query<{ type: string }>('SELECT type FROM changes WHERE id = $1', [id])).rows[0],
    20_000,
    'the change',
  );
  // Sealed in the store with the citizen's key (docs/adr/0032): read as a Relais reader opens it.
  const data = (await stack.storedData(id)) as { members: { role: string }[] };
  assert.equal(stored.type, 'fr.relais.citizen.household.changed.v1');
  assert.deepEqual(
    data.members.map((m) => m.role),
    ['reference-person', 'child'],
  );
});

test('unsigned, forged, tampered, stale and replayed webhooks are refused with 401 and published nowhere', async () => {
  const notification = {
    id: randomUUID(),
    type: 'ADRESSE_MODIFIEE',
    numeroDossier: file,
    survenuLe: new Date().toISOString(),
    dateEffet: '2026-11-17',
    adresse: { libelleVoie: 'rue Pirate', codePostal: '69003', commune: 'Lyon', pays: 'FRANCE' },
  };
  const body = JSON.stringify(notification);
  const published = await fromSocialServices();
  const now = Math.floor(Date.now() / 1000);
  assert.deepEqual(await push(body), { status: 401, code: 'webhook-unauthenticated' }, 'unsigned');
  assert.equal((await push(body, signature('not-the-secret', body))).status, 401, 'forged');
  assert.equal((await push(body.replace('rue Pirate', 'rue Piratée'), signature(webhookSecret, body))).status, 401, 'tampered');
  assert.equal((await push(body, signature(webhookSecret, body, now - 3600))).status, 401, 'stale');
  assert.equal((await push(body, signature(webhookSecret, body, now + 3600))).status, 401, 'from the future');
  assert.equal((await push(body, 't=abc,v1=zz')).status, 401, 'malformed');
  assert.equal(await fromSocialServices(), published, 'nothing published');

  const header = signature(webhookSecret, body);
  assert.equal((await push(body, header)).status, 200, 'genuine');
  assert.deepEqual(await push(body, header), { status: 401, code: 'webhook-unauthenticated' }, 'the same signed request replayed');
  assert.equal(
    (await push(body, signature(webhookSecret, body, now - 5))).status,
    200,
    'the silo retrying (signed again) is accepted: same event id',
  );
  assert.equal(await fromSocialServices(), published + 1, 'one change for the notification, however often it came');
  // The same notification id with another content, freshly signed: refused, nothing published.
  const other = JSON.stringify({ ...notification, adresse: { ...notification.adresse, libelleVoie: 'rue Autre' } });
  assert.deepEqual(
    await push(other, signature(webhookSecret, other, now - 2)),
    { status: 409, code: 'id-conflict' },
    'an id names one content',
  );
  assert.equal(await fromSocialServices(), published + 1, 'nothing more recorded');
  const id = sourceEventId('social-services', `notification:${notification.id}`);
  const stored = (await stack.storedData(id)) as { address: { streetName: string } } | undefined;
  assert.equal(stored?.address.streetName, 'rue Pirate', 'the first content stands');
  const bad = JSON.stringify({ ...notification, id: randomUUID(), type: 'DEMENAGEMENT' });
  assert.equal((await push(bad, signature(webhookSecret, bad))).status, 422);
  assert.equal((await push('{not json', signature(webhookSecret, '{not json'))).status, 400);
});
