/** The tax office simulator's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, oneOf, port, text } from '../../core/settings.ts';

export const taxSiloSettings = defineSettings({
  dataDir: {
    env: 'TAX_SILO_DATA_DIR',
    default: '.relais/silos/tax',
    parse: text,
    description: "Directory of the tax office's taxpayers, SFTP tree and host key.",
  },
  authorizedKeys: {
    env: 'TAX_SILO_AUTHORIZED_KEYS',
    parse: text,
    description: 'File of authorized_keys lines: the public keys allowed to log in as TAX_SFTP_USER (required).',
  },
  seed: { env: 'TAX_SILO_SEED', parse: oneOf('demo'), description: '`demo` adds the demo taxpayers.' },
  faults: { env: 'TAX_SILO_FAULTS', parse: text, description: 'Faults to inject, as JSON (silos/tax/faults.ts); for tests.' },
  host: { env: 'TAX_SFTP_HOST', default: '127.0.0.1', parse: text, description: "Interface the simulator's SFTP server binds to." },
  port: {
    env: 'TAX_SFTP_PORT',
    default: '2222',
    parse: port,
    description: "Port of the simulator's SFTP server (0 picks a free port; the quick start tells the connector).",
  },
  user: { env: 'TAX_SFTP_USER', default: 'relais', parse: text, description: 'The SFTP login the simulator accepts.' },
});
