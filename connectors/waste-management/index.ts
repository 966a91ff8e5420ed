/** waste-management: the vendor's SQL database (MariaDB or PostgreSQL): subscriptions, households, incidents. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import { WasteDatabase } from './client.ts';
import { wasteManagementSettings } from './config.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, REQUEST_RESOLVED, REQUEST_SUBMITTED, REQUEST_UPDATED } from './mapping.ts';
import { createWasteManagementSink } from './sink.ts';
import { createWasteManagementSource } from './source.ts';

const wasteManagementConnector: ConnectorDefinition<typeof wasteManagementSettings> = {
  kind: 'waste-management',
  description:
    "Waste management (SQL): moves a household's subscriptions, ends them on a death, records reported incidents and reports their progress.",
  accepts: [ADDRESS_CHANGED, DEATH_REGISTERED, REQUEST_SUBMITTED],
  emits: [REQUEST_UPDATED, REQUEST_RESOLVED],
  settings: wasteManagementSettings,
  createSink: ({ settings }) => createWasteManagementSink(new WasteDatabase(openSqlClient(settings.databaseUrl))),
  createSource: ({ settings, system }) =>
    createWasteManagementSource(new WasteDatabase(openSqlClient(settings.databaseUrl, { max: 1 })), {
      system,
      batchSize: settings.pollBatch,
      settleMs: settings.settleMs,
    }),
};

export default wasteManagementConnector;
