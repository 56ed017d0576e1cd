import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { runReconciliation } from '../adapters/reconciliation/run';
import type { RunRecord } from '../adapters/reconciliation/runs-repository';
import { ENV } from '../shared/names';
import { isRunDate, previousDay, reconciliationDependencies } from './reconciliation/deps';

// Entry for `reconcile`: the nightly schedule (EventBridge Scheduler, no date: yesterday in
// RECONCILE_TIMEZONE) or an explicit `{ "date": "YYYY-MM-DD" }`. A failure is thrown, so the
// invocation fails, the scheduler retries and then dead-letters it, and the alarm on a missing
// `ReconciliationSucceeded` fires.

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

const logger = new Logger();
const metrics = new Metrics();

export const handler = async (event: { date?: unknown; trigger?: RunRecord['trigger'] } | undefined): Promise<RunRecord> => {
  // A date that is given but wrong is refused, never replaced by yesterday: a run of the wrong day
  // would look like success.
  if (event?.date !== undefined && !isRunDate(event.date)) throw new InvalidRunDateError(event.date);
  const date = isRunDate(event?.date) ? event.date : previousDay(new Date(), process.env[ENV.reconcileTimezone] ?? DEFAULT_TIMEZONE);
  try {
    const run = await runReconciliation(reconciliationDependencies(), date, event?.trigger ?? 'schedule');
    metrics.addMetric(METRIC_RECONCILIATION_SUCCEEDED, MetricUnit.Count, 1);
    logger.info('reconciliation succeeded', { date, runId: run.runId, counts: run.counts });
    return run;
  } catch (error) {
    metrics.addMetric(METRIC_RECONCILIATION_FAILED, MetricUnit.Count, 1);
    logger.error('reconciliation failed', { date, error: error as Error });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
