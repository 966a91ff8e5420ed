/**
 * The social-services simulator in the quick start: its REST API with the demo files, notifying
 * its desk's changes to the connector's webhook receiver (signed with a secret generated once per
 * data directory when none is set); the demo move and the desk's household in the banner.
 */
import { curlGet, curlPost, demoMove } from '../shared/demo.ts';
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { seedStore } from './seed.ts';
import { startSocialServicesSilo } from './server.ts';
import { socialServicesSiloSettings } from './settings.ts';
import { SocialServicesStore } from './store.ts';

function household(): string {
  return JSON.stringify({
    foyer: [
      { nom: 'Nguyen', prenoms: 'Paul', lien: 'DEMANDEUR' },
      { nom: 'Nguyen', prenoms: 'Lina', dateNaissance: '2019-03-02', lien: 'ENFANT', aCharge: true },
    ],
    dateEffet: new Date().toISOString().slice(0, 10),
  });
}

const socialServicesSimulator: SimulatorDefinition<typeof socialServicesSiloSettings> = {
  name: 'social-services',
  settings: socialServicesSiloSettings,
  demoIdentities: { 'jeanne-martin': 'SS-000123', 'paul-nguyen': 'SS-000456', 'jean-pierre-bernard': 'SS-000901' },
  async start({ dataDir, settings, secret, freePort }) {
    const store = await SocialServicesStore.open({ dataDir });
    await seedStore(store);
    await store.flush();
    // The desk's changes are notified to the social-services connector's receiver (signed webhook).
    const connectorEnv: Record<string, string> = {};
    let webhookSecret = settings.webhookSecret;
    if (!webhookSecret) {
      webhookSecret = secret('social-services-webhook-secret', 'whsec-');
      connectorEnv['SOCIAL_SERVICES_WEBHOOK_SECRET'] = webhookSecret;
    }
    let receiverPort = settings.receiverPort;
    if (receiverPort === 0) {
      receiverPort = await freePort(settings.receiverHost);
      connectorEnv['SOCIAL_SERVICES_WEBHOOK_PORT'] = String(receiverPort);
    }
    const receiverHost = settings.receiverHost === '0.0.0.0' ? '127.0.0.1' : settings.receiverHost;
    const silo = await startSocialServicesSilo({
      port: settings.port,
      dataDir,
      ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      webhook: { url: `http://${receiverHost}:${receiverPort}/webhooks/social-services`, secret: webhookSecret },
    });
    const { url } = silo;
    return {
      urls: { 'social-services': url },
      connectorEnv: { ...connectorEnv, SOCIAL_SERVICES_URL: url },
      banner: ({ gatewayUrl, devToken }) => [
        { rank: 100, lines: [`  social-services ${url} (simulator)`] },
        {
          rank: 200,
          lines: [
            '',
            'Tell Relais that a demo citizen moved:',
            curlPost(gatewayUrl, devToken, '/v1/changes', demoMove({ system: 'social-services', id: 'SS-000123' })),
            'Then follow it (use the id from the answer):',
            curlGet(gatewayUrl, devToken, '/v1/changes/<id>'),
            'And see it in the silo:',
            `  curl -s ${url}/dossiers/SS-000123`,
          ],
        },
        {
          rank: 500,
          lines: [
            '',
            'A household recorded at the social-services desk is told to Relais by signed webhook:',
            `  curl -s -X POST ${url}/_guichet/dossiers/SS-000456/foyer -H 'Content-Type: application/json' -d '${household()}'`,
          ],
        },
        { rank: 610, lines: [`  curl -s ${url}/dossiers/SS-000123`] },
      ],
      instance: silo,
      stop: () => silo.close(),
    };
  },
};

export default socialServicesSimulator;
