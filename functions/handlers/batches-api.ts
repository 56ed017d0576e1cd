import { approvalPolicies } from '../adapters/approval-policy-config';
import { AuditTrail } from '../adapters/audit-trail';
import { dynamoDocumentClient, requiredEnv, sqsClient } from '../adapters/aws-clients';
import { fanOutEnqueuer } from '../adapters/batch-queue';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { BatchesRepository } from '../adapters/batches-repository';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { batchesApi, type BatchesApiDeps } from '../app/batches/batches-api';
import { httpHandler } from '../http/http-handler';
import { positiveIntegerEnv } from '../shared/env';
import { newBatchId } from '../shared/ids';
import { batchItemsSourceForApi } from '../wiring/batch-uploads';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../shared/names';

// POST /batches, GET /batches, /batches/{batchId}, /batches/{batchId}/items, POST …/approve, …/retry
// (app/batches/batches-api.ts). Accepting writes the items and queues the fan-out; the payouts are
// created by process-batch.

const client = dynamoDocumentClient();
const store = new BatchesRepository(client, requiredEnv(ENV.payoutsTable));
const audit = new AuditTrail(client, requiredEnv(ENV.auditTable));
const operationsTable = requiredEnv(ENV.operationsTable);
const deps: BatchesApiDeps = {
  store,
  // POST /batches { upload_id }: the uploaded CSV/JSONL file, read a row at a time (docs/batch-uploads.md).
  itemsSource: batchItemsSourceForApi(),
  enqueueFanOut: fanOutEnqueuer(sqsClient(), requiredEnv(ENV.batchQueueUrl)),
  approvalPolicies: approvalPolicies(),
  // The same limit as POST /payouts: an item is a payout.
  amountMaxMinor: positiveIntegerEnv(ENV.payoutAmountMaxMinor, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT),
  nowIso: () => new Date().toISOString(),
  newBatchId,
  audit,
  // The batch's group exceptions: the retry moves items out of them, GET /batches/{id} summarises them.
  groups: new BatchExceptionGroups(
    client,
    operationsTable,
    new ExceptionsRepository(client, operationsTable, { audit }),
  ),
};

// Every POST is safe to repeat: the same sender_batch_id and content replays, approve and retry are conditional.
export const handler = httpHandler((event, requestId, context) => batchesApi(deps, event, requestId, context), {
  writes: 'idempotent_create',
});
