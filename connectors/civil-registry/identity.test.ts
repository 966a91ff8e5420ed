/**
 * The register's confirmation of a death told at a desk (confirmAct), against the live register
 * simulator over SOAP: only the act the register issued, a death, of this person, on this date.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEATH_REGISTERED_V1, type RegisteredAct } from '@relais/connector-kit';
import { seedRegistre } from '../../silos/civil-registry/seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../../silos/civil-registry/server.ts';
import { CivilRegistryClient } from './client.ts';
import { createRegisterIdentityResolver } from './identity.ts';

const credentials = { username: 'relais', password: 'registre-secret' };
const lyon = { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' };
let silo: CivilRegistrySilo;
let confirm: (act: Partial<RegisteredAct>) => Promise<boolean>;
let jeanneDeath: string;
let paulDeath: string;
let birth: string;

before(async () => {
  silo = await startCivilRegistrySilo({ credentials });
  await seedRegistre(silo.registre);
  const resolver = createRegisterIdentityResolver(
    'civil-registry',
    new CivilRegistryClient({ url: silo.soapUrl, ...credentials, timeoutMs: 5000 }),
    5000,
  );
  const record = async (type: 'DECES' | 'NAISSANCE', personne: string | undefined, dateEvenement: string) =>
    (
      await silo.registre.enregistrerEvenement({
        type,
        dateEvenement,
        lieu: lyon,
        ...(personne ? { personne } : { naissance: { nomNaissance: 'Martin', prenoms: 'Léo', sexe: 'M' }, identifiant: 'EC-00000777' }),
      })
    ).numeroActe;
  jeanneDeath = await record('DECES', 'EC-00000123', '2026-11-20');
  paulDeath = await record('DECES', 'EC-00000456', '2026-11-22');
  birth = await record('NAISSANCE', undefined, '2026-11-20');
  confirm = (act) =>
    resolver.confirmAct!(
      { type: DEATH_REGISTERED_V1, registerId: 'EC-00000123', actReference: jeanneDeath, date: '2026-11-20', ...act },
      AbortSignal.timeout(5000),
    );
});
after(() => silo.close());

test('the act the register issued for this death, this person and this date is confirmed', async () => {
  assert.equal(await confirm({}), true);
});

test('an invented number, another person’s act, another date or an act that is not a death is not', async () => {
  assert.equal(await confirm({ actReference: 'DE-2026-999999' }), false, 'invented number');
  assert.equal(await confirm({ actReference: paulDeath }), false, 'the death act of another person');
  assert.equal(await confirm({ date: '2026-11-21' }), false, 'another date');
  assert.equal(await confirm({ actReference: birth, registerId: 'EC-00000777' }), false, 'a birth act');
  assert.equal(await confirm({ actReference: '   ' }), false, 'a blank reference');
  assert.equal(await confirm({ type: 'fr.relais.citizen.birth.registered.v1' }), false, 'deaths only');
});

test('a register that cannot answer is an error, not a refusal', async () => {
  await fetch(`${silo.url}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'erreur', restant: 1 }),
  });
  await assert.rejects(confirm({}), (error: Error & { retriable?: boolean }) => error.retriable === true);
});
