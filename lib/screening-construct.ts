import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCREENING_LIST_PREFIX, SDN_FILES } from '../functions/shared/sdn-files';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import { defaultBucketProps } from './defaults/s3-defaults';
import type { FunctionFactory } from './function-factory';
import { pinLogicalId } from './logical-id';
import type { PayoutFunction } from './payout-function';
import { API_ROUTES } from './routes';
import { ScheduledInvocation } from './scheduled-invocation';
import { grantScreening, type ScreeningAccessProps } from './screening-access';

// Sanctions screening (docs/screening.md): the bucket the SDN list is uploaded to, compliance's screening-api, and
// the rescreen job — run when the list's manifest.json lands (S3 → EventBridge → a rule) and daily by a schedule
// (the twin runs schedules but skips event-pattern rules, so the daily run is how the twin rescreens too).

export { SCREENING_LIST_PREFIX } from '../functions/shared/sdn-files';
/** Daily at 06:00 UTC: OFAC publishes on US business days, so the morning after catches a missed event. */
export const RESCREEN_SCHEDULE_EXPRESSION = 'cron(0 6 * * ? *)';
const RESCREEN_TIME_ZONE = 'UTC';
/** EventBridge retries the rule's invocation this often, then sends it to the schedules' DLQ. */
const RESCREEN_RULE_RETRY_ATTEMPTS = 3;
const RESCREEN_RULE_MAX_EVENT_AGE_MINUTES = 60;

export interface ScreeningConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  readonly submissionQueue: sqs.IQueue;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
}

export class ScreeningConstruct extends Construct {
  readonly listBucket: s3.Bucket;
  readonly screeningApi: PayoutFunction;
  readonly rescreen: PayoutFunction;
  readonly rescreenSchedule: ScheduledInvocation;
  readonly listChangedRule: events.Rule;
  private readonly access: Omit<ScreeningAccessProps, 'scansRecipients'>;

  constructor(scope: Construct, id: string, props: ScreeningConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;
    // Versioned: a case names the list version it was screened against, and the files of that version stay.
    this.listBucket = new s3.Bucket(this, 'ScreeningListBucket', {
      ...defaultBucketProps({
        versioned: true,
        serverAccessLogsBucket: data.accessLogsBucket,
        serverAccessLogsPrefix: 'ScreeningListBucket/',
      }),
    });
    pinLogicalId(this.listBucket, 'ScreeningListBucket');
    // The L1 property, not `eventBridgeEnabled: true` (which deploys a custom resource Lambda for notifications).
    (this.listBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.access = {
      data,
      submissionQueue: props.submissionQueue,
      list: { bucket: this.listBucket, prefix: SCREENING_LIST_PREFIX },
    };

    this.screeningApi = functions.create(this, 'ScreeningApi', 'screening-api', {
      invocation: 'api',
      description: "Compliance's screening queue, case evidence and decisions (clear, confirm; audited)",
      environment: {},
    });
    this.grantTo(this.screeningApi);
    api.addFunctionRoutes('screening-api', this.screeningApi.function, API_ROUTES['screening-api']);

    this.rescreen = functions.create(this, 'Rescreen', 'rescreen', {
      invocation: 'schedule',
      description: 'Rescreens every recipient against the SDN list when it changes (and daily)',
      environment: {},
      deadLetterQueue: props.scheduleDeadLetterQueue,
    });
    grantScreening(this.rescreen, { ...this.access, scansRecipients: true });
    this.acknowledgeListRead(this.rescreen);

    this.listChangedRule = new events.Rule(this, 'ListChangedRule', {
      description: 'The SDN list manifest was uploaded: rescreen every recipient',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.listBucket.bucketName] },
          object: { key: [`${SCREENING_LIST_PREFIX}${SDN_FILES.manifest}`] },
        },
      },
      targets: [
        new eventTargets.LambdaFunction(this.rescreen.function, {
          deadLetterQueue: props.scheduleDeadLetterQueue,
          retryAttempts: RESCREEN_RULE_RETRY_ATTEMPTS,
          maxEventAge: Duration.minutes(RESCREEN_RULE_MAX_EVENT_AGE_MINUTES),
        }),
      ],
    });
    this.rescreenSchedule = new ScheduledInvocation(this, 'RescreenSchedule', {
      target: this.rescreen.function,
      expression: RESCREEN_SCHEDULE_EXPRESSION,
      timeZone: RESCREEN_TIME_ZONE,
      deadLetterQueue: props.scheduleDeadLetterQueue,
      description: 'Daily rescreen against the SDN list (the twin has no S3 events)',
    });
  }

  /** The screening environment and grants for another function (recipients-api, create-payout). */
  grantTo(fn: PayoutFunction): void {
    grantScreening(fn, this.access);
    this.acknowledgeListRead(fn);
  }

  private acknowledgeListRead(fn: PayoutFunction): void {
    const bucketId = Stack.of(this).resolve((this.listBucket.node.defaultChild as CfnResource).logicalId) as string;
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${SCREENING_LIST_PREFIX}*]`,
      reason: `The SDN list's files are ${SCREENING_LIST_PREFIX}<file>: read-only on that prefix of this one bucket.`,
    });
  }
}
