import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { API_ROUTES } from './routes';
import { ScheduledInvocation } from './scheduled-invocation';

// Nightly reconciliation: request log → provider reference → ledger posting → payout report →
// exception queue, with exports in S3 for finance.

/** contracts.md: 02:30 every day, in the configured time zone (after the providers' day closes). */
export const RECONCILE_SCHEDULE_EXPRESSION = 'cron(30 2 * * ? *)';

/** /tmp for the reconcile function's spill files (see functions/adapters/reconciliation/engine.ts). */
export const RECONCILE_EPHEMERAL_STORAGE_MIB = 4096;

export interface ReconciliationConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  readonly reconcileTimezone: string;
  readonly sandboxProviderUrl: string;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
}

export class ReconciliationConstruct extends Construct {
  readonly reconcile: PayoutFunction;
  readonly reconciliationsApi: PayoutFunction;
  readonly reconcileSchedule: ScheduledInvocation;

  constructor(scope: Construct, id: string, props: ReconciliationConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;
    // The API runs a reconciliation on demand with the same code and the same rights as the
    // nightly run, so both get the same environment and grants.
    const environment = {
      [ENV.payoutsTable]: data.payoutsTable.tableName,
      [ENV.ledgerTable]: data.ledgerTable.tableName,
      [ENV.operationsTable]: data.operationsTable.tableName,
      [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
      [ENV.exportsBucket]: data.exportsBucket.bucketName,
      [ENV.sandboxProviderUrl]: props.sandboxProviderUrl,
      [ENV.reconcileTimezone]: props.reconcileTimezone,
    };

    this.reconcile = functions.create(this, 'Reconcile', 'reconcile', {
      invocation: 'schedule',
      description: 'Nightly reconciliation of ledger, provider report and payouts; writes exports',
      deadLetterQueue: props.scheduleDeadLetterQueue,
      // The engine spills a Grace hash join to /tmp: about three copies of the inputs (~1 GB at 1M
      // payouts), so the reconcile function gets 4 GiB of ephemeral storage instead of the 512 MiB default.
      ephemeralStorageMib: RECONCILE_EPHEMERAL_STORAGE_MIB,
      environment,
    });
    this.reconciliationsApi = functions.create(this, 'ReconciliationsApi', 'reconciliations-api', {
      invocation: 'api',
      description: 'Starts reconciliations, reports their runs, serves exports',
      environment,
    });
    for (const fn of [this.reconcile.function, this.reconciliationsApi.function]) {
      // Read payouts; write only `reconciledAt` and the open exception's `exceptionOwner` on them.
      data.payoutsTable.grantReadWriteData(fn);
      data.ledgerTable.grantReadData(fn);
      data.operationsTable.grantReadWriteData(fn);
      data.evidenceBucket.grantReadWrite(fn);
      data.exportsBucket.grantReadWrite(fn);
    }

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
