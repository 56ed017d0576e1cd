// Parity: everything the synthesized template declares — routes with their scopes, tables with
// keys / GSIs / TTL, queues with their redrive policy, buckets, event source mappings and schedules —
// exists in the running twin, and nothing else. The template is read here as raw JSON, not through
// the twin's own model, so a bug in the model cannot hide itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDK_OUT_DIR } from '../../local/paths.js';
import { listStacks } from '../../local/template/template.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

type Resource = { Type: string; Properties: Record<string, any> };
let twin: StartedTwin;
let resources: Array<[string, Resource]>;
let inventory: any;

const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
const sorted = <T>(items: T[]) => [...items].sort();

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  const stack = listStacks(CDK_OUT_DIR).find((candidate) => candidate.stackName === twin.twin.model.stackName)!;
  resources = Object.entries(
    JSON.parse(readFileSync(stack.templatePath ?? join(CDK_OUT_DIR, `${stack.stackName}.template.json`), 'utf8'))
      .Resources,
  );
  inventory = await (await fetch(`${twin.url}/.twin/inventory`)).json();
});

afterAll(async () => {
  await twin?.stop();
});

describe('parity between the template and the running twin', () => {
  it('serves exactly the template routes, each with its scopes', () => {
    const expected = ofType('AWS::ApiGatewayV2::Route').map(
      ([, route]) =>
        `${route.Properties.RouteKey} [${sorted(route.Properties.AuthorizationScopes ?? []).join(' ')}] ${route.Properties.AuthorizationType ?? 'NONE'}`,
    );
    const served = inventory.routes.map(
      (route: any) => `${route.routeKey} [${sorted(route.scopes).join(' ')}] ${route.authorized ? 'JWT' : 'NONE'}`,
    );
    expect(sorted(served)).toEqual(sorted(expected));
  });

  it('has exactly the template tables, with their keys, GSIs and TTL', async () => {
    const expected = [...ofType('AWS::DynamoDB::Table'), ...ofType('AWS::DynamoDB::GlobalTable')];
    const { TableNames } = await twin.clients.dynamodb.send(new ListTablesCommand({}));
    expect(sorted(TableNames ?? [])).toEqual(sorted(expected.map(([logicalId]) => logicalId)));
    for (const [logicalId, table] of expected) {
      const { Table } = await twin.clients.dynamodb.send(new DescribeTableCommand({ TableName: logicalId }));
      expect(Table?.KeySchema, logicalId).toEqual(table.Properties.KeySchema);
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map(
        (index) =>
          `${index.IndexName}:${JSON.stringify(index.KeySchema)}:${index.Projection?.ProjectionType}:${sorted(index.Projection?.NonKeyAttributes ?? []).join(',')}`,
      );
      const declared = (table.Properties.GlobalSecondaryIndexes ?? []).map(
        (index: any) =>
          `${index.IndexName}:${JSON.stringify(index.KeySchema)}:${index.Projection?.ProjectionType ?? 'ALL'}:${sorted(index.Projection?.NonKeyAttributes ?? []).join(',')}`,
      );
      expect(sorted(indexes), logicalId).toEqual(sorted(declared));
      const { TimeToLiveDescription } = await twin.clients.dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: logicalId }),
      );
      const ttl = table.Properties.TimeToLiveSpecification;
      expect(TimeToLiveDescription?.AttributeName, logicalId).toBe(ttl?.Enabled ? ttl.AttributeName : undefined);
    }
  });

  it('has exactly the template queues, each with its redrive policy and visibility timeout', async () => {
    const expected = ofType('AWS::SQS::Queue');
    const { QueueUrls } = await twin.clients.sqs.send(new ListQueuesCommand({}));
    expect(sorted((QueueUrls ?? []).map((url) => url.split('/').pop()!))).toEqual(
      sorted(expected.map(([logicalId]) => logicalId)),
    );
    for (const [logicalId, queue] of expected) {
      const { Attributes } = await twin.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: twin.names.queueUrls[logicalId], AttributeNames: ['All'] }),
      );
      const redrive = queue.Properties.RedrivePolicy;
      if (redrive) {
        const actual = JSON.parse(Attributes?.RedrivePolicy ?? '{}');
        expect(actual.deadLetterTargetArn, logicalId).toBe(
          `arn:aws:sqs:us-east-1:000000000000:${refId(redrive.deadLetterTargetArn)}`,
        );
        expect(Number(actual.maxReceiveCount), logicalId).toBe(Number(redrive.maxReceiveCount));
      } else {
        expect(Attributes?.RedrivePolicy, logicalId).toBeUndefined();
      }
      if (queue.Properties.VisibilityTimeout !== undefined)
        expect(Attributes?.VisibilityTimeout, logicalId).toBe(String(queue.Properties.VisibilityTimeout));
      if (queue.Properties.MessageRetentionPeriod !== undefined)
        expect(Attributes?.MessageRetentionPeriod, logicalId).toBe(String(queue.Properties.MessageRetentionPeriod));
    }
  });

  it('has exactly the template buckets', async () => {
    const { Buckets } = await twin.clients.s3.send(new ListBucketsCommand({}));
    expect(sorted((Buckets ?? []).map((bucket) => bucket.Name!))).toEqual(
      sorted(ofType('AWS::S3::Bucket').map(([logicalId]) => logicalId.toLowerCase())),
    );
  });

  it('polls exactly the template event source mappings, with their batch settings', () => {
    const expected = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => {
      const fn = resources.find(([id]) => id === refId(mapping.Properties.FunctionName))![1];
      return `${refId(mapping.Properties.EventSourceArn)} → ${fn.Properties.Environment.Variables.PAYOUT_FUNCTION} batch=${mapping.Properties.BatchSize ?? 10} window=${mapping.Properties.MaximumBatchingWindowInSeconds ?? 0} partial=${(mapping.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')}`;
    });
    const polled = inventory.eventSourceMappings.map((mapping: any) => {
      expect(mapping.running, mapping.logicalId).toBe(true);
      return `${mapping.queue.split('/').pop()} → ${mapping.function} batch=${mapping.batchSize} window=${mapping.maxBatchingWindowSeconds} partial=${mapping.reportBatchItemFailures}`;
    });
    expect(sorted(polled)).toEqual(sorted(expected));
  });

  it('runs exactly the template schedules, each with its expression and time zone', () => {
    const expected = ofType('AWS::Scheduler::Schedule').map(([, schedule]) => {
      const fn = resources.find(([id]) => id === refId(schedule.Properties.Target.Arn))![1];
      return `${fn.Properties.Environment.Variables.PAYOUT_FUNCTION} ${schedule.Properties.ScheduleExpression} ${schedule.Properties.ScheduleExpressionTimezone ?? 'UTC'}`;
    });
    const rules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties.ScheduleExpression);
    const running = inventory.schedules.map((schedule: any) => {
      expect(schedule.nextRunAt, schedule.logicalId).toEqual(expect.any(String));
      return `${schedule.functionShortName} ${schedule.expression} ${schedule.timezone}`;
    });
    expect(running.length).toBe(expected.length + rules.length);
    expect(sorted(running)).toEqual(expect.arrayContaining(sorted(expected)));
  });

  it('loads every function of ours from its bundle', () => {
    const ours = ofType('AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.PAYOUT_FUNCTION,
    );
    expect(sorted(inventory.functions.map((fn: any) => fn.shortName))).toEqual(
      sorted(ours.map(([, fn]) => fn.Properties.Environment.Variables.PAYOUT_FUNCTION)),
    );
  });
});
