/** The school-catering simulator's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, oneOf, port, text } from '../../core/settings.ts';

export const schoolCateringSiloSettings = defineSettings({
  port: {
    env: 'SCHOOL_CATERING_PORT',
    default: '8084',
    parse: port,
    description: 'Port of the school-catering simulator (REST API).',
  },
  host: {
    env: 'SCHOOL_CATERING_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the REST API binds to (0.0.0.0 in containers).',
  },
  dataDir: {
    env: 'SCHOOL_CATERING_DATA_DIR',
    parse: text,
    description: "Directory of the families' accounts; unset, they live in memory.",
  },
  seed: { env: 'SCHOOL_CATERING_SEED', parse: oneOf('demo'), description: '`demo` adds the demo families the store lacks.' },
  token: {
    env: 'SCHOOL_CATERING_TOKEN',
    parse: text,
    secret: true,
    description: 'Bearer token the simulator requires (the connector sends it); unset: no check.',
  },
});
