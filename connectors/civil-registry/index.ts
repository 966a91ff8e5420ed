/** civil-registry: the town hall's civil registry over SOAP — a source of life events, and the authority on identity. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { CivilRegistryClient } from './client.ts';
import { civilRegistryConfig, civilRegistrySettings } from './config.ts';
import { createRegisterIdentityResolver } from './identity.ts';
import { EMITS } from './mapping.ts';
import { createCivilRegistrySource } from './source.ts';

const civilRegistryConnector: ConnectorDefinition<typeof civilRegistrySettings> = {
  kind: 'civil-registry',
  description:
    'Civil registry (SOAP/WSDL, WS-Security): publishes births, deaths, marriages, PACS and name changes; resolves citizens named by civil data.',
  accepts: [],
  emits: [...EMITS],
  settings: civilRegistrySettings,
  createSource: ({ settings }) => {
    const { client, pageSize } = civilRegistryConfig(settings);
    return createCivilRegistrySource(new CivilRegistryClient(client), pageSize);
  },
  createIdentityResolver: ({ system, settings }) => {
    const { client } = civilRegistryConfig(settings);
    return createRegisterIdentityResolver(system, new CivilRegistryClient(client), client.timeoutMs);
  },
};

export default civilRegistryConnector;
