// Local physical names. Every resource is named after its logical id, so a name seen in a log, a
// table listing or a queue URL points straight back at the template line that declared it.
import type { CfnResource } from './template.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

/** DynamoDB rejects table names shorter than 3 characters (DESIGN §7), and longer than 255. */
const TABLE_NAME_LENGTH_MIN = 3;
const TABLE_NAME_LENGTH_MAX = 255;
/** SQS queue names: 1–80 characters, `.fifo` included. */
const QUEUE_NAME_LENGTH_MAX = 80;
/** S3 bucket names: 3–63 lower-case characters. */
const BUCKET_NAME_LENGTH_MIN = 3;
const BUCKET_NAME_LENGTH_MAX = 63;

export function tableName(logicalId: string): string {
  return logicalId.padEnd(TABLE_NAME_LENGTH_MIN, '_').slice(0, TABLE_NAME_LENGTH_MAX);
}

export function queueName(logicalId: string, resource?: CfnResource): string {
  const fifo = String(resource?.Properties?.FifoQueue ?? 'false') === 'true';
  const suffix = fifo ? '.fifo' : '';
  return logicalId.slice(0, QUEUE_NAME_LENGTH_MAX - suffix.length) + suffix;
}

export function bucketName(logicalId: string): string {
  const lower = logicalId.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return lower.padEnd(BUCKET_NAME_LENGTH_MIN, '0').slice(0, BUCKET_NAME_LENGTH_MAX);
}

export function functionName(logicalId: string): string {
  return logicalId;
}

/** The local app-client id of a Cognito UserPoolClient: its logical id (docs/contracts.md, "The twin"). */
export function userPoolClientId(logicalId: string): string {
  return logicalId;
}

export function queueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
}

export function tableArn(name: string): string {
  return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${name}`;
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;
}

/** Queue URL on the local SQS endpoint; fauxqs finds a queue by the name in the path. */
export function queueUrl(sqsEndpointUrl: string, name: string): string {
  return `${sqsEndpointUrl.replace(/\/$/, '')}/${LOCAL_ACCOUNT_ID}/${name}`;
}
