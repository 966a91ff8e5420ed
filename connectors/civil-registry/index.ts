/** civil-registry: the town hall's civil registry over SOAP — a source of life events, and the authority on identity. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { CivilRegistryClient } from './client.ts';
import { civilRegistryConfig } from './config.ts';
import { createRegisterIdentityResolver } from './identity.ts';
import { EMITS } from './mapping.ts';
import { createCivilRegistrySource } from './source.ts';

export const civilRegistryConnector: ConnectorDefinition = {
  kind: 'civil-registry',
  description:
    'Civil registry (SOAP/WSDL, WS-Security): publishes births, deaths, marriages, PACS and name changes; resolves citizens named by civil data.',
  accepts: [],
  emits: [...EMITS],
  createSource: ({ config }) => {
    const settings = civilRegistryConfig(config);
    return createCivilRegistrySource(new CivilRegistryClient(settings.client), settings.pageSize);
  },
  createIdentityResolver: ({ system, config }) =>
    createRegisterIdentityResolver(system, new CivilRegistryClient(civilRegistryConfig(config).client)),
};
