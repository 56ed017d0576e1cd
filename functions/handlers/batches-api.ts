import { approvalPolicies } from '../adapters/approval-policy-config';
import { AuditTrail } from '../adapters/audit-trail';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { BatchItemObjects } from '../adapters/batch-item-objects';
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
// (app/batches/batches-api.ts). Accepting stores the validated items as one object and queues the
// fan-out; process-batch writes the item records and creates the payouts.

const client = dynamoDocumentClient();
const store = new BatchesRepository(client, requiredEnv(ENV.payoutsTable));
const audit = new AuditTrail(client, requiredEnv(ENV.auditTable));
const operationsTable = requiredEnv(ENV.operationsTable);
const deps: BatchesApiDeps = {
  store,
  // POST /batches { upload_id }: the uploaded CSV/JSONL file, read a row at a time (docs/batch-uploads.md).
  itemsSource: batchItemsSourceForApi(),
  // The validated items as one object (batches/…): the accept writes O(1) records; process-batch the items.
  itemObjects: new BatchItemObjects({ client: s3Client(), bucket: requiredEnv(ENV.batchUploadsBucket) }),
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
