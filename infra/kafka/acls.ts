/**
 * Who may do what on the bus: one SCRAM principal per component, each with only the ACLs its
 * code needs (docs/security.md has the table). The broker runs KRaft's StandardAuthorizer, which
 * denies whatever no ACL allows; `admin` (the launcher, the CLI, the bench) is a super user.
 *
 * Every component also creates the topics it uses when they are missing (core/topics.ts), so
 * each grant on a topic comes with CREATE and DESCRIBE on that topic name only — never on the
 * cluster, which would let it create any topic.
 */
import { Admin, AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes, type Acl } from '@platformatic/kafka';
import { clientConnection, type KafkaSecurity } from '../../core/bus/security.ts';
import { consumerGroups, topicNames } from '../../core/topics.ts';

export const ADMIN_PRINCIPAL = 'admin';

/** A connector's principal: `connector-<system>`. */
export const connectorPrincipal = (system: string): string => `connector-${system}`;

type Operation = 'READ' | 'WRITE' | 'DESCRIBE' | 'CREATE';

interface Grant {
  resource: 'topic' | 'group';
  name: string;
  /** A prefixed grant covers every name starting with `name`. */
  prefixed?: boolean;
  operations: Operation[];
}

export interface SystemOfBus {
  system: string;
  /** Whether its connector publishes events of its own (a source): only then may it write events. */
  source: boolean;
}

const topic = (name: string, operations: Operation[], prefixed = false): Grant => ({
  resource: 'topic',
  name,
  prefixed,
  // Creating a missing topic needs CREATE; seeing it exists (listTopics) needs DESCRIBE.
  operations: [...new Set<Operation>([...operations, 'CREATE', 'DESCRIBE'])],
});
const group = (name: string, prefixed = false): Grant => ({ resource: 'group', name, prefixed, operations: ['READ'] });

/** Each component's principal and its grants, for one topic prefix and a set of systems. */
export function componentGrants(prefix: string, systems: SystemOfBus[]): Map<string, Grant[]> {
  const topics = topicNames(prefix);
  const groups = consumerGroups(prefix);
  const grants = new Map<string, Grant[]>();
  grants.set('gateway', [
    topic(topics.events, ['WRITE', 'READ']), // writes accepted changes; reads service-request updates
    topic(topics.receipts, ['READ']),
    topic(topics.delivery(''), ['WRITE'], true), // re-drives dead letters to a delivery topic
    topic(`${prefix}.dlq.`, ['READ'], true), // lists dead letters (GET /v1/systems/{system}/dead-letters)
    group(groups.receipts),
    group(groups.serviceRequests),
    group(groups.dlqReader, true),
    { resource: 'group', name: groups.sink(''), prefixed: true, operations: ['DESCRIBE'] }, // lag in /v1/systems
  ]);
  grants.set('router', [
    topic(topics.events, ['READ']),
    topic(topics.delivery(''), ['WRITE'], true),
    topic(topics.receipts, ['WRITE']), // "not concerned" receipts
    topic(`${prefix}.dlq.`, ['WRITE'], true), // its own dead letters; creates each system's
    group(groups.router),
  ]);
  for (const { system, source } of systems) {
    grants.set(connectorPrincipal(system), [
      // It creates the common topics when missing, but reads or writes them only as below.
      topic(topics.events, source ? ['WRITE'] : []),
      topic(topics.routerDlq, []),
      topic(topics.delivery(system), ['READ']),
      topic(topics.receipts, ['WRITE']),
      topic(topics.dlq(system), ['WRITE']),
      topic(topics.sourceDlq(system), ['WRITE']),
      group(groups.sink(system)),
    ]);
  }
  return grants;
}

/** The grants as the Admin API's ACL bindings (allow, any host). */
export function aclBindings(grants: Map<string, Grant[]>): Acl[] {
  return [...grants].flatMap(([principal, list]) =>
    list.flatMap((grant) =>
      grant.operations.map((operation) => ({
        resourceType: grant.resource === 'topic' ? ResourceTypes.TOPIC : ResourceTypes.GROUP,
        resourceName: grant.name,
        resourcePatternType: grant.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
        principal: `User:${principal}`,
        host: '*',
        operation: AclOperations[operation],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    ),
  );
}

/** Creates the ACLs (an existing identical ACL is left as it is) as the super user. */
export async function applyAcls(brokers: string[], admin: KafkaSecurity, acls: Acl[]): Promise<void> {
  const client = new Admin({ clientId: 'relais-acls', bootstrapBrokers: brokers, ...clientConnection(admin), retries: 5, retryDelay: 500 });
  try {
    await client.createAcls({ creations: acls });
  } finally {
    await client.close();
  }
}

/** The principals a local cluster needs for these systems: the components', `admin` aside. */
export function componentPrincipals(systems: SystemOfBus[]): string[] {
  return ['gateway', 'router', ...systems.map((s) => connectorPrincipal(s.system))];
}

/** Gives each component's principal its grants on a secured cluster (nothing to do on a plaintext one). */
export async function grantComponents(
  cluster: { brokers: string; security: { protocol: string; as(principal: string): { security: KafkaSecurity } } },
  prefix: string,
  systems: SystemOfBus[],
): Promise<void> {
  if (cluster.security.protocol !== 'sasl_ssl') return;
  await applyAcls(cluster.brokers.split(','), cluster.security.as(ADMIN_PRINCIPAL).security, aclBindings(componentGrants(prefix, systems)));
}

/**
 * The grants as `kafka-acls.sh` arguments, one call per line (docker-compose: the brokers' image
 * has Kafka's tools but no Node, so the ACLs travel as this file, made by infra/compose/secrets.ts).
 */
export function aclCommandLines(grants: Map<string, Grant[]>): string[] {
  const operation = (o: Operation): string => o.charAt(0) + o.slice(1).toLowerCase();
  return [...grants].flatMap(([principal, list]) =>
    list.map((grant) =>
      [
        `--allow-principal User:${principal}`,
        ...grant.operations.map((o) => `--operation ${operation(o)}`),
        `--${grant.resource} ${grant.name}`,
        `--resource-pattern-type ${grant.prefixed ? 'prefixed' : 'literal'}`,
      ].join(' '),
    ),
  );
}
