/**
 * The rights file enforced on requests: decide.ts says yes or no; here the store is asked what a
 * decision needs (which pivot ids a system has received, who a change concerns, the citizen's
 * register identifier), the register confirms acts, and every refusal and every allowed read of
 * personal data is appended to the audit log (core/audit/append.ts) before anything is answered:
 * a read that cannot be recorded is not served (the store's failure is a 503).
 *
 * Contract for routes: call the authorize… function before doing the work; it returns (allowed,
 * with the grant that allowed it) or throws a 403 `rights-refused` problem naming the rule, after
 * the refusal is in the audit log.
 */
import { appendAudit } from '../../core/audit/append.ts';
import type { IdentityResolver } from '../../identity/civil-identity.ts';
import { currentPivot } from '../../identity/crosswalk.ts';
import type { Queryable } from '../../core/store/db.ts';
import { DEATH_REGISTERED_V1 } from '../../schemas/index.ts';
import type { Caller } from '../auth.ts';
import { HttpProblem } from '../problems.ts';
import { declareDecision, namingDecision, originateRule, readDecision, isRefusal, type NamedBy, type Refusal } from './decide.ts';
import type { DeclareRight, ReadRight, Rights } from './rights.ts';

/** Whether two pivot ids stand for the same citizen now (the crosswalk's merges followed). */
async function isSameCitizen(db: Queryable, own: string, named: string): Promise<boolean> {
  const [a, b] = await Promise.all([currentPivot(db, own.toLowerCase()), currentPivot(db, named.toLowerCase())]);
  return a !== undefined && a === b;
}

export interface RightsDeps {
  db: Queryable;
  rights: Rights;
  /** The civil register, which confirms acts (act-confirmed-by-register). */
  identityResolver?: IdentityResolver | undefined;
  identityTimeoutMs?: number | undefined;
}

/** What a refusal or a read is about, for the audit entry (identifiers and codes only). */
export interface AuditContext {
  operation: string;
  changeId?: string | undefined;
  pivotId?: string | undefined;
  type?: string | undefined;
  channel?: string | undefined;
}

/** Records the refusal, then throws the 403 problem naming its rule. */
export async function refuse(deps: Pick<RightsDeps, 'db'>, caller: Caller, refusal: Refusal, context: AuditContext): Promise<never> {
  await appendAudit(deps.db, {
    actor: caller.name,
    action: 'rights.refused',
    changeId: context.changeId,
    pivotId: context.pivotId,
    channel: context.channel,
    details: { rule: refusal.rule, operation: context.operation, ...(context.type ? { type: context.type } : {}) },
  });
  throw new HttpProblem('rights-refused', refusal.detail, undefined, refusal.rule);
}

/** Records an allowed read of personal data: who, what, under which grant, and why (an agent's purpose). */
export async function recordRead(
  deps: Pick<RightsDeps, 'db'>,
  caller: Caller,
  read: AuditContext & { grant: string; purpose?: string | undefined; count?: number },
): Promise<void> {
  await appendAudit(deps.db, {
    actor: caller.name,
    action: 'personal-data.read',
    changeId: read.changeId,
    pivotId: read.pivotId,
    details: {
      operation: read.operation,
      grant: read.grant,
      ...(read.purpose ? { purpose: read.purpose } : {}),
      ...(read.count !== undefined ? { count: read.count } : {}),
    },
  });
}

/** The grant that lets the caller read `right`; a refusal is recorded and thrown. */
export async function authorizeRead(deps: Pick<RightsDeps, 'db' | 'rights'>, caller: Caller, right: ReadRight, context: AuditContext) {
  const decision = readDecision(deps.rights, caller, right);
  if (isRefusal(decision)) return refuse(deps, caller, decision, context);
  return decision.label;
}

/** The grant that lets the caller declare `right`; a refusal is recorded and thrown. */
export async function authorizeDeclare(
  deps: Pick<RightsDeps, 'db' | 'rights'>,
  caller: Caller,
  right: DeclareRight,
  context: AuditContext,
) {
  const decision = declareDecision(deps.rights, caller, right);
  if (isRefusal(decision)) return refuse(deps, caller, decision, context);
  return decision.label;
}

/** Whether the system holds a file on the citizen, or has sent or received a change about them. */
async function hasReceived(db: Queryable, system: string, pivotId: string): Promise<boolean> {
  const found = await db.query(
    `SELECT 1 FROM citizen_identifiers WHERE pivot_id = $1 AND system = $2
     UNION ALL SELECT 1 FROM changes WHERE pivot_id = $1 AND origin_system = $2
     UNION ALL SELECT 1 FROM change_recipients r JOIN changes c ON c.id = r.change_id WHERE c.pivot_id = $1 AND r.system = $2
     LIMIT 1`,
    [pivotId.toLowerCase(), system],
  );
  return found.rows.length > 0;
}

/** The register's identifier of the citizen a request names, when the crosswalk knows it. */
async function registerIdOf(db: Queryable, citizen: NamedBy, registerSystem: string): Promise<string | undefined> {
  if ('civil' in citizen) return undefined;
  if ('system' in citizen && citizen.system === registerSystem) return citizen.id;
  const found = await db.query<{ local_id: string }>(
    'pivotId' in citizen
      ? 'SELECT local_id FROM citizen_identifiers WHERE pivot_id = $1 AND system = $2'
      : `SELECT r.local_id FROM citizen_identifiers s JOIN citizen_identifiers r ON r.pivot_id = s.pivot_id
         WHERE s.system = $1 AND s.local_id = $3 AND r.system = $2`,
    'pivotId' in citizen ? [citizen.pivotId.toLowerCase(), registerSystem] : [citizen.system, registerSystem, citizen.id],
  );
  return found.rows[0]?.local_id;
}

/** act-confirmed-by-register: the change carries an act reference and the register holds that act for this citizen. */
async function actRefusal(deps: RightsDeps, change: ChangeToAuthorize, ruleLabel: string): Promise<Refusal | undefined> {
  const refusal = (why: string): Refusal => ({ rule: 'act-confirmed-by-register', detail: `${ruleLabel}: ${why}` });
  const data = change.data as { actReference?: unknown; dateOfDeath?: unknown };
  if (typeof data.actReference !== 'string') return refusal('the change must carry data.actReference');
  const resolver = deps.identityResolver;
  if (!resolver?.confirmAct) return refusal('no civil register that confirms acts is connected');
  const registerId = await registerIdOf(deps.db, change.citizen, resolver.system);
  if (!registerId) return refusal(`the citizen has no identifier in ${resolver.system}`);
  const date = change.type === DEATH_REGISTERED_V1 ? data.dateOfDeath : undefined;
  if (typeof date !== 'string') return refusal(`the register confirms deaths only`);
  let confirmed: boolean;
  try {
    const act = { type: change.type, registerId, actReference: data.actReference, date };
    confirmed = await resolver.confirmAct(act, AbortSignal.timeout(deps.identityTimeoutMs ?? 10_000));
  } catch {
    throw new HttpProblem('register-unavailable', 'the civil register could not confirm the act; nothing was stored');
  }
  return confirmed ? undefined : refusal(`${resolver.system} does not record this event for this citizen`);
}

export interface ChangeToAuthorize {
  type: string;
  channel?: string | undefined;
  citizen: NamedBy;
  data: unknown;
}

/**
 * May the caller originate this change, naming the citizen this way? Returns the label of the
 * originate rule that allows it (`clients.x.originate.<id>`); a refusal is recorded and thrown.
 */
export async function authorizeOrigination(
  deps: RightsDeps,
  caller: Caller,
  change: ChangeToAuthorize,
  operation: string,
): Promise<string> {
  const context: AuditContext = { operation, type: change.type, channel: change.channel };
  const allowed = originateRule(deps.rights, caller, change.type, change.channel);
  if (isRefusal(allowed)) return refuse(deps, caller, allowed, context);
  const naming = namingDecision(deps.rights, caller, change.citizen);
  if (isRefusal(naming)) return refuse(deps, caller, naming, context);
  if (naming === 'check-received' && 'pivotId' in change.citizen && !(await hasReceived(deps.db, caller.system!, change.citizen.pivotId))) {
    return refuse(
      deps,
      caller,
      { rule: 'naming', detail: `client ${caller.name} names a pivot id ${caller.system} has not received` },
      { ...context, pivotId: change.citizen.pivotId },
    );
  }
  if (naming === 'check-own' && 'pivotId' in change.citizen && !(await isSameCitizen(deps.db, caller.pivotId!, change.citizen.pivotId))) {
    return refuse(
      deps,
      caller,
      { rule: 'naming', detail: `${caller.name} may name only their own pivot id (own-pivot)` },
      { ...context, pivotId: change.citizen.pivotId },
    );
  }
  if (allowed.rule.requires === 'act-confirmed-by-register') {
    const refusal = await actRefusal(deps, change, allowed.label);
    if (refusal) return refuse(deps, caller, refusal, context);
  }
  return allowed.label;
}

/** A change as the read check needs it: who told it and who it went to. */
export interface ChangeParties {
  id: string;
  pivotId?: string | undefined;
  origin?: string | undefined;
  recipients: { system: string }[];
}

/**
 * May the caller read this change? Any change with `read: changes`; with `own-changes`, one it
 * told (its name or system is the change's origin) or one its system received. The allowed read
 * is recorded; a refusal is recorded and thrown.
 */
export async function authorizeChangeRead(
  deps: Pick<RightsDeps, 'db' | 'rights'>,
  caller: Caller,
  change: ChangeParties,
  operation: string,
) {
  const context: AuditContext = { operation, changeId: change.id, pivotId: change.pivotId };
  const allChanges = readDecision(deps.rights, caller, 'changes');
  let grant: string;
  if (!isRefusal(allChanges)) grant = allChanges.label;
  else {
    const own = readDecision(deps.rights, caller, 'own-changes');
    if (isRefusal(own)) return refuse(deps, caller, own.rule === 'deny-by-default' ? own : allChanges, context);
    const system = caller.system;
    const ours =
      (system !== undefined && (change.origin === system || change.recipients.some((r) => r.system === system))) ||
      (await deps.db.query('SELECT 1 FROM changes WHERE id = $1 AND caller = $2', [change.id, caller.name])).rows.length > 0;
    if (!ours)
      return refuse(
        deps,
        caller,
        { rule: 'read:own-changes', detail: `${caller.name} may read only the changes it told or its system received` },
        context,
      );
    grant = own.label;
  }
  await recordRead(deps, caller, { ...context, grant });
}
