/** email: notifications to citizens over SMTP, one French template per event type; death notices to a family contact. */
import {
  ADDRESS_CHANGED_V1,
  CHANGE_SETTLED_V1,
  type ConnectorDefinition,
  DEATH_REGISTERED_V1,
  SERVICE_REQUEST_RESOLVED_V1,
  SERVICE_REQUEST_SUBMITTED_V1,
  SERVICE_REQUEST_UPDATED_V1,
} from '@relais/connector-kit';
import { EmailClient } from './client.ts';
import { emailConfig, emailSettings } from './config.ts';
import { createEmailSink } from './sink.ts';

const emailConnector: ConnectorDefinition<typeof emailSettings> = {
  kind: 'email',
  description:
    "Email (SMTP): tells the citizen, in French, that their request was received, taken in hand and resolved, and, once every administration concerned settled a change they told, each one's outcome, in their language; once a death is registered, tells the citizen's declared family contact instead, in the contact's language, where the flow says so.",
  accepts: [
    SERVICE_REQUEST_SUBMITTED_V1,
    SERVICE_REQUEST_UPDATED_V1,
    SERVICE_REQUEST_RESOLVED_V1,
    ADDRESS_CHANGED_V1,
    CHANGE_SETTLED_V1,
    DEATH_REGISTERED_V1,
  ],
  settings: emailSettings,
  createSink: ({ settings }) => createEmailSink(new EmailClient(emailConfig(settings))),
};

export default emailConnector;
