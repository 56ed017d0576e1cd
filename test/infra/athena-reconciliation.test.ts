import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATHENA_BYTES_SCANNED_CUTOFF_PER_QUERY_BYTES,
  ATHENA_RESULTS_EXPIRY_DAYS,
  RECON_LAKE_PARTITION_EXPIRY_DAYS,
} from '../../lib/athena-reconciliation-construct';
import { readPlatformConfig } from '../../lib/config';
import { ENV } from '../../functions/shared/names';
import { RECON_LAKE_TABLES, RECON_LAKE_TABLE_NAMES } from '../../functions/shared/recon-lake';
import { synthesizePlatform } from './support/synth';

// The stage option reconciliationEngine: `athena` adds the day partitions' bucket, their Glue
// tables (partition projection: no crawler) and an enforced Athena workgroup, granted to the
// reconcile function alone; the default, `lambda`, synthesizes nothing of it. Bundling skipped:
// these read the template.

type Resource = { Properties: Record<string, any> };
const ofType = (template: Template, type: string): Record<string, Resource> =>
  template.findResources(type) as Record<string, Resource>;
const ATHENA_TYPES = ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup'];

/** Every IAM action of every policy, with the role it is attached to. */
function grantsOf(template: Template): { roles: string[]; actions: string[] }[] {
  return Object.values(ofType(template, 'AWS::IAM::Policy')).map((policy) => ({
    roles: (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref),
    actions: (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
      [s.Action].flat(),
    ),
  }));
}

function reconcileFunction(template: Template): Resource {
  const [fn] = Object.values(ofType(template, 'AWS::Lambda::Function')).filter(
    (f) => f.Properties.Environment?.Variables?.[ENV.functionName] === 'reconcile',
  );
  return fn!;
}

let lambdaTemplate: Template;
let athenaTemplate: Template;
let athenaApp: App;

beforeAll(() => {
  ({ template: lambdaTemplate } = synthesizePlatform({ skipBundling: true }));
  ({ template: athenaTemplate, app: athenaApp } = synthesizePlatform({
    skipBundling: true,
    context: { reconciliationEngine: 'athena' },
  }));
});

describe('reconciliationEngine', () => {
  it('defaults to lambda and refuses an engine it does not know', () => {
    expect(readPlatformConfig(new App().node).reconciliationEngine).toBe('lambda');
    const app = new App({ context: { reconciliationEngine: 'spark' } });
    expect(() => readPlatformConfig(app.node)).toThrow(/reconciliationEngine must be one of lambda, athena.*spark/);
  });

  it('lambda (the default): nothing Athena-related is synthesized, granted or configured', () => {
    for (const type of ATHENA_TYPES) expect(Object.keys(ofType(lambdaTemplate, type))).toEqual([]);
    const actions = grantsOf(lambdaTemplate).flatMap((g) => g.actions);
    expect(actions.filter((a) => /^(athena|glue):/.test(a))).toEqual([]);
    const variables = Object.keys(reconcileFunction(lambdaTemplate).Properties.Environment.Variables);
    expect(variables).not.toContain(ENV.reconLakeBucket);
    expect(variables).not.toContain(ENV.reconAthenaWorkgroup);
    expect(JSON.stringify(lambdaTemplate.toJSON())).not.toMatch(/ReconLakeBucket/);
  });
});

describe('reconciliationEngine = athena', () => {
  it('one Glue database and a Parquet table per partition layout, days projected (no crawler)', () => {
    expect(Object.keys(ofType(athenaTemplate, 'AWS::Glue::Database'))).toHaveLength(1);
    expect(Object.keys(ofType(athenaTemplate, 'AWS::Glue::Crawler'))).toEqual([]);
    const tables = Object.values(ofType(athenaTemplate, 'AWS::Glue::Table')).map((t) => t.Properties.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual([...RECON_LAKE_TABLE_NAMES].sort());
    for (const table of tables) {
      expect(table.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy-MM-dd',
      });
      expect(JSON.stringify(table.Parameters['storage.location.template'])).toContain(
        `/recon/${table.Name}/day=\${day}/`,
      );
      expect(table.PartitionKeys).toEqual([{ Name: 'day', Type: 'string' }]);
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toMatch(/ParquetHiveSerDe$/);
      const layout = RECON_LAKE_TABLES[table.Name as keyof typeof RECON_LAKE_TABLES];
      expect(table.StorageDescriptor.Columns).toEqual(layout.map((c) => ({ Name: c.name, Type: c.type })));
    }
  });

  it('an enforced workgroup: encrypted results in the lake bucket, a bytes-scanned cutoff per query', () => {
    const [workgroup] = Object.values(ofType(athenaTemplate, 'AWS::Athena::WorkGroup'));
    const configuration = workgroup!.Properties.WorkGroupConfiguration;
    expect(configuration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF_PER_QUERY_BYTES,
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
    });
    expect(JSON.stringify(configuration.ResultConfiguration.OutputLocation)).toMatch(
      /ReconLakeBucket.*athena-results\//,
    );
  });

  it('the lake bucket: private, TLS only, encrypted, logged, results and partitions expiring', () => {
    athenaTemplate.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: Match.anyValue(),
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'ReconLakeBucket/' }),
        PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: ATHENA_RESULTS_EXPIRY_DAYS }),
            Match.objectLike({ Prefix: 'recon/', ExpirationInDays: RECON_LAKE_PARTITION_EXPIRY_DAYS }),
          ]),
        },
      }),
    });
    athenaTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'ReconLakeBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('only the reconcile function may query, read the tables or touch the lake bucket; no Glue write', () => {
    const athenaGrants = grantsOf(athenaTemplate).filter((g) => g.actions.some((a) => /^(athena|glue):/.test(a)));
    expect(athenaGrants).toHaveLength(1);
    const reconcileRole = reconcileFunction(athenaTemplate).Properties.Role['Fn::GetAtt'][0];
    expect(athenaGrants[0]!.roles).toEqual([reconcileRole]);
    expect(athenaGrants[0]!.actions.filter((a) => a.startsWith('glue:')).sort()).toEqual([
      'glue:GetDatabase',
      'glue:GetTable',
    ]);
    const lakeReaders = Object.values(ofType(athenaTemplate, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('ReconLakeBucket'),
    );
    expect(lakeReaders.map((p) => p.Properties.Roles)).toEqual([[{ Ref: reconcileRole }]]);
    const variables = reconcileFunction(athenaTemplate).Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([ENV.reconLakeBucket, ENV.reconGlueDatabase, ENV.reconAthenaWorkgroup]),
    );
  });

  it('cdk-nag (AwsSolutions, Serverless) finds nothing unacknowledged', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(athenaApp);
      expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
    }
  });
});
