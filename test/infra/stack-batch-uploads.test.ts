import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_ITEMS_KEY_PREFIX,
  BATCH_ITEMS_RETENTION_DAYS,
  UPLOAD_KEY_PREFIX,
  UPLOAD_RETENTION_DAYS,
} from '../../functions/shared/batch-uploads';
import { functionByName, loadStack, ofType, resources, template } from './support/stack-fixture';

// Template assertions for batch files (docs/batch-uploads.md): the uploads bucket is private, TLS
// only, encrypted, access-logged and expires its files; batch-uploads may only put files and records.
beforeAll(loadStack);

/** Every statement of the role of a function, flattened. */
function statementsOf(name: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const role = functionByName(name)[1].Properties.Role['Fn::GetAtt'][0];
  return Object.values(ofType('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('BatchUploadsBucket', () => {
  it('is private, SSE-S3, not versioned, retained and logs its access', () => {
    const bucket = resources['BatchUploadsBucket']!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: 'AccessLogsBucket' },
      LogFilePrefix: 'BatchUploadsBucket/',
    });
  });

  // The accepted batches' item objects (batches/) live as long as the 30-day batch identity they back.
  it(`expires uploads after UPLOAD_RETENTION_DAYS (${UPLOAD_RETENTION_DAYS}) days, item objects after ${BATCH_ITEMS_RETENTION_DAYS}`, () => {
    expect(resources['BatchUploadsBucket']!.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'expire-batch-uploads',
          Prefix: UPLOAD_KEY_PREFIX,
          ExpirationInDays: UPLOAD_RETENTION_DAYS,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
        {
          Id: 'expire-batch-items',
          Prefix: BATCH_ITEMS_KEY_PREFIX,
          ExpirationInDays: BATCH_ITEMS_RETENTION_DAYS,
          Status: 'Enabled',
        },
      ],
    });
  });

  it('denies every request that is not TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'BatchUploadsBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('batch-uploads function', () => {
  it('may only PutObject under uploads/ and PutItem upload records: no read, no delete, no payouts', () => {
    const grants = statementsOf('batch-uploads')
      .filter((s) => !JSON.stringify(s.Action).includes('xray') && !JSON.stringify(s.Action).includes('logs:'))
      .map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) }));
    expect(grants.map((g) => g.actions)).toEqual([['s3:PutObject'], ['dynamodb:PutItem']]);
    expect(grants[0]!.resource).toContain('BatchUploadsBucket');
    expect(grants[0]!.resource).toContain(`/${UPLOAD_KEY_PREFIX}*`);
    expect(grants[1]!.resource).toContain('OperationsTable');
  });

  it('knows its bucket and the operations table, nothing else', () => {
    const variables = functionByName('batch-uploads')[1].Properties.Environment.Variables;
    expect(variables.BATCH_UPLOADS_BUCKET).toEqual({ Ref: 'BatchUploadsBucket' });
    expect(variables.OPERATIONS_TABLE).toEqual({ Ref: 'OperationsTable' });
    expect(variables.PAYOUTS_TABLE).toBeUndefined();
  });

  it('batches-api reads uploads: GetObject under uploads/ and GetItem on the records, with both names in its environment', () => {
    const grants = statementsOf('batches-api').map((s) => ({
      actions: [s.Action].flat(),
      resource: JSON.stringify(s.Resource),
    }));
    const getObject = grants.find((g) => g.actions.includes('s3:GetObject'));
    expect(getObject?.resource).toContain(`/${UPLOAD_KEY_PREFIX}*`);
    expect(grants.some((g) => g.actions.includes('dynamodb:GetItem') && g.resource.includes('OperationsTable'))).toBe(
      true,
    );
    const variables = functionByName('batches-api')[1].Properties.Environment.Variables;
    // Without OPERATIONS_TABLE the function failed to load in the twin (every batches route 500).
    expect(variables.BATCH_UPLOADS_BUCKET).toEqual({ Ref: 'BatchUploadsBucket' });
    expect(variables.OPERATIONS_TABLE).toEqual({ Ref: 'OperationsTable' });
  });
});
