/**
 * `node bench/audit-chain.ts [--quick]`: the cost of the audit chain per change. The same
 * transactions (an outbox row, as the accept path writes) run at the same concurrency on the
 * same PostgreSQL, without and then with a chained audit entry (core/audit/append.ts: the
 * head's row lock, its read, the entry's insert), and the rates are printed side by side.
 */
import { parseArgs } from 'node:util';
import { appendAudit } from '../core/audit/append.ts';
import type { Db } from '../core/store/db.ts';
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

const database = await createPostgresDatabase({ server: process.env['BENCH_DATABASE_URL'] });
try {
  await run(database.db, true); // warm-up
  const without = await run(database.db, false);
  const withChain = await run(database.db, true);
  const fmt = (r: { perSecond: number; msPerChange: number }) =>
    `${r.perSecond.toFixed(0)} changes/s, ${r.msPerChange.toFixed(2)} ms per transaction`;
  console.log(`audit chain, ${total} transactions, ${concurrency} at once, PostgreSQL:`);
  console.log(`  without an audit entry: ${fmt(without)}`);
  console.log(
    `  with a chained entry:   ${fmt(withChain)}  (${((withChain.perSecond / without.perSecond) * 100).toFixed(0)}% of the rate)`,
  );
} finally {
  await database.drop();
}
