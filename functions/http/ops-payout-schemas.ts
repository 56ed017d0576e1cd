import * as z from 'zod';
import { TENANT_ID_PATTERN } from './claims';
import { idempotencyKeyQuery, payoutViewSchema, providerReferenceQuery, timelineEntrySchema } from './schemas';

/**
 * The operator lookup routes (GET /ops/payouts, GET /ops/payouts/{payoutId}/events, scope ops:read).
 * They read across tenants, so every answer names the payout's tenant. Messages are error codes,
 * like schemas.ts; the "exactly one lookup key" rule is checked by the handler, which can name the
 * parameters involved.
 */
export const PAYOUT_ID_CHARS_MAX = 64;

export const opsPayoutsQuerySchema = z
  .object({
    // Only the length is checked here: a value outside the id shape names no payout, so it is
    // answered like an unknown one (`data: []`) without a read (shared/ids.ts).
    payout_id: z
      .string({ error: 'payout_id_invalid' })
      .min(1, { error: 'payout_id_invalid' })
      .max(PAYOUT_ID_CHARS_MAX, { error: 'payout_id_invalid' })
      .optional()
      .describe('po_…: the payout with this id'),
    idempotency_key: idempotencyKeyQuery().optional().describe('Keys are per tenant: requires tenant_id'),
    // The tenant claim's shape: a value outside it cannot name a tenant.
    tenant_id: z
      .string({ error: 'tenant_id_invalid' })
      .regex(TENANT_ID_PATTERN, { error: 'tenant_id_invalid' })
      .optional()
      .describe('The tenant whose idempotency_key is looked up (only with idempotency_key)'),
    provider_reference: providerReferenceQuery().optional().describe("The provider's reference (e.g. sbx_po_…)"),
  })
  .strict();

export type OpsPayoutsQuery = z.infer<typeof opsPayoutsQuerySchema>;

export const opsPayoutViewSchema = payoutViewSchema.extend({
  tenant_id: z.string().describe('The tenant that owns the payout'),
});
export const opsPayoutListSchema = z.object({
  data: z.array(opsPayoutViewSchema).describe('Zero or one payout (a provider reference may name one per provider)'),
  next_cursor: z.null(),
});
export const opsTimelineSchema = z.object({
  payout_id: z.string(),
  tenant_id: z.string(),
  data: z.array(timelineEntrySchema),
});
