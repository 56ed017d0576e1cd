import * as z from 'zod';
import { TENANT_ID_PATTERN } from './claims';
import { PAYOUT_ID_PATTERN } from '../shared/ids';
import { balancesQuerySchema } from './schemas';

/**
 * Path and query parameters shared by a handler and GET /openapi.json, so the document's pattern
 * is the one the handler tests.
 */

/** Payout ids are `po_` + a ULID (shared/ids.ts); anything else cannot exist, so it is a 404 without a read. */
export { PAYOUT_ID_PATTERN } from '../shared/ids';

export const payoutIdParameterSchema = z
  .string()
  .regex(PAYOUT_ID_PATTERN)
  .describe('po_ + a ULID; any other value answers 404 (it cannot name a payout)');

/** GET /ledger/balances: one currency, optionally one tenant (the tenant claim's shape). */
export const ledgerBalancesQuerySchema = balancesQuerySchema.extend({
  tenant_id: z
    .string()
    .regex(TENANT_ID_PATTERN, { error: 'tenant_id_invalid' })
    .optional()
    .describe('Only this tenant’s accounts'),
});
