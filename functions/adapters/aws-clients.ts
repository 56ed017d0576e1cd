import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ENV } from '../shared/names';

/**
 * SDK clients, built once per cold start and injected into adapters. Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which the twin sets; nothing here knows
 * whether it runs on AWS or on a laptop except S3's path-style switch (fauxqs serves path style).
 */
const MAX_ATTEMPTS = 3;

let dynamo: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({ maxAttempts: MAX_ATTEMPTS });
  return dynamo;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    // Amounts are safe integers by construction (domain/money); anything else is a bug to surface.
    unmarshallOptions: { wrapNumbers: false },
  });
  return documentClient;
}

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({ maxAttempts: MAX_ATTEMPTS });
  return sqs;
}

export function s3Client(): S3Client {
  s3 ??= new S3Client({ maxAttempts: MAX_ATTEMPTS, forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' });
  return s3;
}

/** Reads a required environment variable; a missing one is a deployment bug, so it crashes the cold start. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`missing environment variable ${name}`);
  return value;
}
