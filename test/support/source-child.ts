/**
 * A source process for the source runtime's crash test: the runtime over a list source of
 * CHILD_RECORDS death records (pages of CHILD_PAGE), on the test broker and the test's own
 * PostgreSQL database, with the kill-after-publish fault when RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH
 * is set. Prints "source ready" once polling; SIGTERM stops it gracefully.
 */
import { killAfterPublish, startSourceRuntime } from '@relais/connector-kit/runtime';
import { createLogger } from '../../core/logger.ts';
import { openPostgres } from '../../core/store/db.ts';
import { topicNames } from '../../core/topics.ts';
import { testBus } from '@relais/connector-kit/testing';
import { deathRecord, listSource } from './list-source.ts';
import { crashTestFlows, crashTestSystem } from './source-crash-flows.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const logger = createLogger({ component: 'source-child', level: 'warn' });
const db = openPostgres(env('DATABASE_URL'));
const bus = testBus();
const records = Array.from({ length: Number(env('CHILD_RECORDS')) }, (_, i) => deathRecord(i + 1, `CR-${(i % 4) + 1}`));
const killAfter = process.env['RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH'];
const runner = startSourceRuntime({
  system: crashTestSystem,
  source: listSource(records, Number(env('CHILD_PAGE'))),
  bus,
  db,
  topics: topicNames(env('CHILD_PREFIX')),
  flows: () => crashTestFlows,
  logger,
  pollMs: 50,
  timeoutMs: 5000,
  backoff: { baseMs: 50, maxMs: 500 },
  afterPublish: killAfterPublish(killAfter ? Number(killAfter) : undefined, logger),
});
await runner.ready;
console.log('source ready');
process.once('SIGTERM', () => {
  void runner
    .stop()
    .then(() => Promise.all([bus.close(), db.close()]))
    .then(() => process.exit(0));
});
