import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseReconciliationRequest } from '../adapters/reconciliation/requests-queue';
import { runReconciliation, type QueuedRunRequest, type RunDependencies } from '../app/reconciliation/run';
import { RunAlreadyRunningError, type RunRecord } from '../adapters/reconciliation/runs-repository';
import { latestEndedDay, requireRunDate, type ReconcileClock } from '../domain/reconciliation/run-date';
import { METRICS } from '../shared/names';
import { reconciliationDependencies } from '../wiring/reconciliation';

// Entry for `reconcile`, invoked two ways:
// - the nightly schedule (EventBridge Scheduler, no date: the latest day that has ended, i.e.
//   yesterday in RECONCILE_TIMEZONE unless its UTC payouts window is still open) or an explicit
//   `{ "date": "YYYY-MM-DD" }` (npm run reconcile). A failure is thrown, so the invocation fails,
//   the scheduler retries and then dead-letters it, and the alarm on a missing
//   `ReconciliationSucceeded` fires;
// - ReconciliationQueue (batch size 1), fed by POST /reconciliations. A failed run fails its record:
//   SQS redelivers it after the visibility timeout (a retry of the run) and moves it to
//   ReconciliationDlq after maxReceiveCount, where the DLQ depth alarm fires.
// Either way a date that may not be reconciled (domain/reconciliation/run-date.ts: malformed, not
// ended, too old) is refused with InvalidRunDateError before any run is recorded or file written.

type DirectEvent = { date?: unknown; trigger?: RunRecord['trigger'] } | undefined;

const logger = new Logger();
const metrics = new Metrics();
const processor = new BatchProcessor(EventType.SQS);

const clockOf = (deps: RunDependencies): ReconcileClock => ({ now: deps.now(), timeZone: deps.timeZone });

async function reconcileDate(
  deps: RunDependencies,
  date: string,
  trigger: RunRecord['trigger'],
  request?: QueuedRunRequest,
): Promise<RunRecord> {
  try {
    const run = await runReconciliation(deps, date, trigger, request);
    metrics.addMetric(METRICS.reconciliationSucceeded, MetricUnit.Count, 1);
    logger.info('reconciliation succeeded', { date, runId: run.runId, counts: run.counts });
    return run;
  } catch (error) {
    // Refused to start because a run of the date is going: not a failed run (the callers decide).
    if (error instanceof RunAlreadyRunningError) {
      logger.warn('a run of the date is already queued or running', { date });
    } else {
      metrics.addMetric(METRICS.reconciliationFailed, MetricUnit.Count, 1);
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
  const deps = reconciliationDependencies();
  // The message is input too: the API refuses such a date before queueing, so one that arrives here
  // was sent by hand. Its record fails (SQS retries it, then dead-letters it where ops see it).
  requireRunDate(request.date, clockOf(deps));
  try {
    return await reconcileDate(deps, request.date, 'api', request);
  } catch (error) {
    // The API queues a date only when no run of it is queued or running, so a run going now started
    // after this request: it reads the same or newer data, and running again would add nothing.
    if (error instanceof RunAlreadyRunningError) {
      logger.info('a run of the date is already going and covers this request', {
        date: request.date,
        runId: request.runId,
        requestId: request.requestId,
      });
      return 'covered';
    }
    throw error;
  }
}

const isSqsEvent = (event: DirectEvent | SQSEvent): event is SQSEvent =>
  Array.isArray((event as SQSEvent | undefined)?.Records);

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
export async function handler(event: DirectEvent, context?: Context): Promise<RunRecord>;
export async function handler(event: DirectEvent | SQSEvent, context?: Context): Promise<RunRecord | SQSBatchResponse> {
  if (isSqsEvent(event)) {
    // Reported record by record rather than thrown, like the other consumers: one response shape
    // for the twin and AWS.
    return processPartialResponse(event, reconcileQueued, processor, {
      ...(context === undefined ? {} : { context }),
      throwOnFullBatchFailure: false,
    });
  }
  const deps = reconciliationDependencies();
  // A date that is given but wrong (or not ended) is refused, never replaced by yesterday: a run of
  // the wrong day would look like success.
  const date = event?.date === undefined ? latestEndedDay(clockOf(deps)) : requireRunDate(event.date, clockOf(deps));
  return reconcileDate(deps, date, event?.trigger ?? 'schedule');
}
