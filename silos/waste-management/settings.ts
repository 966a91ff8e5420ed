/** The waste-management simulator's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, oneOf, port, sqlUrl, text } from '../../core/settings.ts';

export const wasteManagementSiloSettings = defineSettings({
  port: {
    env: 'WASTE_MANAGEMENT_PORT',
    default: '8083',
    parse: port,
    description: "Port of the waste-management simulator's agent desk (HTTP).",
  },
  dbPort: {
    env: 'WASTE_MANAGEMENT_DB_PORT',
    default: '5433',
    parse: port,
    description: "Port of the waste-management simulator's embedded database (PostgreSQL protocol).",
  },
  host: {
    env: 'WASTE_MANAGEMENT_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the agent desk binds to (0.0.0.0 in containers); the embedded database stays on 127.0.0.1.',
  },
  dataDir: {
    env: 'WASTE_MANAGEMENT_DATA_DIR',
    parse: text,
    description: 'Directory of the embedded vendor database; unset, in memory. Unused with WASTE_MANAGEMENT_DATABASE_URL.',
  },
  databaseUrl: {
    env: 'WASTE_MANAGEMENT_DATABASE_URL',
    parse: sqlUrl,
    secret: true,
    description: 'A MariaDB or PostgreSQL database to use as the vendor database instead of the embedded one (its schema is loaded).',
  },
  seed: {
    env: 'WASTE_MANAGEMENT_SEED',
    parse: oneOf('demo'),
    description: '`demo` loads the collection rounds and the demo households that are missing.',
  },
});
