import { describe, expect, it } from 'vitest';
import {
  datesOfBirthIn,
  nationalitiesIn,
  sdnField,
  sdnPrograms,
  sdnTypeOf,
} from '../../../../functions/domain/compliance/sdn-entry';

describe('SDN fields', () => {
  it.each([
    ['-0- ', undefined],
    ['-0-', undefined],
    ['', undefined],
    [' Director ', 'Director'],
  ])('field %j → %j', (value, expected) => expect(sdnField(value)).toBe(expected));

  it.each([
    ['individual', 'individual'],
    ['-0- ', 'entity'],
    ['vessel', 'vessel'],
    ['aircraft', 'aircraft'],
    ['spaceship', undefined],
  ])('type %j → %j', (value, expected) => expect(sdnTypeOf(value)).toBe(expected));

  it('splits programs on OFAC\'s "] ["', () => {
    expect(sdnPrograms('SDGT] [IRGC] [IFSR')).toEqual(['SDGT', 'IRGC', 'IFSR']);
    expect(sdnPrograms('CUBA')).toEqual(['CUBA']);
    expect(sdnPrograms('-0- ')).toEqual([]);
  });

  it.each([
    ['DOB 14 Mar 1968', [{ yearFrom: 1968, yearTo: 1968, month: 3, day: 14 }]],
    ['DOB Jun 1990; POB X', [{ yearFrom: 1990, yearTo: 1990, month: 6 }]],
    ['DOB 1969', [{ yearFrom: 1969, yearTo: 1969 }]],
    ['DOB circa 1975', [{ yearFrom: 1975, yearTo: 1975 }]],
    ['DOB 1960 to 1962', [{ yearFrom: 1960, yearTo: 1962 }]],
    [
      'DOB 14 Mar 1968; alt. DOB 1969;',
      [
        { yearFrom: 1968, yearTo: 1968, month: 3, day: 14 },
        { yearFrom: 1969, yearTo: 1969 },
      ],
    ],
    ['POB Testgrad', []],
    [undefined, []],
  ])('remarks %j → dates of birth %j', (remarks, dates) => {
    expect(datesOfBirthIn(remarks)).toEqual(dates);
  });

  it('reads nationality and citizenship from the remarks', () => {
    expect(nationalitiesIn('DOB 1970; nationality Russia; citizen Syria; Gender Male')).toEqual(['RU', 'SY']);
    expect(nationalitiesIn('nationality Atlantis')).toEqual([]);
  });
});
