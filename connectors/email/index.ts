/** email: notifications to citizens over SMTP, one French template per event type. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { EmailClient } from './client.ts';
import { emailConfig } from './config.ts';
import { ADDRESS_CHANGED, REQUEST_RESOLVED, REQUEST_SUBMITTED, REQUEST_UPDATED } from './mapping.ts';
import { createEmailSink } from './sink.ts';

export const emailConnector: ConnectorDefinition = {
  kind: 'email',
  description:
    'Email (SMTP): tells the citizen, in French, that their request was received, taken in hand and resolved, and that their change of address was taken into account.',
  accepts: [REQUEST_SUBMITTED, REQUEST_UPDATED, REQUEST_RESOLVED, ADDRESS_CHANGED],
  createSink: ({ config }) => createEmailSink(new EmailClient(emailConfig(config))),
};
