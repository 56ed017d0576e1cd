import { assertNever } from '../assert-never';
import { DomainError } from '../domain-error';
import type { TaxFormSnapshot, TaxFormType } from './contract';
import type { TinType } from './tin';

/**
 * Tax forms (W-9, W-8BEN, W-8BEN-E): which form fits which recipient, when a form stops being
 * valid, and the snapshot the holds read. Pure: the time is passed in as an ISO date.
 */

export class TaxFormError extends DomainError {
  constructor(code: string, message: string, param?: string) {
    super(code, 'terminal', message, param === undefined ? undefined : { param });
    this.name = 'TaxFormError';
  }
}

/**
 * W-8 forms stay valid until the last day of the third calendar year after the year of signing.
 * IRS, Instructions for Form W-8BEN (Rev. October 2021), "Expiration of Form W-8BEN": "a Form W-8BEN
 * provided without a U.S. TIN will remain in effect until the last day of the third succeeding
 * calendar year"; the same rule in the Instructions for Form W-8BEN-E. Signed 30 Sep 2024 → valid
 * through 31 Dec 2027. (A change in circumstances ends it sooner; that is the recipient's to report.)
 */
export const W8_VALIDITY_SUCCEEDING_CALENDAR_YEARS = 3;

/** Versions are zero-padded to this many digits in the sort key (`TAXFORM#000001`): the contract's layout. */
export const TAX_FORM_VERSION_DIGITS = 6;
export const TAX_FORM_VERSION_MAX = 10 ** TAX_FORM_VERSION_DIGITS - 1;

export const taxFormSortKey = (version: number): string =>
  `TAXFORM#${String(version).padStart(TAX_FORM_VERSION_DIGITS, '0')}`;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** The last day a form signed on `signedAt` (ISO date or timestamp) is valid, or undefined: it does not expire. */
export function taxFormExpiresOn(formType: TaxFormType, signedAt: string): string | undefined {
  switch (formType) {
    case 'W-9':
      // A W-9 has no expiry; a change of name or TIN calls for a new one (IRS Instructions for the Requester of W-9).
      return undefined;
    case 'W-8BEN':
    case 'W-8BEN-E':
      return `${yearOf(signedAt) + W8_VALIDITY_SUCCEEDING_CALENDAR_YEARS}-12-31`;
    default:
      return assertNever(formType, 'tax form type');
  }
}

function yearOf(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (match === null) throw new TaxFormError('signed_at_invalid', 'signed_at is an ISO 8601 date', 'signed_at');
  return Number(match[1]);
}

/** A form is valid through its `expiresOn` day inclusive; `today` is an ISO date (YYYY-MM-DD) in UTC. */
export const isExpired = (expiresOn: string | undefined, today: string): boolean =>
  expiresOn !== undefined && today.slice(0, 10) > expiresOn;

/** What a capture asks to store, already parsed (http/tax-form-request.ts). */
export type TaxFormCapture =
  | { formType: 'W-9'; tinType: TinType; tin: string; signer: string; signedAt: string }
  | {
      formType: 'W-8BEN' | 'W-8BEN-E';
      /** Country of citizenship (W-8BEN) or of organization (W-8BEN-E), ISO 3166-1 alpha-2. */
      country: string;
      treatyClaim?: { country: string; article: string; rateBasisPoints: number };
      foreignTin?: string;
      signer: string;
      signedAt: string;
    };

/** What the form is being captured for: the recipient's country and kind, and today's date. */
export interface TaxFormContext {
  recipientCountry: string;
  recipientKind: 'individual' | 'business';
  today: string;
}

/**
 * Refuses a form that does not fit its recipient, in this order: a W-9 for a non-US recipient, a W-8
 * for a US recipient, the W-8 variant for the wrong kind, a signature in the future, an expired W-8.
 * The recipient's country stands for US-person status here: a US person abroad files a W-9 and must be
 * recorded with country US (docs/compliance.md).
 */
export function checkTaxFormFits(capture: TaxFormCapture, context: TaxFormContext): void {
  const isUs = context.recipientCountry === 'US';
  if (capture.formType === 'W-9' && !isUs)
    throw new TaxFormError(
      'w9_for_foreign_recipient',
      'a W-9 is for US persons; this recipient is not US',
      'form_type',
    );
  if (capture.formType !== 'W-9' && isUs)
    throw new TaxFormError('w8_for_us_person', `a ${capture.formType} is for foreign persons; use a W-9`, 'form_type');
  if (capture.formType === 'W-8BEN' && context.recipientKind !== 'individual')
    throw new TaxFormError('w8_form_kind_mismatch', 'a W-8BEN is for individuals; use a W-8BEN-E', 'form_type');
  if (capture.formType === 'W-8BEN-E' && context.recipientKind !== 'business')
    throw new TaxFormError('w8_form_kind_mismatch', 'a W-8BEN-E is for entities; use a W-8BEN', 'form_type');
  if (capture.signedAt.slice(0, 10) > context.today.slice(0, 10))
    throw new TaxFormError('signed_at_in_future', 'signed_at is after today', 'signed_at');
  if (isExpired(taxFormExpiresOn(capture.formType, capture.signedAt), context.today))
    throw new TaxFormError('tax_form_expired', `this ${capture.formType} has already expired`, 'signed_at');
}

/** The newest form as the holds see it. `required`: the corridor policy asks for a form. */
export function taxFormSnapshot(
  newest: { formType: TaxFormType; version: number; expiresOn?: string } | undefined,
  required: boolean,
  today: string,
): TaxFormSnapshot {
  if (newest === undefined) return { state: required ? 'missing' : 'not_required' };
  const base = {
    formType: newest.formType,
    version: newest.version,
    ...(newest.expiresOn === undefined ? {} : { expiresOn: newest.expiresOn }),
  };
  if (isExpired(newest.expiresOn, today)) return { state: required ? 'expired' : 'not_required', ...base };
  return { state: 'valid', ...base };
}
