// process-batch: SQS consumer of BatchQueue. Each record is one chunk of a batch (up to 100 items):
// its item records are materialised from the accepted items object, then fanned out into payouts
// (app/batches/batch-fan-out.ts), each item through the single payout's gates: a held item's payout waits
// before submission until its holds are released. Partial-batch responses: only the chunks
// that failed (throttling, a timeout) are redelivered, and a redelivered chunk finds the payouts it
// already created; after maxReceiveCount (5) a chunk lands in BatchDlq.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv, sqsClient } from '../adapters/aws-clients';
import { BatchItemRanges } from '../adapters/batch-item-ranges';
import { fanOutEnqueuer, parseFanOutMessage } from '../adapters/batch-queue';
import { AuditTrail } from '../adapters/audit-trail';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { BatchesRepository } from '../adapters/batches-repository';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { corridorMatrix } from '../adapters/corridors-config';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { submissionEnqueuer } from '../adapters/submission-queue';
import { fanOutChunk, type FanOutDeps } from '../app/batches/batch-fan-out';
import { complianceGatesFromEnv } from '../wiring/payout-gates';
import { signedObjectReaderFromEnv } from '../wiring/screening';
import { ENV } from '../shared/names';

const logger = new Logger();
const processor = new BatchProcessor(EventType.SQS);
let deps: FanOutDeps | undefined;

/** Built once per cold start; a missing variable crashes the cold start (a deployment bug). */
function fanOutDeps(): FanOutDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const operationsTable = requiredEnv(ENV.operationsTable);
  // Group exceptions name no payout (no owner link to keep in step): audited in their own chains.
  const exceptions = new ExceptionsRepository(client, operationsTable, {
    audit: new AuditTrail(client, requiredEnv(ENV.auditTable)),
  });
  deps = {
    batches: new BatchesRepository(client, requiredEnv(ENV.payoutsTable)),
    // The accepted items object (batches/… in the uploads bucket): one chunk's byte range per message, read
    // without the S3 client (adapters/batch-item-ranges.ts says why).
    itemObjects: new BatchItemRanges({
      getObject: signedObjectReaderFromEnv(),
      bucket: requiredEnv(ENV.batchUploadsBucket),
    }),
    payouts: new PayoutsRepository({
      client,
      payoutsTable: requiredEnv(ENV.payoutsTable),
      ledgerTable: requiredEnv(ENV.ledgerTable),
      auditTable: requiredEnv(ENV.auditTable),
    }),
    enqueueSubmission: submissionEnqueuer(sqsClient(), requiredEnv(ENV.submissionQueueUrl)),
    corridors: corridorMatrix(),
    // Each item's recipient record (screened before its first write) and holds, as a single payout's (issue 15).
    gates: complianceGatesFromEnv(),
    groups: new BatchExceptionGroups(client, operationsTable, exceptions),
    nowIso: () => new Date().toISOString(),
  };
  // The rest of a chunk whose invocation runs short goes back to BatchQueue as its own message.
  const enqueue = fanOutEnqueuer(sqsClient(), requiredEnv(ENV.batchQueueUrl));
  deps = { ...deps, continueLater: (message) => enqueue([message]) };
  return deps;
}

export function createRecordHandler(resolveDeps: () => FanOutDeps) {
  return async (record: SQSRecord, context?: Context) => {
    const message = parseFanOutMessage(record.body);
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    try {
      const timed = context === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() };
      const outcome = await fanOutChunk({ ...resolveDeps(), ...timed }, message);
      logger.info('batch chunk fanned out', { ...outcome, receiveCount });
      return outcome;
    } catch (error) {
      logger.warn('batch chunk failed; it will be redelivered', {
        ...message,
        receiveCount,
        error: error instanceof Error ? error.name : String(error),
        errorMessage: error instanceof Error ? error.message : undefined,
      });
      throw error;
    }
  };
}

const recordHandler = createRecordHandler(fanOutDeps);

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
