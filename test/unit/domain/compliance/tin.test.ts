import { describe, expect, it } from 'vitest';
import {
  EIN_UNASSIGNED_PREFIXES,
  normalizeTin,
  TinError,
  type TinType,
} from '../../../../functions/domain/compliance/tin';

// Every rule of tin.ts, each with a number that breaks only it, in the order the rules are checked.
const REFUSED: readonly [TinType, string, string][] = [
  ['SSN', '123-45-678a', 'tin_not_numeric'],
  ['SSN', '12345678', 'tin_wrong_length'],
  ['EIN', '12-34567890', 'tin_wrong_length'],
  ['ITIN', '000-00-0000', 'tin_all_zeros'],
  ['EIN', '000000000', 'tin_all_zeros'],
  ['SSN', '000-12-3456', 'ssn_area_invalid'],
  ['SSN', '666-12-3456', 'ssn_area_invalid'],
  ['SSN', '900-12-3456', 'ssn_area_invalid'],
  ['SSN', '999-12-3456', 'ssn_area_invalid'],
  ['SSN', '123-00-4567', 'ssn_group_invalid'],
  ['SSN', '123-45-0000', 'ssn_serial_invalid'],
  ['ITIN', '812-70-1234', 'itin_prefix_invalid'],
  ['ITIN', '912-49-1234', 'itin_middle_invalid'],
  ['ITIN', '912-66-1234', 'itin_middle_invalid'],
  ['ITIN', '912-89-1234', 'itin_middle_invalid'],
  ['ITIN', '912-93-1234', 'itin_middle_invalid'],
  ['ITIN', '912-00-1234', 'itin_middle_invalid'],
  ['EIN', '07-1234567', 'ein_prefix_invalid'],
  ['EIN', '89-1234567', 'ein_prefix_invalid'],
  ['EIN', '96-1234567', 'ein_prefix_invalid'],
];

const ACCEPTED: readonly [TinType, string, string][] = [
  ['SSN', '123-45-6789', '123456789'],
  ['SSN', '665 99 0001', '665990001'],
  ['SSN', '899-01-0001', '899010001'],
  ['ITIN', '912-50-1234', '912501234'],
  ['ITIN', '912-65-1234', '912651234'],
  ['ITIN', '900-70-0000', '900700000'],
  ['ITIN', '912-88-1234', '912881234'],
  ['ITIN', '912-92-1234', '912921234'],
  ['ITIN', '912-94-1234', '912941234'],
  ['ITIN', '912-99-1234', '912991234'],
  ['EIN', '12-3456789', '123456789'],
  ['EIN', '01-0000001', '010000001'],
  ['EIN', '98-7654321', '987654321'],
];

describe('normalizeTin', () => {
  it.each(REFUSED)('%s %s is refused with %s', (type, raw, code) => {
    let caught: unknown;
    try {
      normalizeTin(type, raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TinError);
    expect(caught).toMatchObject({ code, category: 'terminal', param: 'tin' });
  });

  it.each(ACCEPTED)('%s %s is accepted as %s', (type, raw, digits) => {
    expect(normalizeTin(type, raw)).toBe(digits);
  });

  it('refuses every never-assigned EIN prefix and accepts the prefixes either side of a gap', () => {
    for (const prefix of EIN_UNASSIGNED_PREFIXES)
      expect(() => normalizeTin('EIN', `${prefix}1234567`)).toThrow(/never assigned/);
    for (const prefix of [
      '06',
      '10',
      '16',
      '20',
      '27',
      '30',
      '48',
      '50',
      '68',
      '71',
      '77',
      '80',
      '88',
      '90',
      '95',
      '98',
    ])
      expect(normalizeTin('EIN', `${prefix}1234567`)).toBe(`${prefix}1234567`);
  });
});
