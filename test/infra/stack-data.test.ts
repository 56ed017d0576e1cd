import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_INDEXES } from '../../functions/shared/names';
import {
  loadStack,
  SQS_RETENTION_MAX_SECONDS,
  MAX_RECEIVE_COUNT_MIN,
  VISIBILITY_TIMEOUT_MULTIPLIER_MIN,
  SQS_VISIBILITY_TIMEOUT_MAX_SECONDS,
  template,
  resources,
  ofType,
  functionByName,
} from './support/stack-fixture';

// Template assertions for the data plane: tables, buckets and queues (security-relevant properties).
beforeAll(loadStack);

/** The DynamoDB actions a function's role has on a table (and its indexes). */
function dynamoActionsOn(name: string, table: string): string[] {
  const role = functionByName(name)[1].Properties.Role['Fn::GetAtt'][0];
  return [
    ...new Set(
      Object.values(ofType('AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
        .flatMap(
          (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        )
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${table}"`))
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => action.startsWith('dynamodb:')),
    ),
  ].sort();
}

describe('DynamoDB tables', () => {
  // Issue 15: RecipientsTable joins them (recipients, tax forms, screening cases: docs/compliance.md).
  const singleTables = ['PayoutsTable', 'LedgerTable', 'InboxTable', 'OperationsTable', 'RecipientsTable'];

  // Issue 10: AuditTable joins them (the audit trail, docs/audit.md).
  it('are exactly the seven of the contract, on demand, PITR, SSE, retained', () => {
    expect(Object.keys(ofType('AWS::DynamoDB::Table')).sort()).toEqual(
      ['AuditTable', 'IdempotencyTable', ...singleTables].sort(),
    );
    for (const table of Object.values(ofType('AWS::DynamoDB::Table'))) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  // Issue 11 §3: InboxTable gains the sparse backlog index gsi3 (KEYS_ONLY, asserted below).
  it('single tables have pk/sk and the overloaded gsi1/gsi2 with projection ALL (PayoutsTable also the sparse gsi3 and the day index gsi4, InboxTable the backlog gsi3)', () => {
    for (const logicalId of singleTables) {
      const table = resources[logicalId]!;
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexes = table.Properties.GlobalSecondaryIndexes as any[];
      expect(indexes.map((index) => index.IndexName)).toEqual(
        logicalId === 'PayoutsTable'
          ? ['gsi1', 'gsi2', 'gsi3', 'gsi4']
          : logicalId === 'InboxTable'
            ? ['gsi1', 'gsi2', 'gsi3']
            : ['gsi1', 'gsi2'],
      );
      for (const index of indexes) {
        expect(index.KeySchema).toEqual([
          { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
          { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
        ]);
        if (index.IndexName !== 'gsi3' && index.IndexName !== 'gsi4')
          expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
      }
      for (const attribute of table.Properties.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
    }
  });

  it('InboxTable gsi3 (webhook backlog) is sparse and KEYS_ONLY: the age is its sort key', () => {
    const gsi3 = (resources.InboxTable!.Properties.GlobalSecondaryIndexes as any[]).find(
      (index) => index.IndexName === 'gsi3',
    );
    expect(gsi3.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(resources.InboxTable!.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'gsi3pk', AttributeType: 'S' },
        { AttributeName: 'gsi3sk', AttributeType: 'S' },
      ]),
    );
  });

  // GET /status is public: its function may Query the day index for `createdAt` and nothing more.
  it('ops-redrive reads PayoutsTable only by Query on gsi4, for createdAt and the keys only', () => {
    expect(dynamoActionsOn('ops-redrive', 'PayoutsTable')).toEqual(['dynamodb:Query']);
    const role = functionByName('ops-redrive')[1].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(ofType('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as any[])
      .filter((statement) => JSON.stringify(statement.Resource).includes('"PayoutsTable"'));
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Resource)).toContain('/index/gsi4');
    expect(statements[0].Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['createdAt', 'pk', 'sk', 'gsi4pk', 'gsi4sk'] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  it('PayoutsTable gsi3 (awaiting provider) projects only what the sweeper decides on', () => {
    const gsi3 = (resources.PayoutsTable!.Properties.GlobalSecondaryIndexes as any[]).find(
      (index) => index.IndexName === 'gsi3',
    );
    expect(gsi3.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['payoutId', 'status', 'currency', 'destination', 'createdAt', 'lastEventAt'],
    });
    expect(resources.PayoutsTable!.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'gsi3pk', AttributeType: 'S' },
        { AttributeName: 'gsi3sk', AttributeType: 'S' },
      ]),
    );
  });

  it('PayoutsTable gsi4 (reconciliation day) projects only what reconciliation reads of a payout', () => {
    const gsi4 = (resources.PayoutsTable!.Properties.GlobalSecondaryIndexes as any[]).find(
      (index) => index.IndexName === 'gsi4',
    );
    expect(gsi4.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: [
        'payoutId',
        'idempotencyKey',
        'metadata',
        // issue 13: a batch item's identity (payout_batch_id, sender_batch_id on the export).
        'batch',
        'provider',
        'providerReference',
        // issue 14: PayPal's item transaction_id, the reference its TRR prints.
        'providerTransactionId',
        'status',
        'statusReason',
        'amountMinor',
        'feeMinor',
        'currency',
        'createdAt',
        'lastEventAt',
        // issue 12: the journal's copy on the payout item and its marker (adapters/ledger-copy.ts).
        'ledgerEntries',
        'ledgerEntriesComplete',
      ],
    });
  });

  it('expire items by the agreed TTL attributes', () => {
    expect(resources.IdempotencyTable!.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(resources.IdempotencyTable!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
    for (const logicalId of ['InboxTable', 'OperationsTable']) {
      expect(resources[logicalId]!.Properties.TimeToLiveSpecification).toEqual({
        AttributeName: 'expiresAtEpochSeconds',
        Enabled: true,
      });
    }
    for (const logicalId of ['PayoutsTable', 'LedgerTable', 'AuditTable']) {
      expect(resources[logicalId]!.Properties.TimeToLiveSpecification).toBeUndefined();
    }
  });

  it('AuditTable: pk/sk, the day, actor and action indexes (projection ALL), no TTL', () => {
    const table = resources.AuditTable!.Properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const indexes = table.GlobalSecondaryIndexes as any[];
    expect(indexes.map((index) => index.IndexName)).toEqual(Object.values(AUDIT_INDEXES));
    for (const index of indexes) {
      expect(index.KeySchema).toEqual([
        { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
  });

  // Writers append (read the head, put record and head); none may update or delete an audit item.
  it('AuditTable: writers may only GetItem and PutItem; readers are the audit functions and reconcile', () => {
    const writers = [
      'create-payout',
      'submit-payout',
      'process-webhook',
      'sweep',
      'ops-exceptions',
      'ops-redrive',
      'query-payouts',
    ];
    for (const name of writers)
      expect(dynamoActionsOn(name, 'AuditTable'), name).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    for (const name of ['audit', 'audit-verify', 'reconcile']) {
      const actions = dynamoActionsOn(name, 'AuditTable');
      expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
      expect(
        actions.filter((action) => /Delete|Update|BatchWrite/.test(action)),
        name,
      ).toEqual([]);
    }
    expect(dynamoActionsOn('audit-verify', 'AuditTable')).not.toContain('dynamodb:PutItem');
  });
});

describe('S3 buckets', () => {
  it('block public access, encrypt with SSE-S3 and are retained', () => {
    expect(Object.keys(ofType('AWS::S3::Bucket')).sort()).toEqual([
      'AccessLogsBucket',
      'BatchUploadsBucket',
      'EvidenceBucket',
      'ExportsBucket',
      'ScreeningListBucket',
    ]);
    for (const bucket of Object.values(ofType('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  it('version evidence, exports and the screening list and log their access to AccessLogsBucket', () => {
    for (const logicalId of ['EvidenceBucket', 'ExportsBucket', 'ScreeningListBucket']) {
      const bucket = resources[logicalId]!;
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: 'AccessLogsBucket' },
        LogFilePrefix: `${logicalId}/`,
      });
    }
  });

  it('deny every request that is not TLS', () => {
    for (const logicalId of ['AccessLogsBucket', 'EvidenceBucket', 'ExportsBucket']) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('SQS queues', () => {
  const pairs = [
    { queue: 'SubmissionQueue', dlq: 'SubmissionDlq', consumer: 'submit-payout', batchSize: 10, windowSeconds: 1 },
    { queue: 'WebhookQueue', dlq: 'WebhookDlq', consumer: 'process-webhook', batchSize: 10, windowSeconds: 1 },
    // One run per invocation: a run can take the reconcile function's whole timeout.
    { queue: 'ReconciliationQueue', dlq: 'ReconciliationDlq', consumer: 'reconcile', batchSize: 1, windowSeconds: 0 },
    // One batch chunk (up to 100 items) per invocation (issue 13, lib/batches-construct.ts).
    { queue: 'BatchQueue', dlq: 'BatchDlq', consumer: 'process-batch', batchSize: 1, windowSeconds: 0 },
  ];

  it('are encrypted and TLS only', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(Object.keys(queues).sort()).toEqual([
      'BatchDlq',
      'BatchQueue',
      'ReconciliationDlq',
      'ReconciliationQueue',
      'ScheduleDlq',
      'SubmissionDlq',
      'SubmissionQueue',
      'WebhookDlq',
      'WebhookQueue',
    ]);
    for (const [logicalId, queue] of Object.entries(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('redrive to their DLQ after at least 5 receives; DLQs keep messages 14 days', () => {
    for (const { queue, dlq } of pairs) {
      const redrive = resources[queue]!.Properties.RedrivePolicy;
      expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [dlq, 'Arn'] });
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(MAX_RECEIVE_COUNT_MIN);
    }
    for (const dlq of ['SubmissionDlq', 'WebhookDlq', 'ReconciliationDlq', 'ScheduleDlq']) {
      expect(resources[dlq]!.Properties.MessageRetentionPeriod).toBe(SQS_RETENTION_MAX_SECONDS);
    }
  });

  it('have a visibility timeout of at least 6 × the consumer timeout, within the SQS maximum', () => {
    for (const { queue, consumer } of pairs) {
      const [, fn] = functionByName(consumer);
      expect(resources[queue]!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        VISIBILITY_TIMEOUT_MULTIPLIER_MIN * fn.Properties.Timeout,
      );
      expect(resources[queue]!.Properties.VisibilityTimeout).toBeLessThanOrEqual(SQS_VISIBILITY_TIMEOUT_MAX_SECONDS);
    }
  });

  it('feed their consumer in batches with partial batch responses', () => {
    for (const { queue, consumer, batchSize, windowSeconds } of pairs) {
      const [functionLogicalId] = functionByName(consumer);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        FunctionName: { Ref: functionLogicalId },
        BatchSize: batchSize,
        MaximumBatchingWindowInSeconds: windowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', pairs.length);
  });

  const statementsOf = (name: string) =>
    Object.values(ofType('AWS::IAM::Policy'))
      .filter((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(
          `"${functionByName(name)[1].Properties.Role['Fn::GetAtt'][0]}"`,
        ),
      )
      .flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  const sqsActionsOn = (name: string, queue: string) =>
    [
      ...new Set(
        statementsOf(name)
          .filter((statement) => JSON.stringify(statement.Resource).includes(`"${queue}"`))
          .flatMap((statement) => [statement.Action].flat())
          .filter((action) => action.startsWith('sqs:')),
      ),
    ].sort();

  it('let reconciliations-api send to ReconciliationQueue and reconcile consume it, nothing more', () => {
    expect(sqsActionsOn('reconciliations-api', 'ReconciliationQueue')).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(sqsActionsOn('reconcile', 'ReconciliationQueue')).toEqual(
      expect.arrayContaining(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage']),
    );
    expect(sqsActionsOn('reconcile', 'ReconciliationQueue')).not.toContain('sqs:SendMessage');
  });

  it('let ops-redrive work ReconciliationDlq like the other DLQs, and sweep only peek it', () => {
    const consume = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ];
    for (const dlq of ['SubmissionDlq', 'WebhookDlq', 'ReconciliationDlq'])
      expect(sqsActionsOn('ops-redrive', dlq)).toEqual(consume);
    // Redrive sends back to the work queue and reads its depth for GET /ops/queues; it never consumes there.
    expect(sqsActionsOn('ops-redrive', 'ReconciliationQueue')).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(sqsActionsOn('sweep', 'ReconciliationDlq')).toEqual(['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage']);
    expect(sqsActionsOn('sweep', 'ReconciliationQueue')).toEqual([]);
  });
});
