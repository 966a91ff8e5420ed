/** social-services: the département's social services, beneficiaries' files over REST/OpenAPI, and the changes recorded at their desk (signed webhooks). */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { SocialServicesClient } from './client.ts';
import { socialServicesConfig, socialServicesSettings, webhookConfig } from './config.ts';
import { HOUSEHOLD_CHANGED } from './mapping.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, createSocialServicesSink } from './sink.ts';
import { createWebhookReceiver } from './source.ts';

const socialServicesConnector: ConnectorDefinition<typeof socialServicesSettings> = {
  kind: 'social-services',
  description:
    "Social services (REST/OpenAPI): updates a beneficiary's address, closes the file on death; publishes address and household changes recorded at their desk.",
  accepts: [ADDRESS_CHANGED, DEATH_REGISTERED],
  emits: [ADDRESS_CHANGED, HOUSEHOLD_CHANGED],
  settings: socialServicesSettings,
  createSink: ({ settings }) => createSocialServicesSink(new SocialServicesClient(socialServicesConfig(settings))),
  createPushSource: (context) => {
    const options = webhookConfig(context.settings);
    return options ? createWebhookReceiver(context, options) : null;
  },
};

export default socialServicesConnector;
