import { Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../functions/shared/names';
import {
  RECON_ATHENA_RESULTS_PREFIX,
  RECON_LAKE_DAY_COLUMN,
  RECON_LAKE_PREFIX,
  RECON_LAKE_TABLES,
  RECON_LAKE_TABLE_NAMES,
  reconLakeTablePrefix,
} from '../functions/shared/recon-lake';
import { defaultBucketProps } from './defaults/s3-defaults';
import { pinLogicalId } from './logical-id';

// The scale-out path of the nightly reconciliation (docs/reconciliation.md, "Past one Lambda"),
// built only when the stage option reconciliationEngine is `athena`: a bucket for the day
// partitions, Glue tables over them with partition projection (no crawler, no partitions to
// add), and an Athena workgroup that enforces where results go, how they are encrypted, and how
// much one query may scan. Only the reconcile function may use any of it.

/**
 * The most one query may scan before Athena cancels it (and bills it). Measured with DuckDB's
 * writer (zstd Parquet): 17.7 MB per million rows of payouts + report + ledger on the bench's
 * synthetic day, whose sequential ids compress far better than real ones; the uncompressed width,
 * ~250 bytes a row a table, bounds a 10M-payout day at ~7.5 GB over the three. 20 GiB lets one query
 * read each table of such a day twice, and cancels a query that lost its day filter before it
 * reads months of partitions.
 */
export const ATHENA_BYTES_SCANNED_CUTOFF_PER_QUERY_BYTES = 20 * 1024 ** 3;
/** Query results and UNLOAD output are a run's working files: the run reads them within minutes. */
export const ATHENA_RESULTS_EXPIRY_DAYS = 7;
/**
 * Day partitions are derived (DynamoDB and the exports are the records): kept long enough to re-run
 * any day of the last month on Athena, then expired.
 */
export const RECON_LAKE_PARTITION_EXPIRY_DAYS = 35;
/** The first day partition projection offers (Athena reads `day` values from here to NOW). */
export const RECON_LAKE_DAY_RANGE_START = '2024-01-01';
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};

export interface AthenaReconciliationProps {
  readonly reconcile: lambda.Function;
  readonly accessLogsBucket: s3.IBucket;
}

export class AthenaReconciliation extends Construct {
  readonly lakeBucket: s3.Bucket;
  readonly databaseName: string;
  readonly workgroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: AthenaReconciliationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.lakeBucket = new s3.Bucket(this, 'LakeBucket', {
      ...defaultBucketProps({
        versioned: false,
        serverAccessLogsBucket: props.accessLogsBucket,
        serverAccessLogsPrefix: 'ReconLakeBucket/',
      }),
      lifecycleRules: [
        { prefix: `${RECON_ATHENA_RESULTS_PREFIX}/`, expiration: Duration.days(ATHENA_RESULTS_EXPIRY_DAYS) },
        { prefix: `${RECON_LAKE_PREFIX}/`, expiration: Duration.days(RECON_LAKE_PARTITION_EXPIRY_DAYS) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    pinLogicalId(this.lakeBucket, 'ReconLakeBucket');

    // Glue names: lower case, digits and underscores; one database per stack, so two stages in one
    // account never share tables.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_recon`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Reconciliation day partitions (S3, Parquet)' },
    });
    const tables = RECON_LAKE_TABLE_NAMES.map((table) => {
      const cfn = new glue.CfnTable(this, `Table-${table}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: this.tableInput(table),
      });
      cfn.addDependency(database);
      return table;
    });

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: `${stack.stackName}-reconciliation`,
      description: 'Nightly reconciliation past one Lambda: the portable SQL over the day partitions',
      state: 'ENABLED',
      workGroupConfiguration: {
        // Clients cannot override the result location, its encryption or the scan cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF_PER_QUERY_BYTES,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: this.lakeBucket.s3UrlForObject(`${RECON_ATHENA_RESULTS_PREFIX}/`),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: stack.account,
        },
      },
    });
    this.grant(props.reconcile, tables);
  }

  /** An external Parquet table over recon/<table>/, its `day` partitions projected, not catalogued. */
  private tableInput(table: (typeof RECON_LAKE_TABLE_NAMES)[number]): glue.CfnTable.TableInputProperty {
    const location = this.lakeBucket.s3UrlForObject(reconLakeTablePrefix(table));
    return {
      name: table,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'parquet',
        'projection.enabled': 'true',
        [`projection.${RECON_LAKE_DAY_COLUMN}.type`]: 'date',
        [`projection.${RECON_LAKE_DAY_COLUMN}.format`]: 'yyyy-MM-dd',
        [`projection.${RECON_LAKE_DAY_COLUMN}.range`]: `${RECON_LAKE_DAY_RANGE_START},NOW`,
        [`projection.${RECON_LAKE_DAY_COLUMN}.interval`]: '1',
        [`projection.${RECON_LAKE_DAY_COLUMN}.interval.unit`]: 'DAYS',
        'storage.location.template': `${location}${RECON_LAKE_DAY_COLUMN}=\${${RECON_LAKE_DAY_COLUMN}}/`,
      },
      partitionKeys: [{ name: RECON_LAKE_DAY_COLUMN, type: 'string' }],
      storageDescriptor: {
        location,
        columns: RECON_LAKE_TABLES[table].map((column) => ({ name: column.name, type: column.type })),
        ...PARQUET,
      },
    };
  }

  /**
   * The reconcile function alone: run queries in this workgroup, read these tables' definitions
   * (no Glue write: results come out by UNLOAD, portable-sql.ts), and read and write the lake bucket
   * (Athena reads the partitions and writes results with the caller's own rights).
   */
  private grant(reconcile: lambda.Function, tables: readonly string[]): void {
    const stack = Stack.of(this);
    const workgroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workgroup.ref,
    });
    reconcile.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [workgroupArn],
      }),
    );
    const glueArn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, ...(resourceName === undefined ? {} : { resourceName }) });
    reconcile.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          glueArn('catalog'),
          glueArn('database', this.databaseName),
          ...tables.map((table) => glueArn('table', `${this.databaseName}/${table}`)),
        ],
      }),
    );
    this.lakeBucket.grantReadWrite(reconcile);
    reconcile.addEnvironment(ENV.reconLakeBucket, this.lakeBucket.bucketName);
    reconcile.addEnvironment(ENV.reconGlueDatabase, this.databaseName);
    reconcile.addEnvironment(ENV.reconAthenaWorkgroup, this.workgroup.ref);
  }
}
