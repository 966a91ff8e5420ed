/**
 * The rights file applied to one caller, without I/O: which grants a caller holds, whether one
 * of them lets it originate an event type through a channel, name a citizen a given way, or read
 * a kind of resource. Deny by default: no grant → refused. A refusal names the rule that refused
 * (`originate`, `naming`, `read:<right>`, `deny-by-default`) and where the caller's grant is
 * declared (`file:line`), for the 403 problem and the audit log. enforce.ts does the I/O.
 */
import type { Caller } from '../auth.ts';
import type { DeclareRight, Declared, Grant, Naming, OriginateRule, ReadRight, Rights } from './rights.ts';

/** A grant the caller holds, with its label in the file (`clients.waste-desk`, `roles.operator`). */
export interface HeldGrant {
  label: string;
  grant: Declared<Grant>;
}

export type RightsRule =
  'deny-by-default' | 'originate' | 'naming' | 'act-confirmed-by-register' | `read:${ReadRight}` | `declare:${DeclareRight}`;

export interface Refusal {
  rule: RightsRule;
  detail: string;
}

/** How a request names the citizen (the shape of ChangeCitizen). */
export type NamedBy = { pivotId: string } | { system: string; id: string } | { civil: unknown };

/**
 * The caller's grants: its client entry when it is a service (by its name), and each of its agent
 * roles declared in the file. An agent's subject is never looked up as a client name.
 */
export function grantsOf(rights: Rights, caller: Caller): HeldGrant[] {
  const held: HeldGrant[] = [];
  const client = caller.kind === 'service' ? rights.clients.get(caller.name) : undefined;
  if (client) held.push({ label: `clients.${caller.name}`, grant: client });
  for (const role of caller.roles ?? []) {
    const grant = rights.roles.get(role);
    if (grant) held.push({ label: `roles.${role}`, grant });
  }
  return held;
}

function who(caller: Caller): string {
  return caller.kind === 'agent' ? `agent ${caller.name} (roles: ${(caller.roles ?? []).join(', ') || 'none'})` : `client ${caller.name}`;
}

function noGrant(rights: Rights, caller: Caller): Refusal {
  return { rule: 'deny-by-default', detail: `${who(caller)} has no entry in ${rights.file}: everything is refused` };
}

function places(held: HeldGrant[]): string {
  return held.map((h) => `${h.label} at ${h.grant.where}`).join('; ');
}

const takes = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

/** The rule that lets the caller originate `type` through `channel`, or a refusal. */
export function originateRule(
  rights: Rights,
  caller: Caller,
  type: string,
  channel: string | undefined,
): { rule: OriginateRule; label: string } | Refusal {
  const held = grantsOf(rights, caller);
  if (held.length === 0) return noGrant(rights, caller);
  for (const { label, grant } of held) {
    const rule = (grant.originate ?? []).find((r) => takes(r.events, type) && (channel === undefined || takes(r.channels, channel)));
    if (rule) return { rule, label: `${label}.originate.${rule.id}` };
  }
  return {
    rule: 'originate',
    detail: `${who(caller)} may not originate ${type}${channel ? ` through ${channel}` : ''}: no originate rule takes it (${places(held)})`,
  };
}

/**
 * Whether the caller may name a citizen this way. `check-received` means: allowed if the
 * caller's system holds a file on the citizen or has sent or received a change about them (the
 * store answers; enforce.ts asks); `check-own` means: allowed if the pivot id stands for the same
 * citizen as the caller's own (a citizen's token; merges followed by the store).
 */
export function namingDecision(rights: Rights, caller: Caller, citizen: NamedBy): 'allowed' | 'check-received' | 'check-own' | Refusal {
  const held = grantsOf(rights, caller);
  if (held.length === 0) return noGrant(rights, caller);
  const naming = new Set<Naming>(held.flatMap((h) => h.grant.naming ?? []));
  const system = caller.system;
  if ('civil' in citizen) {
    if (naming.has('civil-data')) return 'allowed';
  } else if ('pivotId' in citizen) {
    if (naming.has('any-pivot')) return 'allowed';
    if (naming.has('own-pivot') && caller.pivotId !== undefined) return 'check-own';
    if (naming.has('received-pivots') && system) return 'check-received';
  } else if (naming.has('any-identifier') || (naming.has('own-identifiers') && citizen.system === system)) {
    return 'allowed';
  }
  const how = 'civil' in citizen ? 'by civil data' : 'pivotId' in citizen ? 'by pivot id' : `by a ${citizen.system} identifier`;
  return {
    rule: 'naming',
    detail: `${who(caller)} may not name a citizen ${how}; it may use: ${[...naming].join(', ') || 'nothing'} (${places(held)})`,
  };
}

/** A list right of the file: `read: […]` or `declare: […]`. */
type ListedRight = { list: 'read'; right: ReadRight } | { list: 'declare'; right: DeclareRight };

/** Whether one of the caller's grants lists the right; the grant's label, or a refusal naming `<list>:<right>`. */
function listedDecision(rights: Rights, caller: Caller, { list, right }: ListedRight): { label: string } | Refusal {
  const held = grantsOf(rights, caller);
  if (held.length === 0) return noGrant(rights, caller);
  const granting = held.find((h) => (h.grant[list] as string[] | undefined)?.includes(right));
  if (granting) return { label: `${granting.label}.${list}.${right}` };
  return { rule: `${list}:${right}` as RightsRule, detail: `${who(caller)} may not ${list} ${right} (${places(held)})` };
}

/** Whether one of the caller's grants holds the read right; the grant's label, or a refusal. */
export function readDecision(rights: Rights, caller: Caller, right: ReadRight): { label: string } | Refusal {
  return listedDecision(rights, caller, { list: 'read', right });
}

/** Whether one of the caller's grants lets it declare `right` (a family contact); the grant's label, or a refusal. */
export function declareDecision(rights: Rights, caller: Caller, right: DeclareRight): { label: string } | Refusal {
  return listedDecision(rights, caller, { list: 'declare', right });
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'rule' in value && 'detail' in value;
}
