// Creates the template's tables, queues and buckets in the emulators. Idempotent: on a restart with
// kept state, existing resources are left alone (queues get their attributes re-applied, so a
// changed template still wins).
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SCREENING_LIST_PREFIX, SDN_FILES } from '../../functions/shared/sdn-files.js';
import { REPO_ROOT } from '../paths.js';
import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as names from '../template/names.js';
import type { QueueSpec, TableSpec, TwinModel } from '../template/model.js';

/** ListTables pages hold at most 100 names. */
const LIST_TABLES_PAGE_SIZE = 100;

async function existingTables(client: DynamoDBClient): Promise<Set<string>> {
  const tables = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(
      new ListTablesCommand({ ExclusiveStartTableName: start, Limit: LIST_TABLES_PAGE_SIZE }),
    );
    for (const name of page.TableNames ?? []) tables.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  return tables;
}

async function createTable(client: DynamoDBClient, table: TableSpec): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table.name,
      KeySchema: table.keySchema as never,
      AttributeDefinitions: table.attributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes:
        table.globalSecondaryIndexes.length > 0 ? (table.globalSecondaryIndexes as never) : undefined,
    }),
  );
}

async function ensureTimeToLive(client: DynamoDBClient, table: TableSpec): Promise<void> {
  if (!table.ttlAttribute) return;
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
  if (current.TimeToLiveDescription?.AttributeName === table.ttlAttribute) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: table.name,
      TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
    }),
  );
}

export async function createTables(client: DynamoDBClient, model: TwinModel): Promise<void> {
  const existing = await existingTables(client);
  for (const table of model.tables) {
    if (!existing.has(table.name)) await createTable(client, table);
    await ensureTimeToLive(client, table);
  }
}

function queueAttributes(queue: QueueSpec, model: TwinModel): Record<string, string> {
  const attributes = { ...queue.attributes };
  if (queue.deadLetterQueueLogicalId) {
    const deadLetterQueue = model.queues.find((candidate) => candidate.logicalId === queue.deadLetterQueueLogicalId);
    if (!deadLetterQueue)
      throw new Error(
        `queue ${queue.logicalId}: dead-letter queue ${queue.deadLetterQueueLogicalId} is not in the template`,
      );
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: names.queueArn(deadLetterQueue.name),
      maxReceiveCount: queue.maxReceiveCount,
    });
  }
  return attributes;
}

export async function createQueues(client: SQSClient, model: TwinModel, sqsEndpointUrl: string): Promise<void> {
  // Dead-letter queues first: a RedrivePolicy may only point at a queue that exists.
  const ordered = [...model.queues].sort(
    (a, b) => Number(Boolean(a.deadLetterQueueLogicalId)) - Number(Boolean(b.deadLetterQueueLogicalId)),
  );
  for (const queue of ordered) {
    const attributes = queueAttributes(queue, model);
    await client.send(
      new CreateQueueCommand({
        QueueName: queue.name,
        Attributes: queue.attributes.FifoQueue ? { FifoQueue: queue.attributes.FifoQueue } : undefined,
      }),
    );
    const { FifoQueue: _fifoIsImmutable, ...mutable } = attributes;
    if (Object.keys(mutable).length > 0) {
      await client.send(
        new SetQueueAttributesCommand({ QueueUrl: names.queueUrl(sqsEndpointUrl, queue.name), Attributes: mutable }),
      );
    }
  }
}

export async function createBuckets(client: S3Client, model: TwinModel): Promise<void> {
  for (const bucket of model.buckets) {
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket.name }));
    } catch {
      await client.send(new CreateBucketCommand({ Bucket: bucket.name }));
    }
  }
}

/** The template's bucket for the SDN list (lib/screening-construct.ts). */
const SCREENING_LIST_BUCKET_LOGICAL_ID = 'ScreeningListBucket';
/** The twin's list: the repo's fixture publication (fixtures/screening/README.md says what it holds). */
export const SCREENING_FIXTURE_DIRECTORY = join(REPO_ROOT, 'fixtures', 'screening');

/**
 * Uploads the fixture list to the screening bucket as an operator uploads a publication (docs/screening.md):
 * the three CSVs, then manifest.json. So the twin's create-payout, recipients-api and rescreen read the list from
 * S3 exactly as they do in AWS. A list already there (kept state, or one uploaded by hand) is left alone.
 */
export async function seedScreeningList(
  client: S3Client,
  model: TwinModel,
  directory: string = SCREENING_FIXTURE_DIRECTORY,
): Promise<void> {
  const bucket = model.buckets.find((spec) => spec.logicalId === SCREENING_LIST_BUCKET_LOGICAL_ID);
  if (bucket === undefined) return;
  const key = (file: string) => `${SCREENING_LIST_PREFIX}${file}`;
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key(SDN_FILES.manifest) }));
    return;
  } catch {
    // No manifest yet: upload the fixture publication.
  }
  for (const file of [SDN_FILES.sdn, SDN_FILES.add, SDN_FILES.alt, SDN_FILES.manifest]) {
    const body = await readFile(join(directory, file));
    await client.send(new PutObjectCommand({ Bucket: bucket.name, Key: key(file), Body: body }));
  }
}
