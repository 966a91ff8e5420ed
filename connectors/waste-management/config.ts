/** waste-management connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '../../core/config.ts';

export interface WasteManagementSettings {
  databaseUrl: string;
  pollBatch: number;
  settleMs: number;
}

export function wasteManagementConfig(config: RelaisConfig): WasteManagementSettings {
  return { databaseUrl: config.wasteManagementDatabaseUrl, pollBatch: config.wasteManagementPollBatch, settleMs: config.wasteManagementSettleMs };
}
