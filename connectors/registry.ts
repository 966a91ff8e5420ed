/**
 * The connector registry: the one place that imports connector folders. Adding a silo means
 * adding its folder and one line here.
 */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { civilRegistryConnector } from './civil-registry/index.ts';
import { emailConnector } from './email/index.ts';
import { schoolCateringConnector } from './school-catering/index.ts';
import { socialServicesConnector } from './social-services/index.ts';
import { taxConnector } from './tax/index.ts';
import { wasteManagementConnector } from './waste-management/index.ts';

export const connectors: ReadonlyMap<string, ConnectorDefinition> = new Map(
  [civilRegistryConnector, socialServicesConnector, taxConnector, wasteManagementConnector, emailConnector, schoolCateringConnector].map(
    (c) => [c.kind, c],
  ),
);

export function connectorKinds(): string[] {
  return [...connectors.keys()];
}
