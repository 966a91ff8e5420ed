/** social-services: the département's social services, beneficiaries' files over REST/OpenAPI, and the changes recorded at their desk (signed webhooks). */
import { ADDRESS_CHANGED_V1, type ConnectorDefinition, DEATH_REGISTERED_V1, HOUSEHOLD_CHANGED_V1 } from '@relais/connector-kit';
import { SocialServicesClient } from './client.ts';
import { socialServicesConfig, webhookConfig } from './config.ts';
import { createSocialServicesSink } from './sink.ts';
import { createWebhookReceiver } from './source.ts';

export const socialServicesConnector: ConnectorDefinition = {
  kind: 'social-services',
  description:
    "Social services (REST/OpenAPI): updates a beneficiary's address, closes the file on death; publishes address and household changes recorded at their desk.",
  accepts: [ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1],
  emits: [ADDRESS_CHANGED_V1, HOUSEHOLD_CHANGED_V1],
  createSink: ({ config }) => createSocialServicesSink(new SocialServicesClient(socialServicesConfig(config))),
  createPushSource: (context) => {
    const options = webhookConfig(context.config);
    return options ? createWebhookReceiver(context, options) : null;
  },
};
