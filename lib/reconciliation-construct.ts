import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../functions/shared/names';
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
  }
}
