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
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
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
