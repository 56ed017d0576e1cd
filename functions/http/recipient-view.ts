import * as z from 'zod';
import {
  ONBOARDING_STATES,
  RECIPIENT_KINDS,
  REQUIREMENT_CODES,
  SCREENING_STATES,
  TAX_FORM_STATES,
  TAX_FORM_TYPES,
  type RecipientCompliance,
} from '../domain/compliance/contract';
import type { Recipient, RecipientDestination } from '../domain/compliance/recipient-record';

/** A stored recipient as every view reads it: its destinations masked (adapters/recipients/recipients-records.ts). */
export type StoredRecipient = Omit<Recipient, 'destinations'> & { maskedDestinations: RecipientDestination[] };

/**
 * What the tenant's routes answer about a recipient: account numbers masked (last four), bank codes
 * readable, no tax id but its last four. The compliance view (ops-recipient-view.ts) is the only other.
 */
export const recipientDestinationViewSchema = z.object({
  currency: z.string(),
  country: z.string(),
  method: z.string(),
  fields: z.record(z.string(), z.string()).describe('Account fields; account numbers masked to their last four'),
});

export const recipientViewSchema = z.object({
  recipient_id: z.string(),
  kind: z.enum(RECIPIENT_KINDS),
  name: z.string(),
  country: z.string(),
  contact: z.object({ email: z.string().optional(), phone: z.string().optional() }),
  date_of_birth: z.string().optional(),
  registration_number: z.string().optional(),
  address: z
    .object({ line1: z.string(), city: z.string(), postal_code: z.string().optional(), country: z.string() })
    .optional(),
  destinations: z.array(recipientDestinationViewSchema),
  onboarding: z.object({
    state: z.enum(ONBOARDING_STATES),
    requirements: z
      .array(z.enum(REQUIREMENT_CODES))
      .describe('What is missing before funds move, per the corridor policy of the destinations'),
  }),
  tax_form: z.object({
    state: z.enum(TAX_FORM_STATES),
    form_type: z.enum(TAX_FORM_TYPES).optional(),
    version: z.number().int().optional(),
    expires_on: z.string().optional(),
    tin_last4: z.string().optional(),
  }),
  screening: z.object({ state: z.enum(SCREENING_STATES) }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RecipientView = z.infer<typeof recipientViewSchema>;

export const recipientListSchema = z.object({
  data: z.array(recipientViewSchema),
  next_cursor: z.string().nullable(),
});

/**
 * The view of a stored recipient. Onboarding and the tax form come from the compliance snapshot
 * (computed at read time, so a W-8 that expired overnight reads `expired`); the screening state only,
 * never a score or a list entry (those are compliance's).
 */
export function recipientView(item: StoredRecipient, compliance: RecipientCompliance): RecipientView {
  const { taxForm } = compliance;
  return {
    recipient_id: item.recipientId,
    kind: item.kind,
    name: item.name,
    country: item.country,
    contact: { ...item.contact },
    ...(item.dateOfBirth === undefined ? {} : { date_of_birth: item.dateOfBirth }),
    ...(item.registrationNumber === undefined ? {} : { registration_number: item.registrationNumber }),
    ...(item.address === undefined ? {} : { address: addressView(item.address) }),
    destinations: item.maskedDestinations.map((d) => ({
      currency: d.currency,
      country: d.country,
      method: d.method,
      fields: { ...d.fields },
    })),
    onboarding: { state: compliance.onboarding.state, requirements: [...compliance.onboarding.requirements] },
    tax_form: {
      state: taxForm.state,
      ...(taxForm.formType === undefined ? {} : { form_type: taxForm.formType }),
      ...(taxForm.version === undefined ? {} : { version: taxForm.version }),
      ...(taxForm.expiresOn === undefined ? {} : { expires_on: taxForm.expiresOn }),
      ...(item.latestTaxForm?.tinLast4 === undefined ? {} : { tin_last4: item.latestTaxForm.tinLast4 }),
    },
    screening: { state: compliance.screening.state },
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  };
}

function addressView(address: NonNullable<Recipient['address']>): NonNullable<RecipientView['address']> {
  return {
    line1: address.line1,
    city: address.city,
    ...(address.postalCode === undefined ? {} : { postal_code: address.postalCode }),
    country: address.country,
  };
}

/** A captured tax form as every view shows it: its TIN as the last four only. */
export const taxFormViewSchema = z.object({
  form_type: z.enum(TAX_FORM_TYPES),
  version: z.number().int(),
  signer: z.string(),
  signed_at: z.string(),
  captured_at: z.string(),
  expires_on: z.string().optional().describe('The last day it is valid (W-8: the third calendar year after signing)'),
  tin_type: z.string().optional(),
  tin_last4: z.string().optional(),
  country: z.string().optional(),
  treaty_claim: z.object({ country: z.string(), article: z.string(), rate_basis_points: z.number().int() }).optional(),
});
export type TaxFormView = z.infer<typeof taxFormViewSchema>;

/** The stored form's fields a view reads (adapters/recipients/recipients-records.ts TaxFormItem). */
export interface StoredTaxForm {
  formType: (typeof TAX_FORM_TYPES)[number];
  version: number;
  signer: string;
  signedAt: string;
  capturedAt: string;
  expiresOn?: string;
  tinType?: string;
  tinLast4?: string;
  country?: string;
  treatyClaim?: { country: string; article: string; rateBasisPoints: number };
}

export function taxFormView(form: StoredTaxForm): TaxFormView {
  const claim = form.treatyClaim;
  return {
    form_type: form.formType,
    version: form.version,
    signer: form.signer,
    signed_at: form.signedAt,
    captured_at: form.capturedAt,
    ...(form.expiresOn === undefined ? {} : { expires_on: form.expiresOn }),
    ...(form.tinType === undefined ? {} : { tin_type: form.tinType }),
    ...(form.tinLast4 === undefined ? {} : { tin_last4: form.tinLast4 }),
    ...(form.country === undefined ? {} : { country: form.country }),
    ...(claim === undefined
      ? {}
      : { treaty_claim: { country: claim.country, article: claim.article, rate_basis_points: claim.rateBasisPoints } }),
  };
}

export const taxFormCapturedSchema = z.object({ tax_form: taxFormViewSchema, recipient: recipientViewSchema });
