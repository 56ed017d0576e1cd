import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import type { TaxFormCapture } from '../domain/compliance/tax-forms';
import { TIN_TYPES } from '../domain/compliance/tin';
import { textField } from '../domain/text';
import { parseJsonBody } from './body';
import { OPS_BODY_BYTES_MAX } from './http-limits';
import { requestErrorOf } from './request-errors';

/**
 * POST /recipients/{recipientId}/tax-forms: a W-9 (US person: TIN type and number) or a W-8BEN /
 * W-8BEN-E (foreign: country, optional treaty claim and foreign TIN), each signed by `signer` at
 * `signed_at`. The shape is checked here; the TIN's rules (tin.ts) and whether the form fits the
 * recipient (tax-forms.ts checkTaxFormFits) are the domain's, checked before anything is written.
 */
export const SIGNER_CHARS_MAX = 140;
/** As written on the form, dashes and spaces included; tin.ts reduces it to nine digits. */
export const TIN_CHARS_MAX = 20;
export const FOREIGN_TIN_CHARS_MAX = 40;
export const TREATY_ARTICLE_CHARS_MAX = 40;
/** A withholding rate in basis points: 0 (exempt) to 3000 (the statutory 30%). */
export const TREATY_RATE_BASIS_POINTS_MAX = 3_000;

const signed = {
  signer: textField({
    error: 'signer_invalid',
    trim: true,
    charsMin: 1,
    charsMax: SIGNER_CHARS_MAX,
    requireVisible: true,
  }),
  signed_at: z.iso.datetime({ error: 'signed_at_invalid' }).describe('When the signer signed (ISO 8601, UTC)'),
};

const w9Schema = z
  .object({
    form_type: z.literal('W-9'),
    tin_type: z.enum(TIN_TYPES, { error: 'tin_type_invalid' }),
    tin: z
      .string({ error: 'tin_invalid' })
      .min(1, { error: 'tin_invalid' })
      .max(TIN_CHARS_MAX, { error: 'tin_invalid' }),
    ...signed,
  })
  .strict();

const w8Schema = z
  .object({
    form_type: z.enum(['W-8BEN', 'W-8BEN-E']),
    country: z
      .string({ error: 'country_invalid' })
      .regex(/^[A-Z]{2}$/, { error: 'country_invalid' })
      .describe('Country of citizenship (W-8BEN) or of organization (W-8BEN-E), ISO 3166-1 alpha-2'),
    treaty_claim: z
      .object({
        country: z.string({ error: 'treaty_claim_invalid' }).regex(/^[A-Z]{2}$/, { error: 'treaty_claim_invalid' }),
        article: textField({
          error: 'treaty_claim_invalid',
          trim: true,
          charsMin: 1,
          charsMax: TREATY_ARTICLE_CHARS_MAX,
        }),
        rate_basis_points: z
          .number({ error: 'treaty_claim_invalid' })
          .int({ error: 'treaty_claim_invalid' })
          .min(0, { error: 'treaty_claim_invalid' })
          .max(TREATY_RATE_BASIS_POINTS_MAX, { error: 'treaty_claim_invalid' }),
      })
      .strict()
      .optional(),
    foreign_tin: z
      .string({ error: 'foreign_tin_invalid' })
      .regex(/^[A-Za-z0-9 -]+$/, { error: 'foreign_tin_invalid' })
      .max(FOREIGN_TIN_CHARS_MAX, { error: 'foreign_tin_invalid' })
      .optional(),
    ...signed,
  })
  .strict();

export const taxFormBodySchema = z.discriminatedUnion('form_type', [w9Schema, w8Schema], {
  error: 'form_type_invalid',
});
export type TaxFormBody = z.infer<typeof taxFormBodySchema>;

export function parseTaxFormBody(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>,
): TaxFormCapture {
  const raw = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX });
  const result = taxFormBodySchema.safeParse(raw);
  if (!result.success) throw requestErrorOf(result.error.issues, raw, { kind: 'body' });
  const body = result.data;
  if (body.form_type === 'W-9')
    return { formType: 'W-9', tinType: body.tin_type, tin: body.tin, signer: body.signer, signedAt: body.signed_at };
  const claim = body.treaty_claim;
  return {
    formType: body.form_type,
    country: body.country,
    ...(claim === undefined
      ? {}
      : { treatyClaim: { country: claim.country, article: claim.article, rateBasisPoints: claim.rate_basis_points } }),
    ...(body.foreign_tin === undefined ? {} : { foreignTin: body.foreign_tin }),
    signer: body.signer,
    signedAt: body.signed_at,
  };
}
