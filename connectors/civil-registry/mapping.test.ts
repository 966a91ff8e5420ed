/** Register records → catalogue events, pure: every event is valid against its schema, keyed by the register's event number. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BIRTH_REGISTERED_V1,
  DEATH_REGISTERED_V1,
  MARRIAGE_REGISTERED_V1,
  NAME_CHANGED_V1,
  MappingError,
  PACS_DISSOLVED_V1,
  validateEventData,
} from '@relais/connector-kit';
import type { Evenement, Personne } from './client.ts';
import { mapEvents, mapRecord, personsNeeded, registerRecord, unmappedKey } from './mapping.ts';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/register-page.json', import.meta.url), 'utf8')) as {
  evenements: Evenement[];
  personnes: Personne[];
};
const persons = new Map(fixture.personnes.map((p) => [p.identifiant, p]));
const mapped = mapEvents(fixture.evenements, persons);

test('every mapped event is valid against its catalogue schema', () => {
  assert.ok(mapped.events.length > 0);
  for (const event of mapped.events) assert.deepEqual(validateEventData(event.type, event.data), [], `${event.type} ${event.recordKey}`);
});

test('a birth, a death and a name change give one event each, keyed by the register event number', () => {
  const birth = mapped.events.find((e) => e.type === BIRTH_REGISTERED_V1)!;
  assert.equal(birth.recordKey, 'evenement:11');
  assert.equal(birth.citizenLocalId, 'EC-00000500');
  assert.deepEqual(birth.data['name'], { birthName: 'DURAND', givenNames: ['Léa', 'Jeanne'] });
  const death = mapped.events.find((e) => e.type === DEATH_REGISTERED_V1)!;
  assert.deepEqual([death.recordKey, death.citizenLocalId, death.time], ['evenement:12', 'EC-00000123', '2026-11-21T10:00:00.000Z']);
  assert.deepEqual(death.data, {
    dateOfDeath: '2026-11-19',
    placeOfDeath: { communeName: 'Bron', communeInsee: '69029', country: 'FR' },
    actReference: 'DE-2026-000012',
  });
  const renamed = mapped.events.find((e) => e.type === NAME_CHANGED_V1)!;
  assert.deepEqual(renamed.data['name'], { birthName: 'NGUYEN-BERNARD', givenNames: ['Paul'] });
  assert.deepEqual(renamed.data['previousName'], { birthName: 'NGUYEN', givenNames: ['Paul'] });
});

test('a marriage or a PACS dissolution gives one event per partner, each naming the other', () => {
  const marriages = mapped.events.filter((e) => e.type === MARRIAGE_REGISTERED_V1);
  assert.deepEqual(
    marriages.map((e) => [e.recordKey, e.citizenLocalId]),
    [
      ['evenement:13:EC-00000456', 'EC-00000456'],
      ['evenement:13:EC-00000901', 'EC-00000901'],
    ],
  );
  assert.deepEqual((marriages[0]!.data['spouse'] as { name: unknown }).name, { birthName: 'BERNARD', givenNames: ['Jean-Pierre'] });
  const dissolved = mapped.events.filter((e) => e.type === PACS_DISSOLVED_V1);
  assert.equal(dissolved.length, 2);
  assert.equal(dissolved[0]!.data['cause'], 'marriage');
});

test('an event whose partner the register does not know is skipped with a reason free of personal data', () => {
  assert.deepEqual(mapped.skipped, [{ numero: 16, reason: 'a partner is unknown to the register' }]);
  assert.deepEqual(personsNeeded(fixture.evenements[5]!), ['EC-00000456', 'EC-00000999']);
  assert.deepEqual(personsNeeded(fixture.evenements[1]!), []);
});

test('mapping the same page twice gives the same record keys (so the same event ids)', () => {
  assert.deepEqual(
    mapEvents(fixture.evenements, persons).events.map((e) => e.recordKey),
    mapped.events.map((e) => e.recordKey),
  );
});

test('a register record (event and persons as read) maps alone, and survives JSON: what a source dead letter keeps and a re-drive maps again', () => {
  for (const evenement of fixture.evenements) {
    const raw = JSON.parse(JSON.stringify(registerRecord(evenement, persons))) as unknown;
    const alone = mapEvents([evenement], persons);
    if (alone.skipped.length > 0) {
      assert.throws(
        () => mapRecord(raw),
        (error: unknown) => error instanceof MappingError && error.message === alone.skipped[0]!.reason,
      );
      assert.equal(unmappedKey(evenement), `evenement:${evenement.numero}`);
    } else assert.deepEqual(mapRecord(raw), alone.events);
  }
  assert.throws(() => mapRecord({ evenement: 'x' }), /register record: not \{ evenement, personnes \}/);
});
