/**
 * Reviewing a population import's held records against PostgreSQL: a small file with homonyms
 * is imported, its held records listed page by page; one is linked to a candidate (the link
 * records `identity-review` and the agent, the decision is audited, and a change the system was
 * not concerned by for want of a file is re-driven), another rejected (left unlinked); a register
 * id that is not a candidate and a second decision are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@relais/connector-kit/testing';
import { newPivotId } from '../core/ids.ts';
import { linkIdentifier } from './identity-store.ts';
import { decideHeld, listHeld } from './import-reviews.ts';
import { importPopulation } from './population-import.ts';
import { memoryRegister, writePopulationCsv } from './testing/population.ts';

test('held import records: listed, linked to a candidate (re-drive, audit), rejected, decided once', { timeout: 60_000 }, async () => {
  const database = await createTestDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'relais-import-review-'));
  const file = join(dir, 'social-services.csv');
  const db = database.db;
  try {
    // Records 0 and 10 have homonyms in the register (lines 2 and 12); the register person EC-0
    // is a citizen already, with a change social services was not concerned by (no file).
    writePopulationCsv(file, 12);
    const pivotId = newPivotId();
    await linkIdentifier(db, pivotId, 'civil-registry', 'EC-0');
    const changeId = newPivotId();
    await db.query(
      `INSERT INTO changes (id, type, pivot_id, channel, caller, data, request_hash, not_concerned)
       VALUES ($1, 'fr.relais.citizen.address.changed.v1', $2, 'desk', 'test', '{}', 'h', '[{"system":"social-services","reason":"no-file"}]')`,
      [changeId, pivotId],
    );
    await db.query(`INSERT INTO outbox (topic, message_key, headers, payload) VALUES ('relais.events', $1, $2, '{}')`, [
      pivotId,
      JSON.stringify({ ce_id: changeId }),
    ]);
    const report = await importPopulation({ db, resolver: memoryRegister(12), system: 'social-services', file, actor: 'import-test' });
    assert.equal(report.counts.held, 2);

    const first = await listHeld(db, { system: 'social-services', limit: 1 });
    assert.deepEqual(
      first.records.map((r) => [r.line, r.localId, r.reason, r.candidates.map((c) => c.registerId).sort()]),
      [[2, 'SS-0', 'homonyms', ['EC-0', 'EC-0-B']]],
    );
    assert.ok(first.next, 'a next page');
    const second = await listHeld(db, { system: 'social-services', limit: 1, after: { importId: report.importId, line: 2 } });
    assert.deepEqual(
      second.records.map((r) => r.localId),
      ['SS-10'],
    );
    assert.equal(second.next, undefined);
    assert.deepEqual((await listHeld(db, { system: 'tax', limit: 10 })).records, []);

    const at = (line: number) => ({ importId: report.importId, line, agent: 'agent.dupont' });
    assert.deepEqual(await decideHeld(db, { ...at(2), decision: { registerId: 'EC-9' } }), { outcome: 'not-a-candidate' });
    assert.deepEqual(
      await decideHeld(db, { ...at(5), decision: { registerId: 'EC-3' } }),
      { outcome: 'not-found' },
      'a linked record is not held',
    );

    const linked = await decideHeld(db, { ...at(2), decision: { registerId: 'EC-0' } });
    assert.equal(linked.outcome, 'linked');
    assert.equal(linked.outcome === 'linked' && linked.pivotId, pivotId);
    assert.deepEqual(linked.outcome === 'linked' && linked.redriven, [{ changeId, systems: ['social-services'] }]);
    const link = await db.query<{ pivot_id: string; link_method: string; linked_by: string }>(
      "SELECT pivot_id, link_method, linked_by FROM citizen_identifiers WHERE system = 'social-services' AND local_id = 'SS-0'",
    );
    assert.deepEqual(link.rows, [{ pivot_id: pivotId, link_method: 'identity-review', linked_by: 'agent.dupont' }]);
    const recipients = await db.query<{ status: string }>('SELECT status FROM change_recipients WHERE change_id = $1', [changeId]);
    assert.deepEqual(recipients.rows, [{ status: 'pending' }], 're-driven: social services is a recipient now');

    assert.deepEqual(await decideHeld(db, { ...at(2), decision: { decision: 'reject' } }), {
      outcome: 'already-decided',
      decision: 'linked',
    });
    const rejected = await decideHeld(db, { ...at(12), decision: { decision: 'reject', reason: 'none is the person' } });
    assert.equal(rejected.outcome, 'rejected');
    const unlinked = await db.query("SELECT 1 FROM citizen_identifiers WHERE system = 'social-services' AND local_id = 'SS-10'");
    assert.equal(unlinked.rows.length, 0, 'a rejected record stays unlinked');
    assert.deepEqual((await listHeld(db, { system: 'social-services', limit: 10 })).records, [], 'nothing left to decide');

    const audit = await db.query<{ actor: string; action: string; pivot_id: string | null; details: Record<string, unknown> }>(
      "SELECT actor, action, pivot_id, details FROM audit_log WHERE action LIKE 'identity.%' ORDER BY id",
    );
    assert.deepEqual(
      audit.rows.map((r) => [r.actor, r.action, r.pivot_id, r.details['line']]),
      [
        ['agent.dupont', 'identity.import.linked', pivotId, 2],
        ['agent.dupont', 'identity.redriven', pivotId, undefined],
        ['agent.dupont', 'identity.import.rejected', null, 12],
      ],
    );
    assert.doesNotMatch(JSON.stringify(audit.rows), /MARTIN|Jeanne|1940-/, 'no civil data in the audit log');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
});
