import { assertNever } from './assert-never';
import { DomainError } from './domain-error';

/**
 * Bank account fields a corridor can require, each with its own check and its own named error, so
 * a caller learns which field to fix (`destination.iban`) and why, not just "invalid destination".
 */
export const RECIPIENT_FIELDS = [
  'iban',
  'account_number',
  'routing_number',
  'sort_code',
  'ifsc',
  'stripe_account',
  'email',
] as const;
/** A Stripe connected account id (Stripe corridors pay from it to its own external account: docs/providers/stripe.md). */
const STRIPE_ACCOUNT_PATTERN = /^acct_[A-Za-z0-9]{1,64}$/;
/**
 * A PayPal receiver's email (PayPal corridors pay the PayPal account it names: docs/providers/paypal.md).
 * PayPal's `receiver` takes up to 127 characters (payments_payouts_batch_v1.json, payout_item.receiver).
 */
const PAYPAL_RECEIVER_CHARS_MAX = 127;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export type RecipientField = (typeof RECIPIENT_FIELDS)[number];

export class RecipientFieldError extends DomainError {
  readonly field: RecipientField;
  constructor(field: RecipientField, code: string, message: string) {
    super(code, 'terminal', message, { param: `destination.${field}` });
    this.name = 'RecipientFieldError';
    this.field = field;
  }
}

/** IBAN length per country (SWIFT IBAN registry); a country not listed has no IBAN. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 13616 mod-97: move the first four characters to the end, letters → 10..35, remainder must be 1. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** ABA routing number: nine digits, 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
export function abaChecksumValid(routingNumber: string): boolean {
  if (!/^\d{9}$/.test(routingNumber) || routingNumber === '000000000') return false;
  const d = [...routingNumber].map(Number) as number[];
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

/**
 * Checks one field for a destination in `country` and returns its canonical form (IBANs are
 * accepted with spaces and in lower case, as people copy them, and stored compact upper-case).
 */
export function validateRecipientField(field: RecipientField, rawValue: string, country: string): string {
  switch (field) {
    case 'iban': {
      const iban = rawValue.replace(/ /g, '').toUpperCase();
      if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban))
        throw new RecipientFieldError(
          field,
          'iban_invalid',
          'iban must be two letters, two check digits and the account identifier',
        );
      const expectedLength = IBAN_LENGTHS[iban.slice(0, 2)];
      if (expectedLength === undefined)
        throw new RecipientFieldError(field, 'iban_invalid', `iban country ${iban.slice(0, 2)} does not use IBANs`);
      if (iban.slice(0, 2) !== country)
        throw new RecipientFieldError(
          field,
          'iban_country_mismatch',
          `iban is from ${iban.slice(0, 2)} but the destination country is ${country}`,
        );
      if (iban.length !== expectedLength)
        throw new RecipientFieldError(
          field,
          'iban_invalid',
          `a ${country} iban has ${expectedLength} characters, got ${iban.length}`,
        );
      if (!ibanChecksumValid(iban))
        throw new RecipientFieldError(field, 'iban_invalid', 'iban check digits do not match (mod-97)');
      return iban;
    }
    case 'routing_number':
      if (!abaChecksumValid(rawValue))
        throw new RecipientFieldError(
          field,
          'routing_number_invalid',
          'routing_number must be a nine-digit ABA number with a valid checksum',
        );
      return rawValue;
    case 'sort_code':
      if (!/^\d{6}$/.test(rawValue))
        throw new RecipientFieldError(field, 'sort_code_invalid', 'sort_code must be six digits, without dashes');
      return rawValue;
    case 'account_number':
      return validateAccountNumber(rawValue, country);
    case 'ifsc':
      if (!/^[A-Z]{4}0[A-Z0-9]{6}$/.test(rawValue))
        throw new RecipientFieldError(
          field,
          'ifsc_invalid',
          'ifsc must be four letters, a zero and six letters or digits',
        );
      return rawValue;
    case 'stripe_account':
      if (!STRIPE_ACCOUNT_PATTERN.test(rawValue))
        throw new RecipientFieldError(
          field,
          'stripe_account_invalid',
          'stripe_account must be a Stripe account id (acct_…)',
        );
      return rawValue;
    case 'email':
      return validateReceiverEmail(rawValue);
    default:
      return assertNever(field, 'recipient field');
  }
}

function validateReceiverEmail(rawValue: string): string {
  if (rawValue.length > PAYPAL_RECEIVER_CHARS_MAX || !EMAIL_PATTERN.test(rawValue))
    throw new RecipientFieldError(
      'email',
      'email_invalid',
      `email must be one address (local@domain) of at most ${PAYPAL_RECEIVER_CHARS_MAX} characters`,
    );
  return rawValue;
}

/** Account number formats differ per country; GB's is exactly eight digits, the US's 4 to 17. */
const ACCOUNT_NUMBER_PATTERNS: Readonly<Record<string, { pattern: RegExp; description: string }>> = {
  GB: { pattern: /^\d{8}$/, description: 'eight digits' },
  US: { pattern: /^\d{4,17}$/, description: '4 to 17 digits' },
  IN: { pattern: /^\d{9,18}$/, description: '9 to 18 digits' },
};
const ACCOUNT_NUMBER_DEFAULT = { pattern: /^[A-Z0-9]{4,34}$/, description: '4 to 34 letters or digits' };

function validateAccountNumber(value: string, country: string): string {
  const rule = ACCOUNT_NUMBER_PATTERNS[country] ?? ACCOUNT_NUMBER_DEFAULT;
  if (!rule.pattern.test(value))
    throw new RecipientFieldError(
      'account_number',
      'account_number_invalid',
      `a ${country} account_number is ${rule.description}`,
    );
  return value;
}
