/** email: notifications to citizens over SMTP, one French template per event type. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { EmailClient } from './client.ts';
import { emailConfig, emailSettings } from './config.ts';
import { ADDRESS_CHANGED, REQUEST_RESOLVED, REQUEST_SUBMITTED, REQUEST_UPDATED } from './mapping.ts';
import { createEmailSink } from './sink.ts';

const emailConnector: ConnectorDefinition<typeof emailSettings> = {
  kind: 'email',
  description:
    'Email (SMTP): tells the citizen, in French, that their request was received, taken in hand and resolved, and that their change of address was taken into account.',
  accepts: [REQUEST_SUBMITTED, REQUEST_UPDATED, REQUEST_RESOLVED, ADDRESS_CHANGED],
  settings: emailSettings,
  createSink: ({ settings }) => createEmailSink(new EmailClient(emailConfig(settings))),
};

export default emailConnector;
