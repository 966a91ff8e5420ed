/**
 * Readiness: each dependency of a process is checked on demand, with a time limit, and reported
 * with a reason when it is not ready. Required checks (the store, Kafka) make the process
 * unready (HTTP 503); the others (a connector with no running instance, an outbox relay that
 * cannot publish) make it `degraded` but still ready, because the process can do its own job
 * without them (see docs/observability.md).
 */
import type { Bus } from './bus/types.ts';
import { describeError } from './errors.ts';
import type { Queryable } from './store/db.ts';

export interface CheckOutcome {
  status: 'ok' | 'unavailable';
  /** Why it is not ok (absent when ok). */
  reason?: string;
  required: boolean;
}

export interface Readiness {
  /** ok: everything answers; degraded: an optional check fails; unavailable: a required one does. */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, CheckOutcome>;
}

export interface Check {
  name: string;
  required: boolean;
  /** Resolves when ready; throws (or resolves a reason string) when not. */
  run(): Promise<string | void>;
}

const CHECK_TIMEOUT_MS = 2000;

async function runOne(check: Check): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    const reason = await Promise.race([check.run(), timeout]);
    return typeof reason === 'string'
      ? { status: 'unavailable', reason, required: check.required }
      : { status: 'ok', required: check.required };
  } catch (error) {
    return { status: 'unavailable', reason: describeError(error).slice(0, 300), required: check.required };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(checks: Check[]): Promise<Readiness> {
  const outcomes = await Promise.all(checks.map(async (check) => [check.name, await runOne(check)] as const));
  const failing = outcomes.filter(([, o]) => o.status !== 'ok');
  const status = failing.some(([, o]) => o.required) ? 'unavailable' : failing.length > 0 ? 'degraded' : 'ok';
  return { status, checks: Object.fromEntries(outcomes) };
}

export function storeCheck(db: Queryable): Check {
  return { name: 'store', required: true, run: async () => void (await db.query('SELECT 1')) };
}

export function kafkaCheck(bus: Bus): Check {
  return { name: 'kafka', required: true, run: () => bus.probe(CHECK_TIMEOUT_MS - 200) };
}

/**
 * A consumer group's instances, seen from Kafka, so any process can tell whether a router or a
 * connector runs somewhere. `what` names it in the reason.
 */
export function groupCheck(bus: Bus, name: string, groupId: string, what: string): Check {
  return {
    name,
    required: false,
    async run() {
      const [group] = await bus.describeGroups([{ groupId, topics: [] }], CHECK_TIMEOUT_MS - 200);
      if (!group || group.members === 0) return `no ${what} instance is running (consumer group ${groupId} has no member)`;
    },
  };
}

/**
 * Source connectors, seen from the store (source_checkpoints, written by every source
 * runtime): not ready when one is on a streak of failed polls, naming it and its last error.
 */
export function sourcesCheck(db: Queryable): Check {
  return {
    name: 'sources',
    required: false,
    async run() {
      const failing = await db.query<{ system: string; consecutive_failures: number; last_error: string | null }>(
        'SELECT system, consecutive_failures, last_error FROM source_checkpoints WHERE consecutive_failures > 0 ORDER BY system',
      );
      if (failing.rows.length === 0) return undefined;
      return failing.rows
        .map((r) => `${r.system}: ${r.consecutive_failures} failed polls in a row (${(r.last_error ?? 'no error recorded').slice(0, 120)})`)
        .join('; ');
    },
  };
}
