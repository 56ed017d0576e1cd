import * as z from 'zod';
import { READINESS_ACTIONS, type ReadinessAction } from '../domain/compliance/tax-readiness';
import { TENANT_ID_PATTERN } from './claims';
import { PRESIGNED_URL_EXPIRES_SECONDS } from './http-limits';

/**
 * GET /exports/tax-readiness (exports:read): the query and the answer, shared by the handler and the
 * OpenAPI document. Messages are error codes (schemas.ts); a missing tax_year is `parameter_invalid`
 * like a malformed one, so the caller has one code to look for.
 */
export const taxReadinessQuerySchema = z
  .object({
    tax_year: z
      .string({ error: 'parameter_invalid' })
      .regex(/^\d{4}$/, { error: 'parameter_invalid' })
      .describe(
        'The calendar year YYYY the payouts were recorded paid in (UTC). Required; a year ' +
          'config/tax-thresholds.json has no threshold for is 400 tax_year_not_configured, a year not started ' +
          '400 tax_year_not_started.',
      ),
    tenant_id: z
      .string()
      .regex(TENANT_ID_PATTERN, { error: 'tenant_id_invalid' })
      .optional()
      .describe('Only this tenant; absent, every tenant of the directory'),
  })
  .strict();

const count = z.number().int().min(0);

export const taxReadinessResponseSchema = z.object({
  tax_year: z.number().int(),
  tenant_id: z.string().nullable().describe('null: every tenant'),
  generated_at: z.iso.datetime(),
  thresholds_read_on: z.string().describe('When config/tax-thresholds.json was last checked against its sources'),
  file: z.object({ key: z.string(), url: z.url() }).describe('The CSV in the exports bucket, and a presigned GET URL'),
  expires_in_seconds: z.literal(PRESIGNED_URL_EXPIRES_SECONDS),
  rows: count.describe('Rows of the CSV: one per tenant, recipient and currency'),
  actions: z
    .object(
      Object.fromEntries(READINESS_ACTIONS.map((action) => [action, count])) as Record<ReadinessAction, typeof count>,
    )
    .describe('Rows per action'),
  payouts_read: count,
  payouts_without_recipient: count.describe(
    'Paid in the year but with no recipient record (batch items, payouts older than recipient records): not in the CSV',
  ),
});
