/** The local mailbox in the quick start: citizens' emails land there unless EMAIL_SMTP_URL names a real server. */
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { startMailbox } from './mailbox.ts';
import { mailboxSettings } from './settings.ts';

const mailboxSimulator: SimulatorDefinition<typeof mailboxSettings> = {
  name: 'email',
  settings: mailboxSettings,
  demoIdentities: { 'jeanne-martin': 'jeanne.m.martin@example.fr' },
  async start({ dataDir, settings, env }) {
    if (env['EMAIL_SMTP_URL'] || env['EMAIL_SMTP_URL_FILE']) return null;
    const mailbox = await startMailbox({ port: settings.port, dir: dataDir });
    return {
      urls: { email: mailbox.url },
      connectorEnv: { EMAIL_SMTP_URL: mailbox.url },
      banner: () => [{ rank: 150, lines: [`  mailbox         ${mailbox.url} (emails to citizens, kept under .relais/silos/email/)`] }],
      instance: mailbox,
      stop: () => mailbox.close(),
    };
  },
};

export default mailboxSimulator;
