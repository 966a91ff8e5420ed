/**
 * A generated population for import tests and the bench (deterministic for a size): a register
 * held in memory (an IdentityResolver searching it by compact birth name and birth date, as the
 * register simulator does) and a silo's file of records. Every tenth record has a homonym in the
 * register (same name, given names and date, born elsewhere: held), every tenth + 1 is nobody in
 * the register (unmatched), the others match one person exactly (linked). Fictitious names.
 */
import { writeFileSync } from 'node:fs';
import { compactName, type CivilIdentity, type IdentityResolver, type RegisterCandidate } from '../civil-identity.ts';

export type Expected = 'linked' | 'held' | 'unmatched';

const NAMES = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LEFÈVRE-ŒUVRAY'];
const GIVEN = ['Jeanne', 'Paul', 'Anne-Sophie', 'Louis', 'Chloé', 'Jean-Pierre', 'Inès', 'Hugo'];

/** The expected outcome of record `i`. */
export function expectedOf(i: number): Expected {
  return i % 10 === 0 ? 'held' : i % 10 === 1 ? 'unmatched' : 'linked';
}

function personOf(i: number): CivilIdentity {
  const day = new Date(Date.UTC(1940, 0, 1) + (i % 25_000) * 86_400_000).toISOString().slice(0, 10);
  return {
    birthName: `${NAMES[i % NAMES.length]!}${Math.floor(i / 25_000) > 0 ? ` ${Math.floor(i / 25_000)}` : ''}`,
    givenNames: [GIVEN[i % GIVEN.length]!, `N${i}`],
    dateOfBirth: day,
    placeOfBirth: { communeName: 'Lyon', communeInsee: '69123', country: 'FR' },
  };
}

export function memoryRegister(size: number): IdentityResolver {
  const byKey = new Map<string, RegisterCandidate[]>();
  const add = (candidate: RegisterCandidate) => {
    const key = `${compactName(candidate.identity.birthName)} ${candidate.identity.dateOfBirth}`;
    byKey.set(key, [...(byKey.get(key) ?? []), candidate]);
  };
  for (let i = 0; i < size; i++) {
    if (expectedOf(i) === 'unmatched') continue;
    add({ registerId: `EC-${i}`, identity: personOf(i), registerMatched: [] });
    if (expectedOf(i) === 'held')
      add({
        registerId: `EC-${i}-B`,
        identity: { ...personOf(i), placeOfBirth: { communeName: 'Bron', communeInsee: '69029', country: 'FR' } },
        registerMatched: [],
      });
  }
  return {
    system: 'civil-registry',
    search: (civil) => Promise.resolve(byKey.get(`${compactName(civil.birthName)} ${civil.dateOfBirth}`) ?? []),
  };
}

/** Record `i` as the silo holds it: the silo writes names its own way (lower case, ligatures written out). */
export function siloPerson(i: number): {
  birthName: string;
  givenNames: string[];
  dateOfBirth: string;
  birthPlace: string;
  birthCountry: string;
} {
  const p = personOf(i);
  return {
    birthName: p.birthName.replace('Œ', 'OE').toLowerCase(),
    givenNames: p.givenNames,
    dateOfBirth: p.dateOfBirth,
    birthPlace: 'Lyon',
    birthCountry: 'FR',
  };
}

/** The silo's file: `size` records, CSV (given names separated by ";"), as a person would export it. */
export function writePopulationCsv(file: string, size: number): void {
  const lines = ['id,birthName,givenNames,dateOfBirth,birthPlace,birthPlaceInsee,birthCountry'];
  for (let i = 0; i < size; i++) {
    const p = siloPerson(i);
    lines.push(`SS-${i},"${p.birthName}",${p.givenNames.join(';')},${p.dateOfBirth},${p.birthPlace},,${p.birthCountry}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
