/** Relais' matching of civil data against the register's candidates (pure), with the default thresholds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compactName,
  givenNamesMatch,
  normaliseName,
  placesMatch,
  type CivilIdentity,
  type Criterion,
  type RegisterCandidate,
} from './civil-identity.ts';
import { matchCandidates } from './matching.ts';

type Decided =
  | { kind: 'none' }
  | { kind: 'exact'; registerId: string; matched: Criterion[] }
  | { kind: 'ambiguous'; candidates: { registerId: string; matched: Criterion[] }[] };

/** The decision with the default thresholds, reduced to the criteria matched (explanations: matching.test.ts). */
function decide(asked: CivilIdentity, candidates: RegisterCandidate[]): Decided {
  const decision = matchCandidates(asked, candidates);
  if (decision.kind === 'none') return decision;
  if (decision.kind === 'exact') return { kind: 'exact', registerId: decision.candidate.registerId, matched: decision.candidate.matched };
  return { kind: 'ambiguous', candidates: decision.candidates.map((c) => ({ registerId: c.registerId, matched: c.matched })) };
}

const lyon = { communeName: 'Lyon', communeInsee: '69123', country: 'FR' };
const asked: CivilIdentity = {
  birthName: "Dupont-d'Arcy",
  givenNames: ['Jean Pierre'],
  dateOfBirth: '1962-07-14',
  placeOfBirth: { communeName: 'LYON', country: 'FR' },
};

function candidate(registerId: string, identity: Partial<CivilIdentity> = {}): RegisterCandidate {
  return {
    registerId,
    identity: {
      birthName: 'DUPONT D ARCY',
      givenNames: ['Jean-Pierre', 'Marie'],
      dateOfBirth: '1962-07-14',
      placeOfBirth: lyon,
      ...identity,
    },
    registerMatched: [],
  };
}

test('names ignore accents, case, hyphens, apostrophes and spacing', () => {
  assert.equal(normaliseName("  Dupont-d'Arcy "), 'dupont d arcy');
  assert.equal(normaliseName('DUPONT D’ARCY'), 'dupont d arcy');
  assert.equal(normaliseName('Hélène  Ñúñez'), 'helene nunez');
  assert.equal(compactName("L'Hôpital"), compactName('LHOPITAL'));
});

test('given names: the first ones, in order, on a name boundary, hyphen or not', () => {
  assert.ok(givenNamesMatch(['Jean Pierre'], ['Jean-Pierre', 'Marie']));
  assert.ok(givenNamesMatch(['jean-pierre', 'MARIE'], ['Jean-Pierre', 'Marie']));
  assert.ok(givenNamesMatch(['Jean-Pierre Marie'], ['Jean-Pierre', 'Marie']));
  assert.ok(!givenNamesMatch(['Jean'], ['Jean-Pierre', 'Marie']), '"Jean" is not "Jean-Pierre"');
  assert.ok(!givenNamesMatch(['Marie'], ['Jean-Pierre', 'Marie']), 'order matters');
  assert.ok(!givenNamesMatch(['Jean-Pierre', 'Marie', 'Louis'], ['Jean-Pierre', 'Marie']));
  assert.ok(givenNamesMatch(['Élodie'], ['ELODIE']));
});

test('birth places: the INSEE code when both have it, else the commune name, and the country', () => {
  assert.ok(placesMatch({ communeName: 'Lyon 1er', communeInsee: '69123', country: 'FR' }, lyon));
  assert.ok(!placesMatch({ communeName: 'Lyon', communeInsee: '69029', country: 'FR' }, lyon));
  assert.ok(placesMatch({ communeName: 'saint-étienne', country: 'FR' }, { communeName: 'Saint Etienne', country: 'FR' }));
  assert.ok(!placesMatch({ communeName: 'Lyon', country: 'BE' }, lyon));
});

test('exactly one candidate matching everything is an exact match', () => {
  assert.deepEqual(decide(asked, [candidate('EC-1')]), {
    kind: 'exact',
    registerId: 'EC-1',
    matched: ['birthName', 'givenNames', 'dateOfBirth', 'placeOfBirth'],
  });
  const withOthers = decide(asked, [
    candidate('EC-1'),
    candidate('EC-2', { givenNames: ['Paul'] }),
    candidate('EC-3', { dateOfBirth: '1963-07-14' }),
  ]);
  assert.equal(withOthers.kind, 'exact', 'candidates failing name, given names or date do not count');
});

test('no plausible candidate is none; homonyms, or one plausible candidate born elsewhere, need a person', () => {
  assert.deepEqual(decide(asked, []), { kind: 'none' });
  assert.deepEqual(decide(asked, [candidate('EC-1', { birthName: 'Durand' })]), { kind: 'none' });
  const homonyms = decide(asked, [
    candidate('EC-1'),
    candidate('EC-2', { placeOfBirth: { communeName: 'Bron', communeInsee: '69029', country: 'FR' } }),
  ]);
  assert.equal(homonyms.kind, 'ambiguous');
  assert.deepEqual(homonyms.kind === 'ambiguous' && homonyms.candidates.map((c) => [c.registerId, c.matched.includes('placeOfBirth')]), [
    ['EC-1', true],
    ['EC-2', false],
  ]);
  assert.equal(decide(asked, [candidate('EC-2', { placeOfBirth: { communeName: 'Bron', country: 'FR' } })]).kind, 'ambiguous');
  assert.equal(decide(asked, [candidate('EC-1'), candidate('EC-1')]).kind, 'exact', 'the same register id twice is one person');
});
