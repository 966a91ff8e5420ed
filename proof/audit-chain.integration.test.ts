import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '@relais/connector-kit/testing';
import { captureIo } from '../bin/cli/capture.ts';
import { runCli } from '../bin/cli/program.ts';
import { appendAudit } from '../core/audit/append.ts';
import { generateSigningKeyPem, signingKeyFromPem } from '../core/signing.ts';
import { verifyAuditLog } from './audit-verify.ts';
import { writeCheckpoint } from './checkpoints.ts';
import { sealAuditEntries } from './seal.ts';

test('concurrent transactions and pool appends make one unbroken chain on PostgreSQL, sealed once each has ended, and `relais audit verify` says so', async (t) => {
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'relais-audit-'));
  // The held transaction below must end even when an assertion fails: the pool would wait for it
  // for ever when dropped.
  let release: () => void = () => undefined;
  t.after(async () => {
    release();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const key = signingKeyFromPem(generateSigningKeyPem(), 'audit');
  // 60 transactions at once, each doing other work around its entry: none waits for another; the sealer orders them.
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      database.db.transaction(async (tx) => {
        await tx.query('SELECT pg_sleep(0.002)');
        await appendAudit(tx, { actor: `caller-${i % 5}`, action: 'change.accepted', details: { n: i } });
        await tx.query('SELECT pg_sleep(0.002)');
      }),
    ),
  );
  // 40 more straight on the pool, as an audited read appends (it has no transaction of its own).
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => appendAudit(database.db, { actor: `reader-${i % 4}`, action: 'citizen.timeline.read' })),
  );
  // One rolled back: its entry never existed, and leaves no gap.
  await database.db
    .transaction(async (tx) => {
      await appendAudit(tx, { actor: 'caller-x', action: 'change.accepted' });
      throw new Error('rolled back');
    })
    .catch(() => undefined);
  // An entry whose transaction is still running waits: it cannot be sealed before it exists for good.
  const held = new Promise<void>((resolve) => (release = resolve));
  const open = database.db.transaction(async (tx) => {
    await appendAudit(tx, { actor: 'slow-caller', action: 'change.accepted' });
    await held;
  });
  await sleep(100);
  const before = await sealAuditEntries(database.db);
  assert.equal(before, 100, 'the 100 committed entries are sealed; the open one is not');
  const waiting = await verifyAuditLog(database.db, [key.publicJwk]);
  assert.deepEqual([waiting.entries, waiting.pending, waiting.problems], [100, 0, []], 'invisible until it commits');
  release();
  await open;
  assert.equal((await verifyAuditLog(database.db, [key.publicJwk])).pending, 1, 'committed, waiting for the next round');
  await writeCheckpoint(database.db, key);
  const report = await verifyAuditLog(database.db, [key.publicJwk]);
  assert.deepEqual(report.problems, []);
  assert.equal(report.entries, 101);
  assert.equal(report.pending, 0);
  assert.equal(report.lastCheckpoint?.seq, 101);

  const jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [key.publicJwk] }));
  const ok = captureIo({ DATABASE_URL: database.url });
  assert.equal(await runCli(['audit', 'verify', '--jwks', jwks], ok), 0, ok.stderr.join('\n'));
  assert.match(ok.stdout.join('\n'), /audit log verified: 101 entries, last checkpoint at entry 101/);

  await database.db.query(`UPDATE audit_log SET action = 'dlq.discarded' WHERE seq = 17`);
  const bad = captureIo({ DATABASE_URL: database.url });
  assert.equal(await runCli(['audit', 'verify', '--jwks', jwks], bad), 1);
  assert.match(bad.stderr.at(-1) ?? '', /audit log NOT verified: first bad entry 17: entry 17 \(dlq\.discarded\) altered/);
});
