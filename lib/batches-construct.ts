import { Construct } from 'constructs';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { QueueWithDlq } from './queue-with-dlq';
import { API_ROUTES } from './routes';

// Batches (issue 13): the batches-api function (accept, read, approve, retry) and the fan-out
// queue whose consumer turns each chunk of items into payouts through the create path's transaction.
// The batch records live in PayoutsTable beside the payouts (functions/adapters/batch-items.ts says why).

/**
 * One chunk (100 items) per invocation: a chunk's items are created one after another, and a
 * larger Lambda batch would only hold more chunks behind a slow one until the visibility timeout.
 */
const BATCH_FAN_OUT_BATCH_SIZE = 1;
const BATCH_FAN_OUT_MAX_BATCHING_WINDOW_SECONDS = 0;

export interface BatchesConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  /** SubmissionQueue: each created item payout is queued for the submitter like any payout. */
  readonly submission: QueueWithDlq;
  readonly payoutAmountMaxMinor?: number;
}

export class BatchesConstruct extends Construct {
  readonly batchesApi: PayoutFunction;
  readonly processBatch: PayoutFunction;
  readonly fanOut: QueueWithDlq;

  constructor(scope: Construct, id: string, props: BatchesConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;

    this.processBatch = functions.create(this, 'ProcessBatch', 'process-batch', {
      invocation: 'queue',
      description: 'Fans a batch chunk out into payouts through the create transaction; redelivery-safe',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.submissionQueueUrl]: props.submission.queue.queueUrl,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.recipientsTable]: data.recipientsTable.tableName,
        [ENV.recipientDataKeyArn]: data.recipientDataKey.keyArn,
      },
    });
    this.fanOut = new QueueWithDlq(this, 'FanOut', {
      queueLogicalId: 'BatchQueue',
      dlqLogicalId: 'BatchDlq',
      consumer: this.processBatch.function,
      consumerTimeoutSeconds: this.processBatch.timeoutSeconds,
      batchSize: BATCH_FAN_OUT_BATCH_SIZE,
      maxBatchingWindowSeconds: BATCH_FAN_OUT_MAX_BATCHING_WINDOW_SECONDS,
    });
    // The payout, its key lock and its batch item share PayoutsTable; the postings go to the ledger.
    data.payoutsTable.grantReadWriteData(this.processBatch.function);
    data.ledgerTable.grantReadWriteData(this.processBatch.function);
    data.grantAuditAppend(this.processBatch.function);
    // A rejected item is counted into its batch's group exception (OperationsTable, audited).
    data.operationsTable.grantReadWriteData(this.processBatch.function);
    props.submission.queue.grantSendMessages(this.processBatch.function);
    // Issue 15: each item's recipient gets the record behind an inline recipient, its account sealed: GenerateDataKey
    // only, never Decrypt. Its RecipientsTable reads and writes come with the screening grants (the stack).
    data.grantRecipientSecrets(this.processBatch.function, 'seal');
    // A chunk whose invocation runs short sends its unstarted items back as their own message.
    this.fanOut.queue.grantSendMessages(this.processBatch.function);
    this.processBatch.function.addEnvironment(ENV.batchQueueUrl, this.fanOut.queue.queueUrl);

    this.batchesApi = functions.create(this, 'BatchesApi', 'batches-api', {
      invocation: 'api',
      description: 'POST /batches and the batch reads, approval and retry; queues the fan-out',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.batchQueueUrl]: this.fanOut.queue.queueUrl,
        [ENV.payoutAmountMaxMinor]: String(props.payoutAmountMaxMinor ?? PAYOUT_AMOUNT_MAX_MINOR_DEFAULT),
      },
    });
    // Batch records only (no ledger, no submission queue): the payouts are created by process-batch.
    data.payoutsTable.grantReadWriteData(this.batchesApi.function);
    data.grantAuditAppend(this.batchesApi.function);
    // The retry moves items out of the batch's group exceptions and resolves an emptied one;
    // GET /batches/{id} reads them (OperationsTable; the upload reader's GetItem is a subset).
    data.operationsTable.grantReadWriteData(this.batchesApi.function);
    this.fanOut.queue.grantSendMessages(this.batchesApi.function);

    api.addFunctionRoutes('batches-api', this.batchesApi.function, API_ROUTES['batches-api']);
  }
}
