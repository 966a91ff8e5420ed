/**
 * Told once, applied five times: ONE address change posted to the gateway for the quick start's
 * demo citizen (Jeanne Marie Martin, social-services file SS-000123) reaches social services
 * (REST), waste collection (its SQL database), the tax office (a batch file over SFTP, applied
 * on its acknowledgement) and school catering (REST, the fifth silo built from the guide); once
 * the four have settled, her mailbox receives the one notice that it is done, with each outcome
 * (docs/privacy.md). Each is checked from the silo's own side, and the gateway shows `applied`
 * for every system. A citizen with files in two of them ends `completed` there, the
 * others listed as not concerned (docs/adr/0026). The crosswalk is the quick start's demo data (each simulator's
 * demoIdentities, linked by bin/demo-identities.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { householdOf } from '../silos/waste-management/desk.ts';
import { eventually } from '@relais/connector-kit/testing';
import { addressChange, devToken, settledAll, startStack, type Stack } from './support/stack.ts';

const FOUR = ['school-catering', 'social-services', 'tax', 'waste-management'];

/** What this test reads of the school-catering API (silos/school-catering/openapi.yaml): it talks to the silo over its protocol. */
interface Family {
  adresseFacturation: Record<string, string>;
}
interface JournalEntry {
  cleIdempotence?: string;
  statutHttp: number;
  rejoue: boolean;
  corps: unknown;
}

describe('one address change reaches five silos (PostgreSQL store)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      store: 'postgres',
      flows: ['social-services.yaml', 'waste-management.yaml', 'tax.yaml', 'school-catering.yaml', 'email.yaml'],
      // A short tax window: the batch file goes out within a second, its acknowledgement soon after.
      env: { RELAIS_TAX_BATCH_MAX_AGE_MS: '300', RELAIS_TAX_ACK_POLL_MS: '150', RELAIS_TAX_ACK_DEADLINE_MS: '20000' },
    });
  });
  after(() => stack.stop());

  test('posted once; applied in social services, waste, tax and school catering; then told once, by email, that it is done', async () => {
    const posted = await stack.postChange(addressChange('SS-000123', 'rue des Cinq Silos'));
    assert.equal(posted.status, 202);
    const change = await stack.waitForStatus(posted.body.id, settledAll, 60_000);
    assert.deepEqual(
      change.recipients.map((r) => [r.system, r.status]).sort(),
      FOUR.map((system) => [system, 'applied']),
    );
    assert.equal(change.status, 'completed');

    // social services: the beneficiary's file.
    assert.equal((await stack.file('SS-000123')).adresse['libelleVoie'], 'rue des Cinq Silos');
    // waste collection: the household's address in the vendor database.
    const household = await householdOf(stack.silos.waste.sql, 'USG-000123');
    assert.equal(household?.adresse.libelle_voie, 'rue des Cinq Silos');
    // tax: the taxpayer record the simulator updated from the batch file it acknowledged.
    assert.equal(stack.silos.tax.store.get('1000000000123')?.address.streetName, 'rue des Cinq Silos');
    // school catering: the family's billing address, written once under the event id.
    const catering = stack.relais.siloUrls['school-catering']!;
    const family = (await (await fetch(`${catering}/familles/FAM-000123`)).json()) as Family;
    assert.deepEqual(family.adresseFacturation, { numero: '12', voie: 'rue des Cinq Silos', codePostal: '69003', ville: 'Lyon' });
    const journal = (await (await fetch(`${catering}/familles/FAM-000123/journal`)).json()) as JournalEntry[];
    assert.deepEqual(
      journal.map((e) => [e.cleIdempotence, e.statutHttp, e.rejoue]),
      [[posted.body.id, 200, false]],
    );
    // Minimised: no country, INSEE code or anything else the flow does not list.
    assert.doesNotMatch(JSON.stringify(journal[0]!.corps), /69383|FR"|country|pays/);
    // email: the notice that it is done, in her mailbox, once, after the last system settled.
    const notices = () =>
      stack.silos.mailbox?.messages().filter((m) => m.to.includes('jeanne.m.martin@example.fr') && m.subject.includes('démarche')) ?? [];
    const mail = await eventually(async () => notices()[0], 20_000, 'the notice that it is done');
    assert.match(mail.text, /Votre changement d’adresse a été transmis à toutes les administrations concernées/);
    assert.match(mail.text, /Centre des finances publiques : a pris en compte votre changement/);
    assert.doesNotMatch(mail.text, /Cinq Silos/, 'the notice does not repeat the address');
    const settledAt = Math.max(...change.recipients.map((r) => Date.parse((r as { updatedAt?: string }).updatedAt ?? '')));
    assert.ok(Date.parse(mail.receivedAt) >= settledAt, 'not before the last system settled');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(notices().length, 1, 'exactly one notice');
  });

  /** GET /v1/kpis: each system's delivery figures, by system. */
  async function kpisBySystem(): Promise<Map<string, { deliveries: number; rejected: number }>> {
    const response = await fetch(`${stack.relais.gatewayUrl}/v1/kpis`, { headers: { authorization: `Bearer ${devToken}` } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { bySystem: { system: string; deliveries: number; rejected: number }[] };
    return new Map(body.bySystem.map((s) => [s.system, { deliveries: s.deliveries, rejected: s.rejected }]));
  }

  test('a citizen known to two systems: completed there, the two others listed as not concerned, their KPIs unchanged', async () => {
    // Paul Nguyen has a social-services file (SS-000456) and a school-catering one (PER-000456), nothing else.
    const before = await kpisBySystem();
    const posted = await stack.postChange(addressChange('SS-000456', 'rue des Deux Silos'));
    assert.equal(posted.status, 202);
    const change = await stack.waitForStatus(posted.body.id, settledAll, 60_000);
    assert.deepEqual(change.recipients.map((r) => [r.system, r.status]).sort(), [
      ['school-catering', 'applied'],
      ['social-services', 'applied'],
    ]);
    assert.equal(change.status, 'completed');
    assert.deepEqual(change.notConcerned, [
      { system: 'tax', reason: 'no-file' },
      { system: 'waste-management', reason: 'no-file' },
    ]);
    const after = await kpisBySystem();
    for (const system of ['tax', 'waste-management']) assert.deepEqual(after.get(system), before.get(system), system);
    assert.equal(after.get('social-services')!.deliveries, before.get('social-services')!.deliveries + 1);
    assert.equal(after.get('social-services')!.rejected, before.get('social-services')!.rejected);
  });
});
