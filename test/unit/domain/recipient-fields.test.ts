import { describe, expect, it } from 'vitest';
import {
  abaChecksumValid,
  ibanChecksumValid,
  validateRecipientField,
} from '../../../functions/domain/recipient-fields';
import { maskDestination, maskValue } from '../../../functions/domain/recipient';

// Published example IBANs (ECBS / national bank examples) and ABA numbers of real Federal Reserve banks.
const VALID_IBANS = [
  ['DE', 'DE89370400440532013000'],
  ['GB', 'GB29NWBK60161331926819'],
  ['FR', 'FR1420041010050500013M02606'],
  ['NL', 'NL91ABNA0417164300'],
  ['ES', 'ES9121000418450200051332'],
  ['IT', 'IT60X0542811101000000123456'],
  ['BE', 'BE68539007547034'],
  ['NO', 'NO9386011117947'],
] as const;

describe('IBAN', () => {
  it.each(VALID_IBANS)('%s %s passes length and mod-97', (country, iban) => {
    expect(ibanChecksumValid(iban)).toBe(true);
    expect(validateRecipientField('iban', iban, country)).toBe(iban);
  });

  it('accepts spaces and lower case, stores compact upper case', () => {
    expect(validateRecipientField('iban', 'de89 3704 0044 0532 0130 00', 'DE')).toBe('DE89370400440532013000');
  });

  it.each([
    ['DE88370400440532013000', 'iban_invalid', 'check digits'],
    ['DE8937040044053201300', 'iban_invalid', 'length'],
    ['XX89370400440532013000', 'iban_invalid', 'country without IBAN'],
    ['FR1420041010050500013M02606', 'iban_country_mismatch', 'country mismatch'],
    ['DE89-3704', 'iban_invalid', 'characters'],
  ])('%s → %s (%s)', (iban, code) => {
    expect(() => validateRecipientField('iban', iban, 'DE')).toThrow(
      expect.objectContaining({ code, param: 'destination.iban' }),
    );
  });
});

describe('ABA routing number (3-7-1 checksum)', () => {
  it.each(['011000015', '021000021', '111000025', '026009593', '121000358'])('%s is valid', (routing) => {
    expect(abaChecksumValid(routing)).toBe(true);
  });
  it.each(['011000016', '12345678', '1234567890', '000000000', '02100002a'])('%s is invalid', (routing) => {
    expect(abaChecksumValid(routing)).toBe(false);
    expect(() => validateRecipientField('routing_number', routing, 'US')).toThrow(
      expect.objectContaining({ code: 'routing_number_invalid' }),
    );
  });
});

describe('GB and account numbers', () => {
  it.each([
    ['sort_code', '601613', 'GB', true],
    ['sort_code', '60-16-13', 'GB', false],
    ['sort_code', '60161', 'GB', false],
    ['account_number', '31926819', 'GB', true],
    ['account_number', '3192681', 'GB', false],
    ['account_number', '000123456789', 'US', true],
    ['account_number', '123', 'US', false],
  ] as const)('%s %s in %s valid=%s', (field, value, country, valid) => {
    const check = () => validateRecipientField(field, value, country);
    if (valid) expect(check()).toBe(value);
    else expect(check).toThrow(expect.objectContaining({ code: `${field}_invalid` }));
  });
});

describe('masking', () => {
  it('keeps the last four characters only', () => {
    expect(maskValue('DE89370400440532013000')).toBe('••••••••••••••••••3000');
    expect(maskValue('1234')).toBe('••••');
    expect(
      maskDestination({
        country: 'US',
        method: 'ach',
        fields: { account_number: '000123456789', routing_number: '011000015' },
      }).fields,
    ).toEqual({
      account_number: '••••••••6789',
      routing_number: '011000015',
    });
  });
});
