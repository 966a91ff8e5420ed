/**
 * `node bench/audit-chain.ts [--quick]`: the cost of the audit chain per change. The same
 * transactions (an outbox row, as the accept path writes) run at the same concurrency on the
 * same PostgreSQL, without and then with an audit entry (core/audit/append.ts: one insert) while
 * the sealer (proof/seal.ts) links entries into the chain every 200 ms, as the gateway does. The
 * rates are printed side by side, with how far the sealer trailed and a verification of the chain.
 */
import { parseArgs } from 'node:util';
import { appendAudit } from '../core/audit/append.ts';
import type { Db } from '../core/store/db.ts';
import { verifyAuditLog } from '../proof/audit-verify.ts';
import { sealAuditEntries } from '../proof/seal.ts';
import { createPostgresDatabase } from '@relais/connector-kit/testing';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const total = values.quick ? 1000 : 4000;
const concurrency = 16;

async function run(db: Db, chained: boolean): Promise<{ perSecond: number; msPerChange: number }> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        await db.transaction(async (tx) => {
          await tx.query("INSERT INTO outbox (topic, message_key, headers, payload) VALUES ('bench', $1, '{}', '{}')", [String(n)]);
          if (chained) await appendAudit(tx, { actor: 'bench', action: 'change.accepted', details: { n } });
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: total / seconds, msPerChange: (seconds * 1000 * concurrency) / total };
}

/** Seals every 200 ms while `work` runs; then what was left, timed: the sealer's lag at the end. */
async function whileSealing<T>(db: Db, work: () => Promise<T>): Promise<{ result: T; finalSealMs: number; maxBatch: number }> {
  let stop = false;
  let maxBatch = 0;
  const sealer = (async () => {
    while (!stop) {
      maxBatch = Math.max(maxBatch, await sealAuditEntries(db));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const result = await work();
  stop = true;
  await sealer;
  const started = performance.now();
  await sealAuditEntries(db);
  return { result, finalSealMs: performance.now() - started, maxBatch };
}

const database = await createPostgresDatabase({ server: process.env['BENCH_DATABASE_URL'] });
try {
  await whileSealing(database.db, () => run(database.db, true)); // warm-up
  const without = await run(database.db, false);
  const sealed = await whileSealing(database.db, () => run(database.db, true));
  const withChain = sealed.result;
  const report = await verifyAuditLog(database.db, []);
  const fmt = (r: { perSecond: number; msPerChange: number }) =>
    `${r.perSecond.toFixed(0)} changes/s, ${r.msPerChange.toFixed(2)} ms per transaction`;
  console.log(`audit chain, ${total} transactions, ${concurrency} at once, PostgreSQL:`);
  console.log(`  without an audit entry: ${fmt(without)}`);
  console.log(
    `  with an audit entry:    ${fmt(withChain)}  (${((withChain.perSecond / without.perSecond) * 100).toFixed(0)}% of the rate)`,
  );
  console.log(
    `  sealer: at most ${sealed.maxBatch} entries per 200 ms round; ${sealed.finalSealMs.toFixed(0)} ms to seal what was left at the end; ` +
      `chain of ${report.entries} entries, ${report.pending} pending, ${report.problems.filter((p) => p.kind !== 'signature').length} problems`,
  );
  if (report.pending > 0 || report.problems.length > 0) process.exitCode = 1;
} finally {
  await database.drop();
}
