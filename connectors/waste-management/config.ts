/** waste-management connector settings: its environment variables, and the sink's and source's options made from them. */
import { defineSettings, integer, sqlUrl } from '@relais/connector-kit';

export const wasteManagementSettings = defineSettings({
  databaseUrl: {
    env: 'WASTE_MANAGEMENT_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5433/postgres',
    parse: sqlUrl,
    secret: true,
    description:
      "The waste-management software's database (mariadb://, mysql:// or postgres://); the default is the quick start's simulator.",
  },
  pollBatch: {
    env: 'WASTE_MANAGEMENT_POLL_BATCH',
    default: '200',
    parse: integer(1, 10_000),
    description: 'Incidents read per poll by the waste-management source.',
  },
  settleMs: {
    env: 'WASTE_MANAGEMENT_SETTLE_MS',
    default: '1000',
    parse: integer(0, 600_000),
    description:
      "Incidents changed more recently than this are left for a later poll (must exceed the vendor software's longest write transaction).",
  },
});
