/**
 * The civil-registry simulator in the quick start: its SOAP service with the demo citizens,
 * requiring a WS-Security password generated once per data directory when none is set; naming a
 * citizen by civil data and recording a death in the banner.
 */
import { curlGet, curlPost, demoMove } from '../shared/demo.ts';
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { seedRegistre } from './seed.ts';
import { startCivilRegistrySilo } from './server.ts';
import { civilRegistrySiloSettings } from './settings.ts';

/** Two Jean-Pierre Bernard were born that day (the demo register has both): the change waits for an agent. */
const homonym = {
  birthName: 'Bernard',
  givenNames: ['Jean-Pierre'],
  dateOfBirth: '1962-07-14',
  placeOfBirth: { communeName: 'Lyon', country: 'FR' },
};

function death(): string {
  return JSON.stringify({
    type: 'DECES',
    personne: 'EC-00000123',
    dateEvenement: new Date().toISOString().slice(0, 10),
    lieu: { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' },
  });
}

const civilRegistrySimulator: SimulatorDefinition<typeof civilRegistrySiloSettings> = {
  name: 'civil-registry',
  settings: civilRegistrySiloSettings,
  demoIdentities: { 'jeanne-martin': 'EC-00000123', 'paul-nguyen': 'EC-00000456', 'jean-pierre-bernard': 'EC-00000901' },
  async start({ dataDir, settings, secret }) {
    const connectorEnv: Record<string, string> = {};
    let password = settings.password;
    if (!password) {
      password = secret('civil-registry-password', 'registre-');
      connectorEnv['CIVIL_REGISTRY_PASSWORD'] = password;
    }
    const registry = await startCivilRegistrySilo({ port: settings.port, dataDir, credentials: { username: settings.username, password } });
    try {
      await seedRegistre(registry.registre);
    } catch (error) {
      await registry.close();
      throw error;
    }
    const { url } = registry;
    return {
      urls: { 'civil-registry': url },
      connectorEnv: { ...connectorEnv, CIVIL_REGISTRY_URL: registry.soapUrl },
      banner: ({ gatewayUrl, devToken }) => [
        { rank: 140, lines: [`  civil registry  ${url}/registre?wsdl (SOAP simulator; its desk: ${url}/_admin/evenements)`] },
        {
          rank: 400,
          lines: [
            '',
            'Name a citizen by civil data instead of an identifier (two Jean-Pierre Bernard were born that day: the change is held for an agent; the one born in Lyon has a social-services file, which the decision below updates):',
            curlPost(gatewayUrl, devToken, '/v1/changes', demoMove({ civil: homonym })),
            curlGet(gatewayUrl, devToken, '/v1/identity-reviews'),
            curlPost(gatewayUrl, devToken, '/v1/identity-reviews/<review id>/decision', { decision: 'match', registerId: 'EC-00000901' }),
          ],
        },
        {
          rank: 600,
          lines: [
            '',
            'Last: the town hall records the death of Jeanne Martin (EC-00000123); social services closes file SS-000123 by itself:',
            `  curl -s -X POST ${url}/_admin/evenements -H 'Content-Type: application/json' -d '${death()}'`,
          ],
        },
      ],
      instance: registry,
      stop: () => registry.close(),
    };
  },
};

export default civilRegistrySimulator;
