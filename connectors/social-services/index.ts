/** social-services: the département's social services, beneficiaries' files over REST/OpenAPI. */
import type { ConnectorDefinition } from '../../core/connector/contract.ts';
import { SocialServicesClient } from './client.ts';
import { socialServicesConfig } from './config.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, createSocialServicesSink } from './sink.ts';

export const socialServicesConnector: ConnectorDefinition = {
  kind: 'social-services',
  description: "Social services (REST/OpenAPI): updates a beneficiary's address, closes the file on death.",
  accepts: [ADDRESS_CHANGED, DEATH_REGISTERED],
  createSink: ({ config }) => createSocialServicesSink(new SocialServicesClient(socialServicesConfig(config))),
};
