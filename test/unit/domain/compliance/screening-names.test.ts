import { describe, expect, it } from 'vitest';
import { countryCodeOf } from '../../../../functions/domain/compliance/country-names';
import { nameTokens, normaliseText } from '../../../../functions/domain/compliance/screening-names';

describe('screening names', () => {
  it.each([
    ['MOREAU, Élodie', ['elodie', 'moreau']],
    ['élodie  moreau.', ['elodie', 'moreau']],
    ["Seán O'Brien", ['obrien', 'sean']],
    ['AL-FICTIVI, Omar', ['al', 'fictivi', 'omar']],
    ['Straße Łódź Øre', ['lodz', 'ore', 'strasse']],
    ['NORTHWIND EXAMPLE TRADING LLC', ['example', 'northwind', 'trading']],
    ['Northwind Example Trading, Ltd.', ['example', 'northwind', 'trading']],
    // A name that is only a legal form keeps it: dropping every token would match nothing, or everything.
    ['LLC', ['llc']],
  ])('%s → %j', (name, tokens) => {
    expect(nameTokens(name)).toEqual(tokens);
  });

  it('normalises case, accents and punctuation to single spaces', () => {
    expect(normaliseText('  Ćiro — DE  LA  Peña!  ')).toBe('ciro de la pena');
  });

  it.each([
    ['Russia', 'RU'],
    ['Korea, North', 'KP'],
    ['Burma', 'MM'],
    ['United Arab Emirates', 'AE'],
    ['Cyprus', 'CY'],
    ['France', 'FR'],
    ['Atlantis', undefined],
  ])('country %s → %s', (name, code) => {
    expect(countryCodeOf(name)).toBe(code);
  });
});

describe('country names', () => {
  // Deprecated codes ICU still names (FX, SU, BU, UK, …) must not shadow the current ones.
  it.each([
    ['Germany', 'DE'],
    ['Serbia', 'RS'],
    ['Myanmar (Burma)', 'MM'],
    ['United Kingdom', 'GB'],
    ['Vietnam', 'VN'],
    ['Curaçao', 'CW'],
  ])('%s → %s', (name, code) => expect(countryCodeOf(name)).toBe(code));
});
