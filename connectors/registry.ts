/**
 * The connectors Relais ships, one module per line, relative to this folder: the only place that
 * names connector folders. Adding a silo means adding its folder and one line here; removing one,
 * deleting both. Each module exports its ConnectorDefinition as default; connectors/loader.ts
 * imports them, and those RELAIS_CONNECTORS names (packages outside this repository).
 */
export const builtInConnectors: readonly string[] = [
  './civil-registry/index.ts',
  './email/index.ts',
  './school-catering/index.ts',
  './social-services/index.ts',
  './tax/index.ts',
  './waste-management/index.ts',
];
