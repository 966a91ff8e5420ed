/**
 * End to end, logs at debug level captured: changes of several catalogue types for one test
 * citizen, a silo refusal, and a poison event on relais.events go through the whole stack; the
 * captured output must hold none of the citizen's names, address, contact details or
 * identifiers, while it does show the fields the schemas label `none`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { encodeCanonical } from '../core/envelopes.ts';
import { eventually, testBus } from '@relais/connector-kit/testing';
import { addressChange, devToken, settledAll, startStack, type Stack } from './support/stack.ts';

const file = 'SS-471101';
const unknownFile = 'SS-471199';
/** Everything about the test citizen that must never appear in a log. */
const secrets = {
  file,
  unknownFile,
  street: 'rue Secretissime',
  birthName: 'Zephyrinex',
  usageName: 'Quillardeau',
  givenName: 'Ottilienne',
  email: 'zephyrinex@example.fr',
  phone: '+33698765432',
  act: 'ACT-SECRET-771',
  description: 'Texte libre confidentiel',
};

describe('no personal data in the logs, end to end', () => {
  const logs: string[] = [];
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      store: 'postgres',
      logs,
      env: { LOG_LEVEL: 'debug' },
      flows: ['social-services.yaml', 'waste-management.yaml', 'email.yaml'],
    });
  });
  after(() => stack.stop());

  test('names, address, contact details and identifiers never appear in clear; none-labelled fields do', async () => {
    await stack.openFile(file);
    const citizen = { system: 'social-services', id: file };
    const moved = await stack.postChange(addressChange(file, secrets.street));
    const refused = await stack.postChange(addressChange(unknownFile, secrets.street));
    const others = [
      {
        type: 'fr.relais.citizen.name.changed.v1',
        data: {
          name: { birthName: secrets.birthName, usageName: secrets.usageName, givenNames: [secrets.givenName] },
          effectiveDate: '2026-10-15',
          legalAct: { kind: 'decree', reference: secrets.act },
        },
      },
      { type: 'fr.relais.citizen.contact.changed.v1', data: { email: secrets.email, phone: secrets.phone } },
      {
        type: 'fr.relais.citizen.household.changed.v1',
        data: {
          effectiveDate: '2026-11-01',
          members: [
            { name: { birthName: secrets.birthName, givenNames: [secrets.givenName] }, role: 'reference-person', dependent: false },
          ],
        },
      },
      {
        type: 'fr.relais.service-request.updated.v1',
        data: { requestId: 'SR-PII-1', status: 'scheduled', competentService: 'waste-management', comment: secrets.description },
      },
    ];
    for (const change of others) assert.equal((await stack.postChange({ ...change, citizen, channel: 'web' })).status, 202);
    const request = await fetch(`${stack.relais.gatewayUrl}/v1/service-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        citizen,
        channel: 'phone',
        category: 'waste.missed-collection',
        location: { address: { streetName: secrets.street, postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' } },
        description: secrets.description,
        contact: { email: secrets.email },
      }),
    });
    assert.equal(request.status, 202, await request.clone().text());
    // waste-management holds no file on this citizen: not concerned by the move (docs/adr/0026); applied here.
    assert.equal(
      (await stack.waitForStatus(moved.body.id, settledAll)).recipients.find((r) => r.system === 'social-services')?.status,
      'applied',
    );
    assert.equal(
      (await stack.waitForStatus(refused.body.id, settledAll)).recipients.find((r) => r.system === 'social-services')?.status,
      'rejected',
    );

    // A poison event (its postcode breaks the schema) carrying the citizen's data: the router
    // dead-letters it and logs why, with the event's data shown by label.
    const bus = testBus(undefined, 'pii-poison');
    await bus.publish([
      encodeCanonical(
        {
          id: randomUUID(),
          type: 'fr.relais.citizen.address.changed.v1',
          source: '/test',
          pivotId: moved.body.pivotId,
          time: new Date().toISOString(),
          data: { address: { streetName: secrets.street, postcode: 'X', communeName: 'Lyon', country: 'FR' }, effectiveDate: '2026-12-24' },
        },
        `${stack.prefix}.events`,
      ),
    ]);
    await bus.close();
    await eventually(
      async () => (logs.some((l) => l.includes('invalid event dead-lettered')) ? true : undefined),
      20_000,
      'the router to log the poison event',
    );
    await eventually(
      async () => {
        const { rows } = await stack.database!.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL');
        return rows[0]!.n === '0' ? true : undefined;
      },
      20_000,
      'the outbox to drain',
    );

    const output = logs.join('');
    assert.ok(
      logs.filter((l) => l.includes('"change accepted"')).length >= others.length + 2,
      'the gateway logged every accepted change at debug level',
    );
    assert.ok(output.includes('"status":"scheduled"'), 'none-labelled fields of an event are shown');
    for (const [what, value] of Object.entries(secrets)) assert.ok(!output.includes(value), `${what} (${value}) appears in the logs`);
    // What the labels allow is there: the logs are not empty shells.
    const poison = JSON.parse(logs.find((l) => l.includes('invalid event dead-lettered'))!) as { event: { data: Record<string, unknown> } };
    assert.deepEqual(poison.event.data, { address: '[redacted]', effectiveDate: '2026-12-24' });
  });
});
