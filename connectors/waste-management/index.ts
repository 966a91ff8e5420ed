/** waste-management: the vendor's SQL database (MariaDB or PostgreSQL): subscriptions, households, incidents. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import { WasteDatabase } from './client.ts';
import { wasteManagementConfig } from './config.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, REQUEST_RESOLVED, REQUEST_SUBMITTED, REQUEST_UPDATED } from './mapping.ts';
import { createWasteManagementSink } from './sink.ts';
import { createWasteManagementSource } from './source.ts';

export const wasteManagementConnector: ConnectorDefinition = {
  kind: 'waste-management',
  description:
    "Waste management (SQL): moves a household's subscriptions, ends them on a death, records reported incidents and reports their progress.",
  accepts: [ADDRESS_CHANGED, DEATH_REGISTERED, REQUEST_SUBMITTED],
  emits: [REQUEST_UPDATED, REQUEST_RESOLVED],
  createSink: ({ config }) => createWasteManagementSink(new WasteDatabase(openSqlClient(wasteManagementConfig(config).databaseUrl))),
  createSource({ config, system }) {
    const settings = wasteManagementConfig(config);
    return createWasteManagementSource(new WasteDatabase(openSqlClient(settings.databaseUrl, { max: 1 })), {
      system,
      batchSize: settings.pollBatch,
      settleMs: settings.settleMs,
    });
  },
};
