import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ALARM_PERIOD_MINUTES,
  DLQ_DEPTH_MAX,
  RECONCILIATION_WINDOW_HOURS,
  WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
  WEBHOOK_REJECTED_PER_PERIOD_MAX,
} from '../functions/shared/alarm-thresholds';
import { METRICS } from '../functions/shared/names';
import { LAMBDA_TIMEOUT_SECONDS_MAX } from './defaults/lambda-defaults';
import { FUNCTION_SIZES } from './function-sizes';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './payout-function';
import { assertNoProblems } from './validate-props';

// Alarms on the days that matter (DESIGN intro): anything in a DLQ, webhooks piling up, the
// processor failing, a burst of rejected webhooks, and a reconciliation that failed or never ran.
// The thresholds live in functions/shared/alarm-thresholds.ts: the status page derives from them too.

const DASHBOARD_WIDGET_WIDTH = 8;

/** Custom Powertools metrics the handlers emit (functions/shared/names.ts; namespace and `service` dimension too). */
export const METRIC_WEBHOOK_REJECTED = METRICS.webhookRejected;
export const METRIC_RECONCILIATION_SUCCEEDED = METRICS.reconciliationSucceeded;

/**
 * A reconcile run longer than this share of its timeout alarms: the night is outgrowing one function,
 * and half the timeout is where docs/reconciliation.md puts the switch to `-c reconciliationEngine=athena`.
 * Half, not nearer the wall: volume grows night by night, and the switch is a deploy, not a setting.
 */
export const RECONCILE_DURATION_ALARM_PERCENT_OF_TIMEOUT = 50;

export interface ObservabilityConstructProps {
  readonly stage: string;
  /** Every DLQ of the stack, by display name. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  readonly webhookQueue: sqs.IQueue;
  readonly processWebhook: lambda.IFunction;
  readonly reconcile: lambda.IFunction;
}

export class ObservabilityConstruct extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityConstructProps) {
    super(scope, id);
    const problems: string[] = [];
    if (Object.keys(props.deadLetterQueues).length === 0) problems.push('deadLetterQueues must name at least one DLQ');
    assertNoProblems('ObservabilityConstruct', problems);

    // A customer managed key: CloudWatch cannot publish to a topic encrypted with alias/aws/sns,
    // whose key policy cannot grant it.
    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic; CloudWatch may use it to publish',
      enableKeyRotation: true,
    });
    topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Payout platform alarms (${props.stage})`,
      masterKey: topicKey,
      enforceSSL: true,
    });

    const period = Duration.minutes(ALARM_PERIOD_MINUTES);
    for (const [name, dlq] of Object.entries(props.deadLetterQueues)) {
      this.addAlarm(`${name}DepthAlarm`, {
        alarmDescription: `${name} holds a message: it failed every retry and now needs an owner.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: DLQ_DEPTH_MAX,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.addAlarm('WebhookQueueAgeAlarm', {
      alarmDescription: 'Webhook events wait too long before being applied.',
      metric: props.webhookQueue.metricApproximateAgeOfOldestMessage({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm('ProcessWebhookErrorsAlarm', {
      alarmDescription: 'process-webhook failed invocations (whole batches, not single records).',
      metric: props.processWebhook.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm('WebhookRejectedAlarm', {
      alarmDescription:
        'A spike of rejected webhooks (signature, timestamp or body): wrong secret, attack or provider change.',
      // intake-webhook emits WebhookRejected with `reason` and `provider` dimensions
      // (docs/ops-api.md); a Metrics Insights query sums every combination, present and future.
      metric: new cloudwatch.MathExpression({
        expression: `SELECT SUM(${METRIC_WEBHOOK_REJECTED}) FROM "${POWERTOOLS_METRICS_NAMESPACE}"`,
        label: `${METRIC_WEBHOOK_REJECTED} (all reasons and providers)`,
        period,
      }),
      threshold: WEBHOOK_REJECTED_PER_PERIOD_MAX,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm('ReconciliationMissingAlarm', {
      alarmDescription: 'No successful reconciliation in the last day: it failed or did not run.',
      metric: this.powertoolsMetric(METRIC_RECONCILIATION_SUCCEEDED, Duration.hours(RECONCILIATION_WINDOW_HOURS)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no run: that is exactly what this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.addAlarm('ReconcileErrorsAlarm', {
      alarmDescription: 'The reconcile function failed.',
      metric: props.reconcile.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addReconcileDurationAlarm(props.reconcile, period);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `payout-platform-${props.stage}`,
      widgets: [
        this.alarms.map(
          (alarm) =>
            new cloudwatch.AlarmWidget({
              alarm,
              title: alarm.node.id.replace(/Alarm$/, ''),
              width: DASHBOARD_WIDGET_WIDTH,
            }),
        ),
      ],
    });
  }

  /**
   * The longest reconcile invocation of a period against its timeout (FUNCTION_SIZES), which Lambda
   * caps at 15 minutes: past that cap no setting helps, so the alarm fires while there is room.
   */
  private addReconcileDurationAlarm(reconcile: lambda.IFunction, period: Duration): void {
    const timeoutSeconds = FUNCTION_SIZES.reconcile.timeoutSeconds;
    const thresholdSeconds = (timeoutSeconds * RECONCILE_DURATION_ALARM_PERCENT_OF_TIMEOUT) / 100;
    this.addAlarm('ReconcileDurationAlarm', {
      alarmDescription:
        `A reconcile run took over ${thresholdSeconds} s of its ${timeoutSeconds} s timeout ` +
        `(Lambda allows at most ${LAMBDA_TIMEOUT_SECONDS_MAX} s): plan the switch to the athena engine ` +
        '(docs/reconciliation.md, "Where the switch-over lies").',
      // Lambda's Duration is in milliseconds; Maximum, because one long night is the signal.
      metric: reconcile.metricDuration({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: thresholdSeconds * 1_000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No run, no datapoint: ReconciliationMissingAlarm is the alarm for a night without a run.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private powertoolsMetric(metricName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: POWERTOOLS_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  private addAlarm(id: string, props: cloudwatch.AlarmProps): void {
    const alarm = new cloudwatch.Alarm(this, id, props);
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
