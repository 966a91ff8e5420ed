/**
 * The simulator's desk and its signed webhook: a change recorded at the desk is applied to the
 * file and POSTed, signed (HMAC-SHA256 over "<t>.<body>"), to the subscriber; retried on 5xx with
 * a fresh signature and the same notification id; abandoned on another 4xx.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSocialServicesSilo, type SocialServicesSilo } from './server.ts';
import type { Notification, NotificationEnvoyee } from './types.ts';

const secret = 'silo-test-secret';
const received: { signature: string; body: string }[] = [];
const answers: number[] = [];
let subscriber: Server;
let silo: SocialServicesSilo;

before(async () => {
  subscriber = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ signature: String(req.headers['x-signature']), body });
      res.writeHead(answers.shift() ?? 200).end('{}');
    });
  }).listen(0, '127.0.0.1');
  await once(subscriber, 'listening');
  const { port } = subscriber.address() as AddressInfo;
  silo = await startSocialServicesSilo({ webhook: { url: `http://127.0.0.1:${port}/hook`, secret, retryMs: 20 } });
  await post('/dossiers', {
    numeroDossier: 'SS-000001',
    nom: 'Test',
    prenoms: 'Test',
    adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' },
  });
});

after(async () => {
  await silo.close();
  subscriber.close();
});

async function post(path: string, body: object): Promise<Response> {
  return fetch(`${silo.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
const sent = async () => (await (await fetch(`${silo.url}/_admin/notifications`)).json()) as NotificationEnvoyee[];
const until = async (check: (list: NotificationEnvoyee[]) => boolean) => {
  for (let i = 0; i < 100 && !check(await sent()); i++) await new Promise((r) => setTimeout(r, 20));
};

test('a desk address change updates the file and is notified, signed over the raw body', async () => {
  const response = await post('/_guichet/dossiers/SS-000001/adresse', {
    adresse: { libelleVoie: 'rue B', codePostal: '69002', commune: 'Lyon' },
    dateEffet: '2026-11-01',
  });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { adresse: { libelleVoie: string } }).adresse.libelleVoie, 'rue B');
  await until((list) => list.length === 1 && list[0]!.etat === 'livree');
  const [delivery] = received;
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery!.signature)!;
  assert.equal(v1, createHmac('sha256', secret).update(`${t}.${delivery!.body}`).digest('hex'));
  const notification = JSON.parse(delivery!.body) as Notification;
  assert.deepEqual(
    [notification.type, notification.numeroDossier, notification.dateEffet, notification.adresse?.pays],
    ['ADRESSE_MODIFIEE', 'SS-000001', '2026-11-01', 'FRANCE'],
  );
  const journal = (await (await fetch(`${silo.url}/dossiers/SS-000001/journal`)).json()) as unknown[];
  assert.deepEqual(journal, [], 'the desk is not the connector: nothing in the journal');
});

test('a 5xx is retried (same id, new signature); another 4xx is final', async () => {
  received.length = 0;
  answers.push(503, 503);
  await post('/_guichet/dossiers/SS-000001/foyer', {
    foyer: [{ nom: 'Test', prenoms: 'Test', lien: 'DEMANDEUR' }],
    dateEffet: '2026-11-02',
  });
  await until((list) => list.at(-1)!.etat === 'livree');
  assert.equal((await sent()).at(-1)!.tentatives, 3);
  assert.equal(new Set(received.map((r) => (JSON.parse(r.body) as Notification).id)).size, 1);
  answers.push(401);
  await post('/_guichet/dossiers/SS-000001/foyer', {
    foyer: [{ nom: 'Test', prenoms: 'Test', lien: 'DEMANDEUR' }],
    dateEffet: '2026-11-03',
  });
  await until((list) => list.at(-1)!.etat === 'abandonnee');
  assert.deepEqual([(await sent()).at(-1)!.tentatives, (await sent()).at(-1)!.dernierStatut], [1, 401]);
});

test('the desk refuses unknown files and invalid bodies', async () => {
  assert.equal(
    (await post('/_guichet/dossiers/SS-000404/foyer', { foyer: [{ nom: 'A', prenoms: 'B', lien: 'DEMANDEUR' }], dateEffet: '2026-11-02' }))
      .status,
    404,
  );
  assert.equal((await post('/_guichet/dossiers/SS-000001/foyer', { foyer: [], dateEffet: '2026-11-02' })).status, 422);
});
