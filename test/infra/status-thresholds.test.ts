import { describe, expect, it } from 'vitest';
import {
  ALARM_PERIOD_MINUTES,
  DLQ_DEPTH_MAX,
  RECONCILIATION_WINDOW_HOURS,
  STATUS_THRESHOLDS,
  WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
  WEBHOOK_REJECTED_PER_PERIOD_MAX,
} from '../../functions/shared/alarm-thresholds';
import { synthesizePlatform } from './support/synth';

// The status page (domain/status-page.ts) and the CloudWatch alarms read one set of thresholds
// (functions/shared/alarm-thresholds.ts). This test reads the alarms from the synthesized template.

type Alarm = { Properties: Record<string, any> };

describe('the status page and the alarms share their thresholds', () => {
  const alarms = Object.entries(
    synthesizePlatform({ skipBundling: true }).template.findResources('AWS::CloudWatch::Alarm') as Record<
      string,
      Alarm
    >,
  );
  const byId = (fragment: string) => alarms.filter(([id]) => id.includes(fragment)).map(([, a]) => a.Properties);

  it('webhook backlog age, rejected webhooks and every DLQ depth', () => {
    expect(byId('WebhookQueueAgeAlarm').map((p) => p.Threshold)).toEqual([WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX]);
    expect(byId('WebhookRejectedAlarm').map((p) => p.Threshold)).toEqual([WEBHOOK_REJECTED_PER_PERIOD_MAX]);
    const dlq = byId('DepthAlarm');
    expect(dlq.length).toBeGreaterThanOrEqual(3);
    for (const p of dlq) expect([p.Threshold, p.Period]).toEqual([DLQ_DEPTH_MAX, ALARM_PERIOD_MINUTES * 60]);
    expect(STATUS_THRESHOLDS).toMatchObject({
      webhookOldestMessageAgeSecondsMax: WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
      webhookRejectedPerPeriodMax: WEBHOOK_REJECTED_PER_PERIOD_MAX,
      dlqDepthMax: DLQ_DEPTH_MAX,
    });
  });

  it('the reconciliation window', () => {
    const [missing] = byId('ReconciliationMissingAlarm');
    expect(missing?.Period).toBe(RECONCILIATION_WINDOW_HOURS * 3_600);
    expect(STATUS_THRESHOLDS.reconciliationWindowSeconds).toBe(RECONCILIATION_WINDOW_HOURS * 3_600);
  });
});
