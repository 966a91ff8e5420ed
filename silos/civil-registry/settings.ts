/** The civil-registry simulator's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, oneOf, port, text } from '../../core/settings.ts';

export const civilRegistrySiloSettings = defineSettings({
  port: {
    env: 'CIVIL_REGISTRY_PORT',
    default: '8082',
    parse: port,
    description: 'Port of the civil-registry simulator (its SOAP service at /registre, its desk at /_admin).',
  },
  host: {
    env: 'CIVIL_REGISTRY_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the SOAP service binds to (0.0.0.0 in containers).',
  },
  dataDir: {
    env: 'CIVIL_REGISTRY_DATA_DIR',
    parse: text,
    description: "Directory of the register's records; unset, they live in memory.",
  },
  seed: { env: 'CIVIL_REGISTRY_SEED', parse: oneOf('demo'), description: '`demo` records the demo citizens at start.' },
  username: {
    env: 'CIVIL_REGISTRY_USERNAME',
    default: 'relais',
    parse: text,
    description: 'The WS-Security UsernameToken user name the simulator accepts.',
  },
  password: {
    env: 'CIVIL_REGISTRY_PASSWORD',
    parse: text,
    secret: true,
    description:
      'The WS-Security UsernameToken password the simulator accepts; unset, `relais-dev` (the quick start generates one instead).',
  },
});
