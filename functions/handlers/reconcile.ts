import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseReconciliationRequest } from '../adapters/reconciliation/requests-queue';
import { runReconciliation, type QueuedRunRequest } from '../adapters/reconciliation/run';
import { RunAlreadyRunningError, type RunRecord } from '../adapters/reconciliation/runs-repository';
import { ENV } from '../shared/names';
import { isRunDate, previousDay, reconciliationDependencies } from './reconciliation/deps';

// Entry for `reconcile`, invoked two ways:
// - the nightly schedule (EventBridge Scheduler, no date: yesterday in RECONCILE_TIMEZONE) or an
//   explicit `{ "date": "YYYY-MM-DD" }` (npm run reconcile). A failure is thrown, so the invocation
//   fails, the scheduler retries and then dead-letters it, and the alarm on a missing
//   `ReconciliationSucceeded` fires;
// - ReconciliationQueue (batch size 1), fed by POST /reconciliations. A failed run fails its record:
//   SQS redelivers it after the visibility timeout (a retry of the run) and moves it to
//   ReconciliationDlq after maxReceiveCount, where the DLQ depth alarm fires.

/** Name shared with lib/observability-construct.ts (METRIC_RECONCILIATION_SUCCEEDED), whose alarm watches it. */
export const METRIC_RECONCILIATION_SUCCEEDED = 'ReconciliationSucceeded';
export const METRIC_RECONCILIATION_FAILED = 'ReconciliationFailed';
const DEFAULT_TIMEZONE = 'UTC';

export class InvalidRunDateError extends Error {
  constructor(readonly date: unknown) {
    super(`reconcile: date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
    this.name = 'InvalidRunDateError';
  }
}

type DirectEvent = { date?: unknown; trigger?: RunRecord['trigger'] } | undefined;

const logger = new Logger();
const metrics = new Metrics();
const processor = new BatchProcessor(EventType.SQS);

async function reconcileDate(date: string, trigger: RunRecord['trigger'], request?: QueuedRunRequest): Promise<RunRecord> {
  try {
    const run = await runReconciliation(reconciliationDependencies(), date, trigger, request);
    metrics.addMetric(METRIC_RECONCILIATION_SUCCEEDED, MetricUnit.Count, 1);
    logger.info('reconciliation succeeded', { date, runId: run.runId, counts: run.counts });
    return run;
  } catch (error) {
    // Refused to start because a run of the date is going: not a failed run (the callers decide).
    if (error instanceof RunAlreadyRunningError) {
      logger.warn('a run of the date is already queued or running', { date });
    } else {
      metrics.addMetric(METRIC_RECONCILIATION_FAILED, MetricUnit.Count, 1);
      logger.error('reconciliation failed', { date, error: error as Error });
    }
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}

/** One queued request. Returns the run, or `covered` when another run of the date is going. */
async function reconcileQueued(record: SQSRecord): Promise<RunRecord | 'covered'> {
  const request = parseReconciliationRequest(record.body);
  if (!isRunDate(request.date)) throw new InvalidRunDateError(request.date);
  try {
    return await reconcileDate(request.date, 'api', request);
  } catch (error) {
    // The API queues a date only when no run of it is queued or running, so a run going now started
    // after this request: it reads the same or newer data, and running again would add nothing.
    if (error instanceof RunAlreadyRunningError) {
      logger.info('a run of the date is already going and covers this request', { date: request.date, runId: request.runId, requestId: request.requestId });
      return 'covered';
    }
    throw error;
  }
}

const isSqsEvent = (event: DirectEvent | SQSEvent): event is SQSEvent => Array.isArray((event as SQSEvent | undefined)?.Records);

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
export async function handler(event: DirectEvent, context?: Context): Promise<RunRecord>;
export async function handler(event: DirectEvent | SQSEvent, context?: Context): Promise<RunRecord | SQSBatchResponse> {
  if (isSqsEvent(event)) {
    // Reported record by record rather than thrown, like the other consumers: one response shape
    // for the twin and AWS.
    return processPartialResponse(event, reconcileQueued, processor, { ...(context === undefined ? {} : { context }), throwOnFullBatchFailure: false });
  }
  // A date that is given but wrong is refused, never replaced by yesterday: a run of the wrong day
  // would look like success.
  if (event?.date !== undefined && !isRunDate(event.date)) throw new InvalidRunDateError(event.date);
  const date = isRunDate(event?.date) ? event.date : previousDay(new Date(), process.env[ENV.reconcileTimezone] ?? DEFAULT_TIMEZONE);
  return reconcileDate(date, event?.trigger ?? 'schedule');
}
