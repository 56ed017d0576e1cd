import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { ENV } from '../functions/shared/names';
import type { DataConstruct } from './data-construct';
import type { PayoutFunction } from './payout-function';

// What a function needs to call functions/wiring/screening.ts (screeningDepsFromEnv): its environment and its
// grants, in one place, so recipients-api, create-payout, screening-api and rescreen stay alike.

/** Where the deployed stack keeps the SDN list: a bucket and key prefix (`<prefix>sdn.csv`, …, `<prefix>manifest.json`). */
export interface ScreeningListLocation {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
}

export interface ScreeningAccessProps {
  readonly data: DataConstruct;
  /** The submission queue: a cleared case re-queues the payouts it no longer holds. */
  readonly submissionQueue: sqs.IQueue;
  readonly list: ScreeningListLocation;
  /** A Watchman base URL: the vendor screens instead of the list (the list's grant stays, for a fallback). */
  readonly watchmanUrl?: string;
  /** The rescreen job: it also Scans the recipients. */
  readonly scansRecipients?: boolean;
}

/** Sets the screening variables on the function and grants what screeningDepsFromEnv's adapters touch. */
export function grantScreening(fn: PayoutFunction, props: ScreeningAccessProps): void {
  const { data, list } = props;
  const environment: Record<string, string> = {
    [ENV.recipientsTable]: data.recipientsTable.tableName,
    [ENV.operationsTable]: data.operationsTable.tableName,
    [ENV.auditTable]: data.auditTable.tableName,
    [ENV.payoutsTable]: data.payoutsTable.tableName,
    [ENV.ledgerTable]: data.ledgerTable.tableName,
    [ENV.submissionQueueUrl]: props.submissionQueue.queueUrl,
    [ENV.screeningListBucket]: list.bucket.bucketName,
    [ENV.screeningListPrefix]: list.prefix,
    ...(props.watchmanUrl === undefined ? {} : { [ENV.watchmanUrl]: props.watchmanUrl }),
  };
  for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
  const grantee: iam.IGrantable = fn.function;
  // Cases and snapshots: read, conditioned updates and the case's transaction (Put + Update + ConditionCheck).
  data.recipientsTable.grant(
    grantee,
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
    ...(props.scansRecipients === true ? ['dynamodb:Scan'] : []),
  );
  // The compliance exception of a case, and the payouts' holds (placed, released) with their audit.
  data.operationsTable.grantReadWriteData(grantee);
  data.payoutsTable.grantReadWriteData(grantee);
  data.grantAuditAppend(grantee);
  props.submissionQueue.grantSendMessages(grantee);
  list.bucket.grantRead(grantee, `${list.prefix}*`);
}
