import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase } from '@relais/connector-kit/testing';
import { captureIo } from '../bin/cli/capture.ts';
import { runCli } from '../bin/cli/program.ts';
import { appendAudit } from '../core/audit/append.ts';
import { generateSigningKeyPem, signingKeyFromPem } from '../core/signing.ts';
import { verifyAuditLog } from './audit-verify.ts';
import { writeCheckpoint } from './checkpoints.ts';

test('concurrent transactions and pool appends make one unbroken chain on PostgreSQL, and `relais audit verify` says so', async (t) => {
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'relais-audit-'));
  t.after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const key = signingKeyFromPem(generateSigningKeyPem(), 'audit');
  // 60 transactions at once, each doing other work around its entry: the head's row lock orders them.
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
  await writeCheckpoint(database.db, key);
  const report = await verifyAuditLog(database.db, [key.publicJwk]);
  assert.deepEqual(report.problems, []);
  assert.equal(report.entries, 100);
  assert.equal(report.lastCheckpoint?.seq, 100);

  const jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [key.publicJwk] }));
  const ok = captureIo({ DATABASE_URL: database.url });
  assert.equal(await runCli(['audit', 'verify', '--jwks', jwks], ok), 0, ok.stderr.join('\n'));
  assert.match(ok.stdout.join('\n'), /audit log verified: 100 entries, last checkpoint at entry 100/);

  await database.db.query(`UPDATE audit_log SET action = 'dlq.discarded' WHERE seq = 17`);
  const bad = captureIo({ DATABASE_URL: database.url });
  assert.equal(await runCli(['audit', 'verify', '--jwks', jwks], bad), 1);
  assert.match(bad.stderr.at(-1) ?? '', /audit log NOT verified: first bad entry 17: entry 17 \(dlq\.discarded\) altered/);
});
