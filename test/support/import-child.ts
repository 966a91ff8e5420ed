/**
 * An import run in a process of its own, for the crash test: imports IMPORT_FILE for
 * social-services against the generated register of IMPORT_SIZE persons into DATABASE_URL, and
 * kills itself (SIGKILL, no cleanup) right after committing the batch that reaches IMPORT_KILL_AFTER records.
 */
import { openStore } from '../../core/store/db.ts';
import { importPopulation } from '../../identity/population-import.ts';
import { memoryRegister } from '../../identity/testing/population.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const db = await openStore({ databaseUrl: env('DATABASE_URL'), pgliteDir: '' });
const killAfter = Number(env('IMPORT_KILL_AFTER'));
await importPopulation({
  db,
  resolver: memoryRegister(Number(env('IMPORT_SIZE'))),
  system: 'social-services',
  file: env('IMPORT_FILE'),
  actor: 'crash-test',
  batchSize: 100,
  afterBatch: (committed) => {
    if (committed >= killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
await db.close();
