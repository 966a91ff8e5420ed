/** Matching explained: ligatures, apostrophes and "Saint" folded; each candidate's score and explanation; configurable thresholds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactName, normaliseName, placesMatch, type CivilIdentity, type RegisterCandidate } from './civil-identity.ts';
import { explainMatch, matchCandidates, matchThresholds, WEIGHTS } from './matching.ts';

const registered: CivilIdentity = {
  birthName: 'LEFÈVRE-ŒUVRAY',
  givenNames: ['Marie-Ange', 'Solène'],
  dateOfBirth: '1985-03-09',
  placeOfBirth: { communeName: 'Saint-Étienne', communeInsee: '42218', country: 'FR' },
};
const asked: CivilIdentity = {
  birthName: 'Lefèvre-Oeuvray',
  givenNames: ['Marie Ange'],
  dateOfBirth: '1985-03-09',
  placeOfBirth: { communeName: 'St Etienne', country: 'FR' },
};
const candidate = (registerId: string, identity: Partial<CivilIdentity> = {}): RegisterCandidate => ({
  registerId,
  identity: { ...registered, ...identity },
  registerMatched: [],
});

test('ligatures, apostrophes and Saint/St variants fold', () => {
  assert.equal(normaliseName('LEFÈVRE-ŒUVRAY'), 'lefevre oeuvray');
  assert.equal(compactName('Lefèvre-Oeuvray'), compactName('LEFÈVRE-ŒUVRAY'));
  assert.equal(compactName('LÆTITIA'), compactName('Laetitia'));
  assert.equal(compactName('d’Œuvre'), compactName("D'OEUVRE"));
  assert.equal(compactName('Dʼarcy'), compactName('D ARCY'), 'modifier-letter apostrophe');
  assert.equal(normaliseName('St-Genis-Laval'), 'saint genis laval');
  assert.equal(normaliseName('Ste Foy lès Lyon'), 'sainte foy les lyon');
  assert.equal(normaliseName('Stéphane'), 'stephane', 'a word starting with "st" is not an abbreviation');
  assert.ok(placesMatch({ communeName: 'ST-ÉTIENNE', country: 'FR' }, { communeName: 'Saint-Étienne', country: 'FR' }));
});

test('Lefèvre-Oeuvray matches LEFÈVRE-ŒUVRAY, explained criterion by criterion', () => {
  const decision = matchCandidates(asked, [candidate('EC-1')]);
  assert.equal(decision.kind, 'exact');
  assert.equal(decision.kind === 'exact' && decision.candidate.registerId, 'EC-1');
  assert.deepEqual(explainMatch(asked, registered), {
    score: 100,
    matched: ['birthName', 'givenNames', 'dateOfBirth', 'placeOfBirth'],
    criteria: [
      { criterion: 'birthName', matched: true, how: 'folded', weight: 35 },
      { criterion: 'givenNames', matched: true, how: 'first-given-names', weight: 25 },
      { criterion: 'dateOfBirth', matched: true, how: 'identical', weight: 25 },
      { criterion: 'placeOfBirth', matched: true, how: 'commune-name', weight: 15 },
    ],
  });
});

test('how each criterion compared: identical, compact, INSEE code, different', () => {
  const explained = explainMatch(
    { ...registered, birthName: 'LEFEVREOEUVRAY', placeOfBirth: { communeName: 'x', communeInsee: '42218', country: 'FR' } },
    registered,
  );
  assert.deepEqual(
    explained.criteria.map((c) => [c.criterion, c.how]),
    [
      ['birthName', 'compact'],
      ['givenNames', 'identical'],
      ['dateOfBirth', 'identical'],
      ['placeOfBirth', 'insee-code'],
    ],
  );
  const other = explainMatch({ ...asked, dateOfBirth: '1985-03-10', givenNames: ['Marie'] }, registered);
  assert.deepEqual(other.matched, ['birthName', 'placeOfBirth']);
  assert.equal(other.score, WEIGHTS.birthName + WEIGHTS.placeOfBirth);
  assert.deepEqual(
    other.criteria.filter((c) => !c.matched).map((c) => c.how),
    ['different', 'different'],
  );
});

test('the thresholds decide: link, review, ignore', () => {
  const bornElsewhere = candidate('EC-2', { placeOfBirth: { communeName: 'Bron', communeInsee: '69029', country: 'FR' } });
  // Defaults (100/85): born elsewhere is plausible (85) but not linked.
  assert.equal(matchCandidates(asked, [bornElsewhere]).kind, 'ambiguous');
  // Linking from 85: the same candidate is linked without a person.
  assert.equal(matchCandidates(asked, [bornElsewhere], matchThresholds(85, 85)).kind, 'exact');
  // Plausible only from 90: that candidate is ignored.
  assert.equal(matchCandidates(asked, [bornElsewhere], matchThresholds(100, 90)).kind, 'none');
  // A lower review threshold brings a candidate whose given names differ to a person (35+25+15 = 75).
  const otherGivenNames = candidate('EC-3', { givenNames: ['Paule'] });
  assert.equal(matchCandidates(asked, [otherGivenNames]).kind, 'none');
  const lowered = matchCandidates(asked, [otherGivenNames], matchThresholds(100, 75));
  assert.deepEqual(lowered.kind === 'ambiguous' && lowered.candidates.map((c) => [c.registerId, c.score]), [['EC-3', 75]]);
  // Two candidates above the link threshold are homonyms: a person decides.
  assert.equal(matchCandidates(asked, [candidate('EC-1'), candidate('EC-4')]).kind, 'ambiguous');
  assert.throws(() => matchThresholds(80, 90), { code: 'CONFIG_INVALID' });
});
