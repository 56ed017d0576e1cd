import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ENV,
  PAYOUT_STATUS_INDEX_NAME,
  TAX_READINESS_EXPORT_PREFIX,
  TENANT_DIRECTORY_PK,
} from '../functions/shared/names';
import { AthenaReconciliation } from './athena-reconciliation-construct';
import type { ReconciliationEngine } from './config';
import { DUCKDB_NATIVE_MODULES } from './defaults/lambda-defaults';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { QueueWithDlq } from './queue-with-dlq';
import { API_ROUTES } from './routes';
import { ScheduledInvocation } from './scheduled-invocation';

// Nightly reconciliation: request log → provider reference → ledger posting → payout report →
// exception queue, with exports in S3 for finance.

/** contracts.md: 02:30 every day, in the configured time zone (after the providers' day closes). */
export const RECONCILE_SCHEDULE_EXPRESSION = 'cron(30 2 * * ? *)';

/**
 * On-demand runs (POST /reconciliations): one request per invocation, since one run can take the
 * function's whole timeout; no batching window, so a run starts as soon as it is queued.
 */
const RECONCILIATION_BATCH_SIZE = 1;
const RECONCILIATION_MAX_BATCHING_WINDOW_SECONDS = 0;

/** /tmp for the reconcile function's spill files (see functions/adapters/reconciliation/engine.ts). */
export const RECONCILE_EPHEMERAL_STORAGE_MIB = 4096;

export interface ReconciliationConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  readonly reconcileTimezone: string;
  readonly sandboxProviderUrl: string;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** `athena` adds the day partitions, Glue tables and workgroup (athena-reconciliation-construct.ts). */
  readonly engine: ReconciliationEngine;
}

export class ReconciliationConstruct extends Construct {
  readonly reconcile: PayoutFunction;
  readonly reconciliationsApi: PayoutFunction;
  /** GET /exports/tax-readiness: finance's 1099-NEC / 1042-S readiness export (issue 15). */
  readonly taxReadinessExport: PayoutFunction;
  readonly reconcileSchedule: ScheduledInvocation;
  /** POST /reconciliations → ReconciliationQueue → reconcile (+ ReconciliationDlq). */
  readonly requests: QueueWithDlq;
  /** The scale-out path; undefined unless the stage's reconciliationEngine is `athena`. */
  readonly athena?: AthenaReconciliation;

  constructor(scope: Construct, id: string, props: ReconciliationConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;

    this.reconcile = functions.create(this, 'Reconcile', 'reconcile', {
      invocation: 'schedule',
      description: 'Nightly and queued reconciliation of ledger, provider report and payouts; writes exports',
      // For the schedule's asynchronous invocations; queued runs dead-letter to ReconciliationDlq.
      deadLetterQueue: props.scheduleDeadLetterQueue,
      // The engine's DuckDB spills its joins to /tmp past its memory limit, so the reconcile function
      // gets 4 GiB of ephemeral storage instead of the 512 MiB default.
      ephemeralStorageMib: RECONCILE_EPHEMERAL_STORAGE_MIB,
      // DuckDB's native binding, shipped in the asset (and so x86_64: see DUCKDB_NATIVE_MODULES).
      nativeModules: DUCKDB_NATIVE_MODULES,
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        [ENV.exportsBucket]: data.exportsBucket.bucketName,
        [ENV.sandboxProviderUrl]: props.sandboxProviderUrl,
        [ENV.reconcileTimezone]: props.reconcileTimezone,
      },
    });
    // Read payouts; write only `reconciledAt` and the open exception's `exceptionOwner` on them.
    data.payoutsTable.grantReadWriteData(this.reconcile.function);
    data.ledgerTable.grantReadData(this.reconcile.function);
    data.operationsTable.grantReadWriteData(this.reconcile.function);
    // Reads the day's audit trail for audit.jsonl; appends the records of the exceptions it opens.
    data.auditTable.grantReadData(this.reconcile.function);
    data.grantAuditAppend(this.reconcile.function);
    data.evidenceBucket.grantReadWrite(this.reconcile.function);
    data.exportsBucket.grantReadWrite(this.reconcile.function);

    if (props.engine === 'athena') {
      this.athena = new AthenaReconciliation(this, 'Athena', {
        reconcile: this.reconcile.function,
        accessLogsBucket: data.accessLogsBucket,
      });
    }

    // The event source mapping grants `reconcile` the right to consume (receive, delete, change visibility).
    this.requests = new QueueWithDlq(this, 'Requests', {
      queueLogicalId: 'ReconciliationQueue',
      dlqLogicalId: 'ReconciliationDlq',
      consumer: this.reconcile.function,
      consumerTimeoutSeconds: this.reconcile.timeoutSeconds,
      batchSize: RECONCILIATION_BATCH_SIZE,
      maxBatchingWindowSeconds: RECONCILIATION_MAX_BATCHING_WINDOW_SECONDS,
    });

    // The API only queues runs and reads their records and exports: it never runs one, so it gets
    // neither the payouts, the ledger nor the provider.
    this.reconciliationsApi = functions.create(this, 'ReconciliationsApi', 'reconciliations-api', {
      invocation: 'api',
      description: 'Queues reconciliations, reports their runs, serves exports',
      environment: {
        [ENV.operationsTable]: data.operationsTable.tableName,
        // ExportStore names both buckets; this function only reads the exports bucket.
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        [ENV.exportsBucket]: data.exportsBucket.bucketName,
        [ENV.reconciliationQueueUrl]: this.requests.queue.queueUrl,
        // POST refuses a day that has not ended there: the same zone as `reconcile` and its schedule.
        [ENV.reconcileTimezone]: props.reconcileTimezone,
      },
    });
    data.operationsTable.grantReadWriteData(this.reconciliationsApi.function);
    // Presigned URLs carry the signer's rights: finance downloads with this read grant.
    data.exportsBucket.grantRead(this.reconciliationsApi.function);
    this.requests.queue.grantSendMessages(this.reconciliationsApi.function);

    this.reconcileSchedule = new ScheduledInvocation(this, 'ReconcileSchedule', {
      target: this.reconcile.function,
      expression: RECONCILE_SCHEDULE_EXPRESSION,
      timeZone: props.reconcileTimezone,
      deadLetterQueue: props.scheduleDeadLetterQueue,
      description: 'Nightly reconciliation',
    });

    api.addFunctionRoutes('reconciliations-api', this.reconciliationsApi.function, API_ROUTES['reconciliations-api']);

    this.taxReadinessExport = this.taxReadiness(data, functions);
    api.addFunctionRoutes('tax-readiness-export', this.taxReadinessExport.function, API_ROUTES['tax-readiness-export']);
  }
  /**
   * The readiness export reads, and may only read: Query on PAYOUTS_TABLE's gsi2 (a tenant's paid
   * payouts; not the base table, not the other indexes), BatchGetItem of RecipientsTable's records
   * (never the data key: nothing sealed is opened), Query of the tenant directory's one partition, and
   * it writes and presigns only under the exports bucket's tax-readiness/ prefix.
   */
  private taxReadiness(data: DataConstruct, functions: FunctionFactory): PayoutFunction {
    const fn = functions.create(this, 'TaxReadinessExport', 'tax-readiness-export', {
      invocation: 'api',
      description: 'GET /exports/tax-readiness: the 1099-NEC / 1042-S readiness CSV of a tax year',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.recipientsTable]: data.recipientsTable.tableName,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.exportsBucket]: data.exportsBucket.bucketName,
      },
    });
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.payoutsTable.tableArn}/index/${PAYOUT_STATUS_INDEX_NAME}`],
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [data.recipientsTable.tableArn] }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [data.operationsTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TENANT_DIRECTORY_PK] } },
      }),
    );
    // Presigned URLs carry the signer's rights: finance downloads with this read grant.
    data.exportsBucket.grantPut(fn.function, `${TAX_READINESS_EXPORT_PREFIX}*`);
    data.exportsBucket.grantRead(fn.function, `${TAX_READINESS_EXPORT_PREFIX}*`);
    const bucketId = Stack.of(this).resolve((data.exportsBucket.node.defaultChild as CfnResource).logicalId) as string;
    // On the function's construct, which holds its role and policy (cdk-nag reads up the tree).
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${TAX_READINESS_EXPORT_PREFIX}*]`,
      reason: `Readiness CSVs are ${TAX_READINESS_EXPORT_PREFIX}tax_year=<year>/<tenant>/<time>.csv, one per request: the grant is on that prefix of this one bucket.`,
    });
    return fn;
  }
}
