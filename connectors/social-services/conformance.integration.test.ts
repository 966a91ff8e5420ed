/**
 * social-services passes the sink and push source conformance suites (packages/connector-kit/src/conformance)
 * against its simulator: deliveries over its REST API, changes from its desk by signed webhook.
 */
import { randomInt } from 'node:crypto';
import { freePort, pushSourceConformance, sinkConformance } from '@relais/connector-kit/testing';
import { startSocialServicesSilo, type SocialServicesSilo } from '../../silos/social-services/server.ts';
import { SocialServicesClient } from './client.ts';
import { createSocialServicesSink } from './sink.ts';
import { createWebhookReceiver, WEBHOOK_PATH } from './source.ts';
import { ADDRESS_CHANGED_V1 } from '@relais/connector-kit';

const apiKey = 'conformance-key';
const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69006', communeName: 'Lyon', country: 'FR' },
  effectiveDate: '2026-11-01',
};

interface Silo {
  server: SocialServicesSilo;
  files: string[];
}

async function openFile(silo: Silo): Promise<string> {
  const numeroDossier = `SS-${randomInt(100_000, 999_999)}`;
  const response = await fetch(`${silo.server.url}/dossiers`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      numeroDossier,
      nom: 'Test',
      prenoms: 'Test',
      adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' },
    }),
  });
  if (response.status !== 201) throw new Error(`opening a file: ${response.status}`);
  silo.files.push(numeroDossier);
  return numeroDossier;
}

const setFault = (silo: Silo, fault: Record<string, unknown>) =>
  fetch(`${silo.server.url}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });

sinkConformance<Silo>({
  system: 'social-services',
  startSilo: async () => ({ server: await startSocialServicesSilo({ apiKey }), files: [] }),
  stopSilo: (silo) => silo.server.close(),
  createSink: (silo) => createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.server.url, apiKey })),
  delivery: async (silo) => ({ type: ADDRESS_CHANGED_V1, citizenId: await openFile(silo), data: address }),
  // The silo's journal: one entry per write request, `rejoue` when its idempotency key came back.
  async effects(silo, eventId) {
    let count = 0;
    for (const file of silo.files) {
      const journal = (await (await fetch(`${silo.server.url}/dossiers/${file}/journal`, { headers })).json()) as {
        idempotencyKey: string;
        rejoue: boolean;
      }[];
      count += journal.filter((e) => e.idempotencyKey === eventId && !e.rejoue).length;
    }
    return count;
  },
  refusal: () => ({ delivery: { type: ADDRESS_CHANGED_V1, citizenId: 'SS-000000', data: address }, reason: /404 DOSSIER_INCONNU/ }),
  poison: async (silo) => ({
    type: ADDRESS_CHANGED_V1,
    citizenId: await openFile(silo),
    data: { effectiveDate: '2026-11-01', address: { postcode: '69003' } },
  }),
  async stall(silo) {
    // Writes answer after 3 s (then apply: a client that gave up finds it applied on retry).
    await setFault(silo, { mode: 'lenteur', delaiMs: 3000 });
    return async () => void (await setFault(silo, { mode: 'aucune' }));
  },
});

const secret = 'conformance-webhook-secret';

interface PushingSilo extends Silo {
  receiverPort: number;
}

pushSourceConformance<PushingSilo>({
  system: 'social-services',
  async startSilo() {
    const receiverPort = await freePort();
    const server = await startSocialServicesSilo({
      apiKey,
      webhook: { url: `http://127.0.0.1:${receiverPort}${WEBHOOK_PATH}`, secret, retryMs: 100, maxAttempts: 20 },
    });
    return { server, files: [], receiverPort };
  },
  stopSilo: (silo) => silo.server.close(),
  createPushSource: (context, silo) =>
    createWebhookReceiver(context, { host: '127.0.0.1', port: silo.receiverPort, secret, toleranceS: 300 }),
  // An address recorded at the silo's desk: one signed notification, retried until accepted.
  async append(silo) {
    const file = await openFile(silo);
    const response = await fetch(`${silo.server.url}/_guichet/dossiers/${file}/adresse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        adresse: { numeroVoie: '8', libelleVoie: 'rue du Guichet', codePostal: '69003', commune: 'Lyon', codeInsee: '69383' },
        dateEffet: '2026-11-15',
      }),
    });
    if (!response.ok) throw new Error(`recording an address at the desk: ${response.status}`);
  },
});
