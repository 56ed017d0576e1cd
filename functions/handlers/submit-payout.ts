// submit-payout: SQS consumer of SubmissionQueue. Each record is one payout id; see
// app/submission/submit-one.ts for what happens to it. Partial-batch responses: only the records that
// failed (provider timeout, 5xx, a missing payout) are retried; after maxReceiveCount (5) they land
// in SubmissionDlq, where the sweeper turns them into exceptions.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { providersFromEnv } from '../adapters/providers/registry';
import { secretsManagerLoader } from '../adapters/providers/secrets-manager-loader';
import { parseSubmissionMessage } from '../adapters/submission-queue';
import { isProviderError, type ProviderError } from '../domain/provider-errors';
import { ENV, METRICS } from '../shared/names';
import { submitOne, type SubmitterDeps } from '../app/submission/submit-one';

const logger = new Logger();
const metrics = new Metrics();

/** One EMF line per outcome, so the dashboard splits accepted / rejected / skipped / each failure class. */
function countOutcome(outcome: string, detail?: string): void {
  const single = metrics.singleMetric();
  single.addDimension('outcome', outcome);
  if (detail !== undefined) single.addDimension('detail', detail);
  single.addMetric(METRICS.submissionOutcome, MetricUnit.Count, 1);
}
const processor = new BatchProcessor(EventType.SQS);
let deps: SubmitterDeps | undefined;

/** Each in-process provider retry, logged by name and status only (never a request, never a credential). */
function logProviderRetry(details: {
  operation: string;
  attempt: number;
  error: ProviderError;
  reason: string;
  delayMs: number;
}): void {
  const { operation, attempt, error, reason, delayMs } = details;
  logger.warn('provider retry', {
    operation,
    attempt,
    error: error.name,
    httpStatus: error.httpStatus,
    reason,
    delayMs,
  });
  countOutcome('provider_retry', error.name);
}

/** Built once per cold start; a missing variable crashes the cold start (a deployment bug). */
function submitterDeps(): SubmitterDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const auditTable = requiredEnv(ENV.auditTable);
  const repository = new PayoutsRepository({
    client,
    payoutsTable,
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable,
  });
  const exceptions = new ExceptionsRepository(client, requiredEnv(ENV.operationsTable), {
    audit: new AuditTrail(client, auditTable),
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
  });
  deps = {
    repository,
    providers: providersFromEnv(process.env, {
      sandbox: { onRetry: logProviderRetry },
      stripe: { onRetry: logProviderRetry },
      loadSecret: secretsManagerLoader(new SecretsManagerClient({ maxAttempts: 3 })),
    }),
    nowIso: () => new Date().toISOString(),
    // A refused batch item joins its batch's exception group (app/batches/batch-item-failures.ts).
    batchFailures: {
      groups: new BatchExceptionGroups(client, requiredEnv(ENV.operationsTable), exceptions),
      getPayoutById: (payoutId) => repository.getPayoutById(payoutId),
    },
  };
  return deps;
}

export function createRecordHandler(resolveDeps: () => SubmitterDeps) {
  return async (record: SQSRecord) => {
    const { payoutId } = parseSubmissionMessage(record.body);
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    try {
      const outcome = await submitOne(payoutId, `sqs:${record.messageId}`, resolveDeps());
      logger.info('submission', { ...outcome, receiveCount });
      countOutcome(
        outcome.kind,
        outcome.kind === 'skipped' ? outcome.reason : outcome.kind === 'rejected' ? outcome.reasonCode : undefined,
      );
      return outcome;
    } catch (error) {
      // Logged with its class so a timeout, a 5xx and a bug read differently on the dashboard.
      logger.warn('submission failed; the record will be retried', {
        payoutId,
        receiveCount,
        error: error instanceof Error ? error.name : String(error),
        retryable: isProviderError(error) ? error.retryable : false,
        errorMessage: error instanceof Error ? error.message : undefined,
      });
      countOutcome('failed', error instanceof Error ? error.name : 'unknown');
      throw error;
    }
  };
}

const recordHandler = createRecordHandler(submitterDeps);

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  // A fully failed batch is reported record by record rather than thrown: the same retries, and
  // the twin and AWS read one response shape.
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
