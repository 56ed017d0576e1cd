import { beforeAll, describe, expect, it } from 'vitest';
import { loadSdnListFromDirectory } from '../../../../functions/adapters/screening/sdn-list-sources';
import type { RecipientKind } from '../../../../functions/domain/compliance/contract';
import {
  SCREENING_MATCH_THRESHOLD_SCORE,
  screenAgainst,
  scoreEntry,
  type PreparedEntry,
} from '../../../../functions/domain/compliance/screening-match';
import { nameTokens } from '../../../../functions/domain/compliance/screening-names';

// Against the fictional list in fixtures/screening (every name there is made up).
let entries: PreparedEntry[];
beforeAll(async () => {
  entries = (await loadSdnListFromDirectory('fixtures/screening')).entries;
});

function best(name: string, kind: RecipientKind, country?: string, dateOfBirth?: string) {
  const subject = { name, kind, ...(country ? { country } : {}), ...(dateOfBirth ? { dateOfBirth } : {}) };
  const tokens = nameTokens(name);
  return entries.map((entry) => scoreEntry(subject, tokens, entry)).sort((a, b) => b.score - a.score)[0]!;
}

type Row = [name: string, kind: RecipientKind, country: string | undefined, dob: string | undefined, entNum: number];

describe('potential matches: at or above SCREENING_MATCH_THRESHOLD_SCORE', () => {
  it.each<Row>([
    ['Ivan Petrovich Zarkov', 'individual', undefined, undefined, 9001],
    ['ivan zarkov', 'individual', undefined, undefined, 9001], // order and case
    ['Ivan Zarkof', 'individual', undefined, undefined, 9001], // a dropped letter (alias ZARKOFF)
    ['Ivan Zrakov', 'individual', undefined, undefined, 9001], // a transposition
    ['Vanya Zarkov', 'individual', undefined, undefined, 9001], // an alias
    ['Ivan Zarkov', 'individual', 'RU', '1968-03-14', 9001], // raised by country and date of birth
    ['Ivan Zarkov', 'individual', 'RU', '1969-08-08', 9001], // the alt. DOB (a year)
    ['Elodie Moreau', 'individual', undefined, undefined, 9002], // diacritics
    ['Élodie Moreau', 'individual', 'FR', '1985-05-05', 9002], // the wrong date, but the exact name and country
    ['Elodie Morel', 'individual', undefined, undefined, 9002], // Jaro-Winkler's prefix leniency: a person clears it
    ['Omar Al-Fictivi', 'individual', 'SY', '1975-07-07', 9004], // circa 1975
    ['Anna Kowalska', 'individual', undefined, undefined, 9006], // a listed middle name missing
    ['Anna Kowalski', 'individual', undefined, undefined, 9006],
    ['Northwind Example Trading Ltd', 'business', undefined, undefined, 9003], // legal forms ignored
    ['Northwind Trading', 'business', undefined, undefined, 9003],
    ['Northwind Example General Trading', 'business', 'AE', undefined, 9003], // the fka, raised by an address
  ])('%s (%s, %s, %s) matches %d', (name, kind, country, dob, entNum) => {
    const match = best(name, kind, country, dob);
    expect(match.sourceId).toBe(String(entNum));
    expect(match.score).toBeGreaterThanOrEqual(SCREENING_MATCH_THRESHOLD_SCORE);
  });
});

describe('near misses: below the threshold', () => {
  it.each<[name: string, kind: RecipientKind, country: string | undefined, dob: string | undefined]>([
    ['Ivan', 'individual', undefined, undefined], // a shared given name alone
    ['Zarkov', 'individual', undefined, undefined], // a surname alone (0.84)
    ['Omar Hassan', 'individual', undefined, undefined], // two of three listed tokens, not the surname
    ['Claire Moreau', 'individual', undefined, undefined], // another given name, same surname
    ['Hanna Kowalczyk', 'individual', undefined, undefined],
    ['Ivan Smirnov', 'individual', undefined, undefined],
    ['Ivan Zarkov', 'individual', 'FR', '1990-01-01'], // the name, but neither the year of birth nor the country
    ['Anna Kowalska', 'individual', 'PL', '1990-07-01'], // listed Jun 1990: the month is wrong
    ['Jane Doe', 'individual', undefined, undefined],
  ])('%s (%s, %s, %s)', (name, kind, country, dob) => {
    expect(best(name, kind, country, dob).score).toBeLessThan(SCREENING_MATCH_THRESHOLD_SCORE);
  });
});

describe('screenAgainst', () => {
  it('returns the matches best first, with the evidence a case keeps', () => {
    const [first, ...rest] = screenAgainst({ name: 'Ivan Zarkov', kind: 'individual', country: 'RU' }, entries);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      sourceList: 'us_ofac',
      sourceId: '9001',
      listedName: 'ZARKOV, Ivan Petrovich',
      matchedName: 'ZARKOFF, Ivan',
      programs: ['FICTIONAL-A'],
      adjustments: ['country_match'],
    });
    expect(first!.score).toBeGreaterThan(first!.nameScore);
  });

  it('penalises a person matched against an entity, and the reverse', () => {
    const asPerson = best('Northwind Example Trading', 'individual');
    expect(asPerson.adjustments).toContain('type_mismatch');
    expect(asPerson.score).toBeLessThan(best('Northwind Example Trading', 'business').score);
  });

  it('is clear for an empty list and an unrelated name', () => {
    expect(screenAgainst({ name: 'Ivan Zarkov', kind: 'individual' }, [])).toEqual([]);
    expect(screenAgainst({ name: 'Jane Doe', kind: 'individual' }, entries)).toEqual([]);
  });
});
