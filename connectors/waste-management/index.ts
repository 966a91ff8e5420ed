/** waste-management: the vendor's SQL database (MariaDB or PostgreSQL): subscriptions, households, incidents. */
import {
  ADDRESS_CHANGED_V1,
  type ConnectorDefinition,
  DEATH_REGISTERED_V1,
  SERVICE_REQUEST_RESOLVED_V1,
  SERVICE_REQUEST_SUBMITTED_V1,
  SERVICE_REQUEST_UPDATED_V1,
} from '@relais/connector-kit';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import { WasteDatabase } from './client.ts';
import { wasteManagementSettings } from './config.ts';
import { createWasteManagementFileLister } from './file-lister.ts';
import { createWasteManagementSink } from './sink.ts';
import { createWasteManagementSource } from './source.ts';

const wasteManagementConnector: ConnectorDefinition<typeof wasteManagementSettings> = {
  kind: 'waste-management',
  description:
    "Waste management (SQL): moves a household's subscriptions, ends them on a death, records reported incidents and reports their progress.",
  accepts: [ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1, SERVICE_REQUEST_SUBMITTED_V1],
  emits: [SERVICE_REQUEST_UPDATED_V1, SERVICE_REQUEST_RESOLVED_V1],
  settings: wasteManagementSettings,
  createSink: ({ settings }) => createWasteManagementSink(new WasteDatabase(openSqlClient(settings.databaseUrl))),
  createSource: ({ settings, system }) =>
    createWasteManagementSource(new WasteDatabase(openSqlClient(settings.databaseUrl, { max: 1 })), {
      system,
      batchSize: settings.pollBatch,
      settleMs: settings.settleMs,
    }),
  createFileLister: ({ settings }) => createWasteManagementFileLister(new WasteDatabase(openSqlClient(settings.databaseUrl, { max: 1 }))),
};

export default wasteManagementConnector;
