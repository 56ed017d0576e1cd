import * as z from 'zod';
import { senderBatchIdSchema } from './batch-request';
import { batchItemPageSchema, batchViewSchema } from './batch-view';
import { TENANT_ID_PATTERN } from './claims';

/** The operator's batch reads (GET /ops/batches…): the tenant views, each naming the batch's tenant. */
const tenantIdOfBatch = z.string().describe('The tenant that owns the batch');

export const opsBatchViewSchema = batchViewSchema.extend({ tenant_id: tenantIdOfBatch });
export const opsBatchListSchema = z.object({ data: z.array(opsBatchViewSchema) });
export const opsBatchItemPageSchema = batchItemPageSchema.extend({ tenant_id: tenantIdOfBatch });

/** A sender_batch_id is unique per tenant only, so the operator names the tenant too. */
export const opsFindBatchesQuerySchema = z
  .object({
    tenant_id: z
      .string({ error: 'tenant_id_invalid' })
      .regex(TENANT_ID_PATTERN, { error: 'tenant_id_invalid' })
      .describe('The tenant whose sender_batch_id this is'),
    sender_batch_id: senderBatchIdSchema,
  })
  .strict();
