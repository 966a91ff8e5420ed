/** social-services: the département's social services, beneficiaries' files over REST/OpenAPI, and the changes recorded at their desk (signed webhooks). */
import { ADDRESS_CHANGED_V1, type ConnectorDefinition, DEATH_REGISTERED_V1, HOUSEHOLD_CHANGED_V1 } from '@relais/connector-kit';
import { SocialServicesClient } from './client.ts';
import { socialServicesConfig, socialServicesSettings, webhookConfig } from './config.ts';
import { createSocialServicesFileLister } from './file-lister.ts';
import { createSocialServicesSink } from './sink.ts';
import { createWebhookReceiver } from './source.ts';

const socialServicesConnector: ConnectorDefinition<typeof socialServicesSettings> = {
  kind: 'social-services',
  description:
    "Social services (REST/OpenAPI): updates a beneficiary's address, closes the file on death; publishes address and household changes recorded at their desk.",
  accepts: [ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1],
  emits: [ADDRESS_CHANGED_V1, HOUSEHOLD_CHANGED_V1],
  settings: socialServicesSettings,
  createSink: ({ settings }) => createSocialServicesSink(new SocialServicesClient(socialServicesConfig(settings))),
  createFileLister: ({ settings }) => createSocialServicesFileLister(new SocialServicesClient(socialServicesConfig(settings))),
  createPushSource: (context) => {
    const options = webhookConfig(context.settings);
    return options ? createWebhookReceiver(context, options) : null;
  },
};

export default socialServicesConnector;
