/**
 * The alarm thresholds (lib/observability-construct.ts) and the status page (domain/status-page.ts)
 * read the same figures from here: the page cannot call a component operational past the point
 * where its alarm fires. test/infra/metric-alarms.test.ts holds the CloudFormation alarms to them.
 */
export const ALARM_PERIOD_MINUTES = 5;
/** A webhook older than this has missed the "2xx fast, apply soon" promise. */
export const WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX = 300;
/** Rejected webhooks per period above which someone should look (bad secret, attack, provider bug). */
export const WEBHOOK_REJECTED_PER_PERIOD_MAX = 20;
/** Reconciliation runs nightly; one day without a success is a missed night. */
export const RECONCILIATION_WINDOW_HOURS = 24;
/** Any message in a DLQ alarms: it failed every retry and now needs an owner. */
export const DLQ_DEPTH_MAX = 0;

/**
 * Past the alarm a component is `degraded`; this far past it, `outage`. A webhook backlog an hour old
 * (12 × 5 minutes), two missed reconciliation nights, a DLQ of 100 messages: no longer a blip.
 */
export const WEBHOOK_BACKLOG_OUTAGE_FACTOR = 12;
export const RECONCILIATION_OUTAGE_FACTOR = 2;
export const DLQ_DEPTH_OUTAGE_MIN = 100;

export interface StatusThresholds {
  readonly webhookOldestMessageAgeSecondsMax: number;
  readonly webhookRejectedPerPeriodMax: number;
  readonly reconciliationWindowSeconds: number;
  readonly dlqDepthMax: number;
  readonly webhookBacklogOutageFactor: number;
  readonly reconciliationOutageFactor: number;
  readonly dlqDepthOutageMin: number;
}

export const STATUS_THRESHOLDS: StatusThresholds = {
  webhookOldestMessageAgeSecondsMax: WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
  webhookRejectedPerPeriodMax: WEBHOOK_REJECTED_PER_PERIOD_MAX,
  reconciliationWindowSeconds: RECONCILIATION_WINDOW_HOURS * 3_600,
  dlqDepthMax: DLQ_DEPTH_MAX,
  webhookBacklogOutageFactor: WEBHOOK_BACKLOG_OUTAGE_FACTOR,
  reconciliationOutageFactor: RECONCILIATION_OUTAGE_FACTOR,
  dlqDepthOutageMin: DLQ_DEPTH_OUTAGE_MIN,
};
