/**
 * End to end on real parts: gateway → PostgreSQL + outbox → Kafka → router → social-services
 * connector → the simulator over HTTP → receipts → status. Checked from outside: the gateway's
 * API, the simulator's own API, and the Kafka topics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redelivery } from '../gateway/dead-letter-messages.ts';
import { sha256Hex } from '../gateway/auth.ts';
import { clientCredentialsToken } from '../infra/oidc/tokens.ts';
import { eventually, readTopic, testBus } from '@relais/connector-kit/testing';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

const systemToken = 'social-services-front-desk-token';

function tokensFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relais-tokens-'));
  const file = join(dir, 'tokens.yaml');
  writeFileSync(
    file,
    `credentials:\n  - name: social-services-front-desk\n    tokenSha256: ${sha256Hex(systemToken)}\n    scopes: [changes:write, changes:read]\n    system: social-services\n`,
  );
  return file;
}

describe('one change, told once, applied in the social-services silo (PostgreSQL store)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ store: 'postgres', env: { RELAIS_TOKENS_FILE: tokensFile() } });
  });
  after(() => stack.stop());

  test('a posted change reaches the simulator and shows applied', async () => {
    const posted = await stack.postChange(addressChange('SS-000123', 'rue des Lilas'));
    assert.equal(posted.status, 202);
    const change = await stack.waitForStatus(posted.body.id, settledAll);
    assert.equal(change.status, 'completed');
    assert.deepEqual(
      change.recipients.map((r) => [r.system, r.status]),
      [['social-services', 'applied']],
    );
    const file = await stack.file('SS-000123');
    assert.equal(file.adresse['libelleVoie'], 'rue des Lilas');
    assert.equal(file.adresse['codeInsee'], '69383');

    const timeline = (await (
      await fetch(`${stack.relais.gatewayUrl}/v1/citizens/${change.pivotId}/timeline`, {
        headers: { authorization: 'Bearer e2e-dev-token', 'relais-purpose': 'end-to-end test' },
      })
    ).json()) as { entries: { kind: string; status?: string; system?: string }[] };
    assert.ok(timeline.entries.some((e) => e.kind === 'system_outcome' && e.system === 'social-services' && e.status === 'applied'));
  });

  test("the quick start's OpenID provider: a service's client-credentials token tells a change end to end", async () => {
    const oidc = stack.relais.oidc!;
    const token = await clientCredentialsToken(oidc.issuer, oidc.serviceClient.id, oidc.serviceClient.secret, 'changes:write changes:read');
    await stack.openFile('SS-300093');
    const posted = await stack.postChange(addressChange('SS-300093', 'rue du Jeton'), { authorization: `Bearer ${token}` });
    assert.equal(posted.status, 202);
    // Told by social services' own application: not sent back to social services.
    assert.deepEqual(posted.body.recipients, []);
  });

  test("a death closes the beneficiary's file", async () => {
    await stack.openFile('SS-300001');
    const posted = await stack.postChange({
      type: 'fr.relais.citizen.death.registered.v1',
      citizen: { system: 'social-services', id: 'SS-300001' },
      channel: 'desk',
      data: {
        dateOfDeath: '2026-11-20',
        placeOfDeath: { communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
        actReference: 'DC-1',
      },
    });
    assert.equal(posted.status, 202);
    assert.equal((await stack.waitForStatus(posted.body.id, settledAll)).status, 'completed');
    assert.equal((await stack.file('SS-300001')).statut, 'clos');
  });

  test('fields the flow does not list never reach the silo, nor its delivery topic', async () => {
    await stack.openFile('SS-300002');
    const change = addressChange('SS-300002', 'rue Minimale', { banId: '69383_1234_00012' }) as { data: Record<string, unknown> };
    change.data['previousAddress'] = { streetName: 'rue Ancienne', postcode: '69001', communeName: 'Lyon', country: 'FR' };
    const posted = await stack.postChange(change);
    await stack.waitForStatus(posted.body.id, settledAll);
    const journal = await stack.journal('SS-300002');
    assert.equal(journal.length, 1);
    const received = JSON.stringify(journal[0]!.body);
    assert.doesNotMatch(received, /69383_1234_00012|rue Ancienne|banId|previous/);
    const deliveries = await readTopic(`${stack.prefix}.delivery.social-services`, (all) =>
      all.some((m) => m.headers['ce_id'] === posted.body.id),
    );
    const sealed = deliveries.find((m) => m.headers['ce_id'] === posted.body.id)!;
    assert.doesNotMatch(sealed.value.toString(), /SS-300002|Lilas/, 'sealed on the topic');
    const [delivery] = await stack.opened([sealed]);
    const value = JSON.parse(delivery!.value.toString()) as { citizenId: string; data: Record<string, unknown> };
    assert.equal(value.citizenId, 'SS-300002');
    assert.deepEqual(Object.keys(value.data).sort(), ['address', 'effectiveDate']);
    assert.ok(!('banId' in (value.data['address'] as object)));
    assert.equal(delivery!.headers['ce_subject'], posted.body.pivotId);
  });

  test('a change told by the silo itself is never sent back to it', async () => {
    await stack.openFile('SS-300003');
    const response = await fetch(`${stack.relais.gatewayUrl}/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(addressChange('SS-300003', 'rue du Retour')),
    });
    assert.equal(response.status, 202);
    const body = (await response.json()) as { id: string; status: string; recipients: unknown[] };
    assert.equal(body.status, 'no_recipients');
    // A later change for the same silo from another caller overtakes it: if the first had been
    // delivered, it would have been applied before this one (same key, same partition).
    const later = await stack.postChange(addressChange('SS-300003', 'rue Suivante'));
    await stack.waitForStatus(later.body.id, settledAll);
    const journal = await stack.journal('SS-300003');
    assert.deepEqual(
      journal.map((e) => (e.body['adresse'] as { libelleVoie: string }).libelleVoie),
      ['rue Suivante'],
    );
    assert.deepEqual((await stack.getChange(body.id)).recipients, []);
  });

  test("the simulator refuses (4xx): rejected with the simulator's reason", async () => {
    const unknown = await stack.postChange(addressChange('SS-404404'));
    const change = await stack.waitForStatus(unknown.body.id, settledAll);
    assert.equal(change.status, 'completed_with_errors');
    assert.equal(change.recipients[0]!.status, 'rejected');
    assert.match(change.recipients[0]!.reason ?? '', /404 DOSSIER_INCONNU/);

    await stack.openFile('SS-300004');
    await stack.setFault({ mode: 'refus', statut: 422, restant: 1, message: 'adresse hors du département' });
    const refused = await stack.postChange(addressChange('SS-300004'));
    const settled = await stack.waitForStatus(refused.body.id, settledAll);
    assert.equal(settled.recipients[0]!.status, 'rejected');
    assert.match(settled.recipients[0]!.reason ?? '', /422 REFUS_SIMULE.*hors du département/);
    assert.equal((await stack.journal('SS-300004')).length, 1, 'a refusal is not retried');
  });

  test('the simulator fails (5xx) for longer than the patience: deliveries wait, then are dead-lettered with the reason and the message in the DLQ', async () => {
    await stack.openFile('SS-300005');
    await stack.setFault({ mode: 'erreur', statut: 503 });
    try {
      const posted = await stack.postChange(addressChange('SS-300005'));
      const change = await stack.waitForStatus(posted.body.id, settledAll);
      assert.equal(change.recipients[0]!.status, 'dead_lettered');
      // The stack's patience is 1.5 s (docs/adr/0024): the silo is down, not the delivery, so it
      // waited (probing) past its 3 attempts until the patience ran out.
      const reason = /^gave up after (\d+) attempts \(the silo has been unavailable for longer than its patience \(1500 ms\)\): .*503/.exec(
        change.recipients[0]!.reason ?? '',
      );
      assert.ok(reason, change.recipients[0]!.reason);
      const attempts = Number(reason[1]);
      assert.ok(attempts >= 3, 'at least the configured attempts');
      assert.equal((await stack.journal('SS-300005')).length, attempts, 'every attempt reached the silo once');
      const dlq = await readTopic(`${stack.prefix}.dlq.social-services`, (all) => all.some((m) => m.headers['ce_id'] === posted.body.id));
      const dead = dlq.find((m) => m.headers['ce_id'] === posted.body.id)!;
      assert.equal(dead.headers['relais_error_code'], 'SILO_UNAVAILABLE');
      assert.equal(dead.headers['relais_attempts'], String(attempts));
      assert.match(dead.headers['relais_error_message'] ?? '', /503/);
      // Dead-lettered as it came: still sealed; it opens as the delivery it was.
      assert.equal(dead.headers['relais_encryption'], 'aes-256-gcm');
      const [opened] = await stack.opened([dead]);
      assert.equal((JSON.parse(opened!.value.toString()) as { citizenId: string }).citizenId, 'SS-300005');

      // Once the cause is fixed, the dead letter put back on the delivery topic is applied.
      await stack.setFault(null);
      const bus = testBus(undefined, 'e2e-replay');
      await bus.publish([redelivery(dead, `${stack.prefix}.delivery.social-services`)]);
      await bus.close();
      const replayed = await stack.waitForStatus(posted.body.id, (c) => c.recipients[0]!.status === 'applied');
      assert.equal(replayed.status, 'completed');
      assert.equal((await stack.journal('SS-300005')).filter((e) => e.statutHttp === 200).length, 1);
    } finally {
      await stack.setFault(null);
    }
  });

  test('the simulator times out persistently: dead-lettered with the timeout as reason', async () => {
    await stack.openFile('SS-300006');
    await stack.setFault({ mode: 'lenteur', delaiMs: 3000 });
    try {
      const posted = await stack.postChange(addressChange('SS-300006'));
      const change = await stack.waitForStatus(posted.body.id, settledAll, 40_000);
      assert.equal(change.recipients[0]!.status, 'dead_lettered');
      assert.match(change.recipients[0]!.reason ?? '', /timed out after 2000 ms/);
      // The slow silo applied the first attempt after Relais gave up, once only (the retries
      // carried the same idempotency key): "dead_lettered" here means "not confirmed"
      // (docs/contracts.md), and a replay would settle it as applied.
      const journal = await eventually(
        async () => {
          const entries = await stack.journal('SS-300006');
          return entries.length >= 3 ? entries : undefined;
        },
        10_000,
        'the slow attempts to land',
      );
      assert.equal(journal.filter((e) => e.statutHttp === 200 && !e.rejoue).length, 1);
    } finally {
      await stack.setFault(null);
    }
  });

  test('the simulator fails transiently: applied after retries', async () => {
    await stack.openFile('SS-300007');
    await stack.setFault({ mode: 'erreur', statut: 500, restant: 2 });
    const posted = await stack.postChange(addressChange('SS-300007', 'rue de la Persévérance'));
    const change = await stack.waitForStatus(posted.body.id, settledAll);
    assert.equal(change.recipients[0]!.status, 'applied');
    const journal = await stack.journal('SS-300007');
    assert.deepEqual(
      journal.map((e) => e.statutHttp),
      [500, 500, 200],
    );
    assert.equal((await stack.file('SS-300007')).adresse['libelleVoie'], 'rue de la Persévérance');
  });

  test('a system that holds no file on the citizen is not concerned: no recipient, listed as such, nothing published', async () => {
    const pivotId = randomUUID();
    await stack.database!.db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [pivotId]);
    const posted = await stack.postChange({ ...addressChange('unused'), citizen: { pivotId } });
    assert.equal(posted.status, 202);
    assert.deepEqual(posted.body.recipients, []);
    assert.equal(posted.body.status, 'no_recipients');
    assert.deepEqual(posted.body.notConcerned, [{ system: 'social-services', reason: 'no-file' }]);
    // Once the event is out and the router had time to read it, still no status: it published nothing for social services.
    await eventually(
      async () =>
        (await stack.database!.db.query("SELECT 1 FROM outbox WHERE headers->>'ce_id' = $1 AND sent_at IS NOT NULL", [posted.body.id]))
          .rows[0],
      20_000,
      'the event to leave the outbox',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const read = await stack.getChange(posted.body.id);
    assert.deepEqual(read.notConcerned, [{ system: 'social-services', reason: 'no-file' }]);
    assert.deepEqual(read.recipients, []);
  });
});
