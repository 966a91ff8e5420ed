/** The flows of the source runtime's crash test: a register's deaths go to one services system. */
import { parseFlows } from '../../core/flows/flows.ts';

export const crashTestSystem = 'registry';
export const crashTestSink = 'services';

export const crashTestFlows = parseFlows([
  {
    file: 'flows/source-crash-test.yaml',
    text: `
systems:
  ${crashTestSystem}: { connector: registry, firstSightings: allow }
  ${crashTestSink}: { connector: services }
routes:
  - id: death
    event: fr.relais.citizen.death.registered.v1
    basis: { kind: legal-obligation, reference: some law }
    to:
      - { system: ${crashTestSink}, fields: [dateOfDeath, actReference] }
`,
  },
]);
