/** The local mailbox's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, port, text } from '../../core/settings.ts';

export const mailboxSettings = defineSettings({
  port: {
    env: 'MAILBOX_SMTP_PORT',
    default: '2525',
    parse: port,
    description: "Port of the local mailbox's SMTP server (the quick start's keeps what it receives under RELAIS_DATA_DIR).",
  },
  host: {
    env: 'MAILBOX_HOST',
    default: '127.0.0.1',
    parse: text,
    description: "Interface the local mailbox's SMTP server binds to (0.0.0.0 in containers).",
  },
  dir: {
    env: 'MAILBOX_DIR',
    parse: text,
    description: 'Directory where the mailbox keeps each message as an .eml file; unset, in memory only.',
  },
});
