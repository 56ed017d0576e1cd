import { describe, expect, it } from 'vitest';
import {
  checkTaxFormFits,
  taxFormExpiresOn,
  taxFormSnapshot,
  taxFormSortKey,
  type TaxFormCapture,
  type TaxFormContext,
} from '../../../../functions/domain/compliance/tax-forms';

const w9: TaxFormCapture = {
  formType: 'W-9',
  tinType: 'SSN',
  tin: '123456789',
  signer: 'Ada',
  signedAt: '2026-01-05',
};
const w8ben = (signedAt: string): TaxFormCapture => ({ formType: 'W-8BEN', country: 'DE', signer: 'Ada', signedAt });
const w8bene: TaxFormCapture = { formType: 'W-8BEN-E', country: 'DE', signer: 'Ada', signedAt: '2026-01-05' };
const us: TaxFormContext = { recipientCountry: 'US', recipientKind: 'individual', today: '2026-12-02' };
const de: TaxFormContext = { recipientCountry: 'DE', recipientKind: 'individual', today: '2026-12-02' };
const deBusiness: TaxFormContext = { ...de, recipientKind: 'business' };

describe('taxFormExpiresOn (IRS Instructions for Form W-8BEN, "Expiration of Form W-8BEN")', () => {
  it.each([
    ['W-8BEN', '2024-09-30', '2027-12-31'],
    ['W-8BEN', '2024-01-01', '2027-12-31'],
    ['W-8BEN', '2024-12-31T23:59:59Z', '2027-12-31'],
    ['W-8BEN-E', '2026-12-02', '2029-12-31'],
    ['W-9', '2001-01-01', undefined],
  ] as const)('%s signed %s is valid through %s', (formType, signedAt, expiresOn) => {
    expect(taxFormExpiresOn(formType, signedAt)).toBe(expiresOn);
  });
});

describe('checkTaxFormFits', () => {
  it.each([
    ['a W-9 for a non-US recipient', w9, de, 'w9_for_foreign_recipient'],
    ['a W-8BEN for a US person', w8ben('2026-01-05'), us, 'w8_for_us_person'],
    ['a W-8BEN for a business', w8ben('2026-01-05'), deBusiness, 'w8_form_kind_mismatch'],
    ['a W-8BEN-E for an individual', w8bene, de, 'w8_form_kind_mismatch'],
    ['a form signed tomorrow', w8ben('2026-12-03'), de, 'signed_at_in_future'],
    ['a W-8BEN signed in 2022 (valid through 2025-12-31)', w8ben('2022-06-01'), de, 'tax_form_expired'],
  ] as const)('refuses %s', (_name, capture, context, code) => {
    expect(() => checkTaxFormFits(capture, context)).toThrow(expect.objectContaining({ code, category: 'terminal' }));
  });

  it.each([
    ['a W-9 for a US recipient', w9, us],
    ['a W-8BEN signed in 2023, on its last valid year', w8ben('2023-01-01'), de],
    ['a W-8BEN-E for a business', w8bene, deBusiness],
  ] as const)('accepts %s', (_name, capture, context) => {
    expect(() => checkTaxFormFits(capture, context)).not.toThrow();
  });

  it('a W-8BEN signed in 2023 is valid on 2026-12-31 and expired on 2027-01-01', () => {
    expect(() => checkTaxFormFits(w8ben('2023-05-05'), { ...de, today: '2026-12-31' })).not.toThrow();
    expect(() => checkTaxFormFits(w8ben('2023-05-05'), { ...de, today: '2027-01-01' })).toThrow(/expired/);
  });
});

describe('taxFormSnapshot', () => {
  const form = { formType: 'W-8BEN' as const, version: 2, expiresOn: '2026-12-31' };
  it.each([
    [undefined, true, '2026-06-01', { state: 'missing' }],
    [undefined, false, '2026-06-01', { state: 'not_required' }],
    [form, true, '2026-12-31', { state: 'valid', formType: 'W-8BEN', version: 2, expiresOn: '2026-12-31' }],
    [form, true, '2027-01-01', { state: 'expired', formType: 'W-8BEN', version: 2, expiresOn: '2026-12-31' }],
    [form, false, '2027-01-01', { state: 'not_required', formType: 'W-8BEN', version: 2, expiresOn: '2026-12-31' }],
  ] as const)('%j required=%s on %s → %j', (newest, required, today, expected) => {
    expect(taxFormSnapshot(newest, required, today)).toEqual(expected);
  });

  it('sort keys are zero-padded so versions sort as numbers', () => {
    expect(taxFormSortKey(1)).toBe('TAXFORM#000001');
    expect(taxFormSortKey(12) > taxFormSortKey(9)).toBe(true);
  });
});
