import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv, s3Client } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { InboxRepository } from '../adapters/inbox-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { RecheckMarkers } from '../adapters/recheck-markers';
import { ENV, QUEUE_MAX_RECEIVE_COUNT } from '../shared/names';
import { processWebhookRecord, WebhookProcessingError, type ProcessDeps } from '../app/webhooks/process';

// Entry for the WebhookQueue consumer: partial-batch responses, so only failed records return.

const logger = new Logger();
const processor = new BatchProcessor(EventType.SQS);

let deps: ProcessDeps | undefined;
function dependencies(): ProcessDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const operationsTable = requiredEnv(ENV.operationsTable);
  const auditTable = requiredEnv(ENV.auditTable);
  // One trail for the payouts' transitions and the exceptions this job opens.
  const audit = new AuditTrail(client, auditTable);
  const exceptions = new ExceptionsRepository(client, operationsTable, {
    audit,
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
  });
  const payouts = new PayoutsRepository({
    client,
    payoutsTable,
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable,
  });
  deps = {
    inbox: new InboxRepository(client, requiredEnv(ENV.inboxTable), s3Client(), requiredEnv(ENV.evidenceBucket)),
    payouts,
    exceptions,
    // A batch item failed by its provider joins its batch's exception group (app/batches/batch-item-failures.ts).
    batchFailures: {
      groups: new BatchExceptionGroups(client, operationsTable, exceptions),
      getPayoutById: (payoutId) => payouts.getPayoutById(payoutId),
    },
    rechecks: new RecheckMarkers(client, operationsTable),
    // The queue's maxReceiveCount: CDK passes the real value (ENV.webhookMaxReceiveCount).
    maxReceiveCount: Number(process.env[ENV.webhookMaxReceiveCount] ?? QUEUE_MAX_RECEIVE_COUNT),
    nowMs: () => Date.now(),
  };
  return deps;
}

async function recordHandler(record: SQSRecord): Promise<void> {
  try {
    const outcome = await processWebhookRecord(dependencies(), record);
    logger.info('webhook processed', { messageId: record.messageId, outcome });
  } catch (error) {
    const category = error instanceof WebhookProcessingError ? error.category : 'processing_error';
    logger.warn('webhook processing failed; SQS will retry', {
      messageId: record.messageId,
      category,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: error as Error,
    });
    throw error;
  }
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
