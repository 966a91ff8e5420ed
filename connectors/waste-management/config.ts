/** waste-management connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '@relais/connector-kit';

export interface WasteManagementSettings {
  databaseUrl: string;
  pollBatch: number;
  settleMs: number;
}

export function wasteManagementConfig(config: RelaisConfig): WasteManagementSettings {
  return {
    databaseUrl: config.wasteManagementDatabaseUrl,
    pollBatch: config.wasteManagementPollBatch,
    settleMs: config.wasteManagementSettleMs,
  };
}
