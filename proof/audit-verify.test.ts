import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appendAudit, chainHash, GENESIS_HASH } from '../core/audit/append.ts';
import { signingKeyFromPem, generateSigningKeyPem } from '../core/signing.ts';
import { openPglite, type Db, type Queryable } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { verifyAuditLog, type AuditReport } from './audit-verify.ts';
import { writeCheckpoint } from './checkpoints.ts';
import { sealAuditEntries } from './seal.ts';

const key = signingKeyFromPem(generateSigningKeyPem(), 'audit');
let db: Db;

before(async () => {
  db = await openPglite('memory://');
  await migrate(db);
  for (let i = 1; i <= 6; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, { actor: 'agent-1', action: 'dlq.replayed', details: { system: 'tax', n: i, at: new Date(0) } }),
    );
  }
  await writeCheckpoint(db, key);
  for (let i = 7; i <= 8; i++)
    await db.transaction((tx) => appendAudit(tx, { actor: 'agent-2', action: 'change.accepted', details: { n: i } }));
  assert.equal(await sealAuditEntries(db), 2, 'the entries after the checkpoint are sealed by the next round');
});

after(() => db.close());

class Rollback extends Error {}

/** Tampers with the table inside a transaction, verifies what it sees, and rolls the tampering back. */
async function verifyAfter(...tampering: (string | ((tx: Queryable) => Promise<void>))[]): Promise<AuditReport> {
  let report: AuditReport | undefined;
  await db
    .transaction(async (tx: Queryable) => {
      for (const step of tampering) await (typeof step === 'string' ? tx.query(step) : step(tx));
      report = await verifyAuditLog(tx, [key.publicJwk]);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return report!;
}

const first = (report: AuditReport) => report.problems[0] && { kind: report.problems[0].kind, seq: report.problems[0].seq };

test('a clean log verifies, and says how much of it the last checkpoint covers', async () => {
  const report = await verifyAuditLog(db, [key.publicJwk]);
  assert.deepEqual(report.problems, []);
  assert.equal(report.entries, 8);
  assert.equal(report.lastCheckpoint?.seq, 6);
  assert.equal(report.uncovered, 2);
});

test('an entry edited in place is named', async () => {
  const report = await verifyAfter(`UPDATE audit_log SET details = '{"system":"social-services","n":3}' WHERE seq = 3`);
  assert.deepEqual(first(report), { kind: 'altered', seq: 3 });
  assert.match(report.problems[0]!.message, /entry 3 \(dlq\.replayed\) altered/);
});

test('an entry deleted is named', async () => {
  assert.deepEqual(first(await verifyAfter('DELETE FROM audit_log WHERE seq = 4')), { kind: 'missing', seq: 4 });
});

test('entries reordered are named', async () => {
  const report = await verifyAfter(
    'UPDATE audit_log SET seq = -2 WHERE seq = 2',
    'UPDATE audit_log SET seq = 2 WHERE seq = 5',
    'UPDATE audit_log SET seq = 5 WHERE seq = -2',
  );
  assert.deepEqual(first(report), { kind: 'out-of-order', seq: 2 });
});

test("a truncated tail is named, against the checkpoint (the head's row rewritten too)", async () => {
  const report = await verifyAfter('DELETE FROM audit_log WHERE seq >= 5', 'UPDATE audit_chain_head SET seq = 4');
  assert.deepEqual(first(report), { kind: 'truncated', seq: 5 });
  assert.match(report.problems[0]!.message, /ends at entry 4 but a checkpoint signed entry 6/);
});

test('a tail cut after the last checkpoint is named by the head', async () => {
  assert.deepEqual(first(await verifyAfter('DELETE FROM audit_log WHERE seq = 8')), { kind: 'truncated', seq: 8 });
});

test('the chain recomputed after an edit is caught by the signed checkpoint', async () => {
  // An editor who changes entry 2 and recomputes every hash after it: each link holds again, the signed checkpoint does not.
  const report = await verifyAfter(async (tx) => {
    await tx.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`);
    const rows = await tx.query<{ seq: string; at: Date; actor: string; action: string; details: Record<string, unknown> }>(
      'SELECT seq::text AS seq, at, actor, action, details FROM audit_log ORDER BY seq',
    );
    let prev = GENESIS_HASH;
    for (const row of rows.rows) {
      const hash = chainHash(prev, {
        at: row.at,
        actor: row.actor,
        action: row.action,
        changeId: null,
        pivotId: null,
        channel: null,
        details: row.details,
      });
      await tx.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3::bigint', [prev, hash, row.seq]);
      prev = hash;
    }
    await tx.query('UPDATE audit_chain_head SET hash = $1', [prev]);
  });
  assert.deepEqual(first(report), { kind: 'rewritten', seq: 6 });
});

test('a checkpoint whose row was edited no longer matches its signature', async () => {
  // Always a different first digit: a hash that already starts with 'f' (1 in 16) stayed unchanged.
  const report = await verifyAfter(
    `UPDATE audit_checkpoints SET hash = (CASE WHEN left(hash, 1) = 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2)`,
  );
  assert.deepEqual(first(report), { kind: 'signature', seq: 6 });
});

test('a checkpoint signed with a key that is not published is refused', async () => {
  const stranger = signingKeyFromPem(generateSigningKeyPem(), 'audit');
  const report = await verifyAuditLog(db, [stranger.publicJwk]);
  assert.deepEqual(first(report), { kind: 'signature', seq: 6 });
  assert.match(report.problems[0]!.message, /is not published/);
});
