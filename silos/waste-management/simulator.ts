/**
 * The waste-management simulator in the quick start: the vendor's database — embedded (PGlite
 * over the PostgreSQL protocol, seeded) unless WASTE_MANAGEMENT_DATABASE_URL names one — and the
 * agent desk in front of it; reporting a missed collection in the banner.
 */
import { curlGet, curlPost } from '../shared/demo.ts';
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { startWasteManagementSilo } from './server.ts';
import { wasteManagementSiloSettings } from './settings.ts';

const missedCollection = {
  citizen: { system: 'waste-management', id: 'USG-000123' },
  channel: 'desk',
  category: 'waste.missed-collection',
  location: {
    address: { number: '24', streetName: 'rue Paul Bert', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  },
  description: 'Bac jaune non collecté mardi.',
  contact: { email: 'jeanne.martin@example.fr' },
};

const wasteManagementSimulator: SimulatorDefinition<typeof wasteManagementSiloSettings> = {
  name: 'waste-management',
  settings: wasteManagementSiloSettings,
  demoIdentities: { 'jeanne-martin': 'USG-000123' },
  async start({ dataDir, settings }) {
    const waste = await startWasteManagementSilo({
      port: settings.port,
      ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : { dataDir, dbPort: settings.dbPort, seed: true }),
    });
    const { url } = waste;
    return {
      urls: { 'waste-management': url },
      connectorEnv: { WASTE_MANAGEMENT_DATABASE_URL: waste.databaseUrl },
      banner: ({ gatewayUrl, devToken }) => [
        { rank: 110, lines: [`  waste desk      ${url} (simulator's agent desk)`] },
        {
          rank: 300,
          lines: [
            '',
            'Report a missed bin collection at the desk (then resolve the incident at the waste desk):',
            curlPost(gatewayUrl, devToken, '/v1/service-requests', missedCollection),
            `  curl -s ${url}/incidents?reference=<id>`,
            `  curl -s -X POST ${url}/incidents/<incident>/resolution -H 'Content-Type: application/json' -d '{"commentaire":"Bac collecté ce matin."}'`,
            curlGet(gatewayUrl, devToken, '/v1/service-requests/<id>'),
          ],
        },
      ],
      instance: waste,
      stop: () => waste.close(),
    };
  },
};

export default wasteManagementSimulator;
