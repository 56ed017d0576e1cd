// DynamoDB Local + fauxqs with every table, queue and bucket of the template created. Used by the
// twin and, through test/support/emulators.ts, by integration tests.
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DUMMY_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb.js';
import { startFauxqsEmulator, type FauxqsEmulator } from './fauxqs.js';
import type { TwinModel } from '../template/model.js';
import * as names from '../template/names.js';
import { createBuckets, createQueues, createTables, seedScreeningList } from '../aws/resources.js';
import { ENV } from '../../functions/shared/names.js';

/**
 * The twin's recipients master key (32 bytes, base64): fixed, so data kept in a state directory opens
 * after a restart. Not a secret: it protects only the twin's test data, and no AWS function ever has it.
 */
export const TWIN_RECIPIENT_MASTER_KEY_BASE64 = Buffer.from('payout-platform twin recipients!', 'utf8').toString(
  'base64',
);

export interface EmulatorClients {
  dynamodb: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
}

/** Local names, keyed by logical id (`PayoutsTable`, `SubmissionQueue`, …) and by env var where the template sets one. */
export interface ResolvedNames {
  tables: Record<string, string>;
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  buckets: Record<string, string>;
}

export interface Emulators {
  dynamodbEndpointUrl: string;
  sqsEndpointUrl: string;
  s3EndpointUrl: string;
  clients: EmulatorClients;
  names: ResolvedNames;
  /** The endpoint part of every function's environment (docs/contracts.md). */
  awsEnvironment: Record<string, string>;
  stop(): Promise<void>;
}

export function awsClients(dynamodbEndpointUrl: string, fauxqsEndpointUrl: string): EmulatorClients {
  const common = { region: names.LOCAL_REGION, credentials: DUMMY_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: dynamodbEndpointUrl });
  return {
    dynamodb,
    documentClient: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    sqs: new SQSClient({ ...common, endpoint: fauxqsEndpointUrl }),
    s3: new S3Client({ ...common, endpoint: fauxqsEndpointUrl, forcePathStyle: true }),
  };
}

export function resolvedNames(model: TwinModel, sqsEndpointUrl: string): ResolvedNames {
  const byLogicalId = <T extends { logicalId: string }>(items: T[], value: (item: T) => string) =>
    Object.fromEntries(items.map((item) => [item.logicalId, value(item)]));
  return {
    tables: byLogicalId(model.tables, (table) => table.name),
    queueUrls: byLogicalId(model.queues, (queue) => names.queueUrl(sqsEndpointUrl, queue.name)),
    queueArns: byLogicalId(model.queues, (queue) => names.queueArn(queue.name)),
    buckets: byLogicalId(model.buckets, (bucket) => bucket.name),
  };
}

/** Emulator processes up, nothing created yet: lets the twin boot the JVM while `cdk synth` runs. */
export interface LaunchedEmulators {
  dynamodb: DynamoDbLocal;
  fauxqs: FauxqsEmulator;
  stop(): Promise<void>;
}

/**
 * `dynamodbInMemory` keeps DynamoDB Local's data in the JVM (`-inMemory`) instead of files under
 * the state directory: a scratch twin that is never restarted (tests, a drill's private twin) loses
 * nothing by it, and a file-backed DynamoDB Local takes several times as long per write.
 */
export async function launchEmulators(
  options: { stateDir?: string; dynamodbInMemory?: boolean } = {},
): Promise<LaunchedEmulators> {
  const started: Array<DynamoDbLocal | FauxqsEmulator> = [];
  const stopAll = async () => {
    await Promise.allSettled(started.reverse().map((emulator) => emulator.stop()));
  };
  try {
    // Java takes seconds to start; fauxqs starts in-process meanwhile.
    const [dynamodb, fauxqs] = await Promise.all([
      startDynamoDbLocal({
        dataDir: options.stateDir && !options.dynamodbInMemory ? join(options.stateDir, 'dynamodb') : undefined,
      }).then((e) => {
        started.push(e);
        return e;
      }),
      startFauxqsEmulator({ dataDir: options.stateDir ? join(options.stateDir, 'fauxqs') : undefined }).then((e) => {
        started.push(e);
        return e;
      }),
    ]);
    return { dynamodb, fauxqs, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Creates the template's tables, queues and buckets in launched emulators (idempotent). */
export async function provisionEmulators(launched: LaunchedEmulators, model: TwinModel): Promise<Emulators> {
  const { dynamodb, fauxqs } = launched;
  const clients = awsClients(dynamodb.endpointUrl, fauxqs.endpointUrl);
  const stop = async () => {
    clients.dynamodb.destroy();
    clients.sqs.destroy();
    clients.s3.destroy();
    await launched.stop();
  };
  try {
    await Promise.all([
      createTables(clients.dynamodb, model),
      createQueues(clients.sqs, model, fauxqs.endpointUrl),
      createBuckets(clients.s3, model).then(() => seedScreeningList(clients.s3, model)),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dynamodbEndpointUrl: dynamodb.endpointUrl,
    sqsEndpointUrl: fauxqs.endpointUrl,
    s3EndpointUrl: fauxqs.endpointUrl,
    clients,
    names: resolvedNames(model, fauxqs.endpointUrl),
    awsEnvironment: {
      AWS_REGION: names.LOCAL_REGION,
      AWS_DEFAULT_REGION: names.LOCAL_REGION,
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpointUrl,
      AWS_ENDPOINT_URL_SQS: fauxqs.endpointUrl,
      AWS_ENDPOINT_URL_S3: fauxqs.endpointUrl,
      S3_FORCE_PATH_STYLE: 'true',
      // The twin's stand-in for KMS (wiring/recipients.ts prefers it when set; CDK never sets it).
      [ENV.recipientLocalMasterKey]: TWIN_RECIPIENT_MASTER_KEY_BASE64,
    },
    stop,
  };
}

export async function startEmulatorsFor(model: TwinModel, options: { stateDir?: string } = {}): Promise<Emulators> {
  return provisionEmulators(await launchEmulators(options), model);
}
