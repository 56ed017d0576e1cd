import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ENV,
  IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
  RECON_DAY_INDEX_NAME,
  UNRECONCILED_QUERY_ATTRIBUTES,
} from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import type { QueueWithDlq } from './queue-with-dlq';
import { API_ROUTES } from './routes';
import { ScheduledInvocation } from './scheduled-invocation';

// Operations: the exceptions queue, DLQ inspection and redrive, the console page, and the sweeper
// that finds what no webhook will ever report.

/** contracts.md: `sweep` runs every five minutes. */
export const SWEEP_SCHEDULE_EXPRESSION = 'rate(5 minutes)';
/** A rate has no wall-clock meaning, but the twin expects every schedule to name its time zone. */
const SWEEP_TIME_ZONE = 'UTC';

export interface OpsConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  readonly submission: QueueWithDlq;
  readonly webhooks: QueueWithDlq;
  /** ReconciliationQueue + ReconciliationDlq (lib/reconciliation-construct.ts). */
  readonly reconciliation: QueueWithDlq;
  readonly sandboxProviderUrl: string;
  /** Where scheduled invocations land when they fail after every retry. */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
}

export class OpsConstruct extends Construct {
  readonly opsExceptions: PayoutFunction;
  readonly opsCorrections: PayoutFunction;
  readonly opsRedrive: PayoutFunction;
  readonly opsConsole: PayoutFunction;
  readonly sweep: PayoutFunction;
  readonly sweepSchedule: ScheduledInvocation;

  constructor(scope: Construct, id: string, props: OpsConstructProps) {
    super(scope, id);
    const { data, api, functions, submission, webhooks, reconciliation } = props;
    const queueEnvironment = {
      [ENV.submissionQueueUrl]: submission.queue.queueUrl,
      [ENV.submissionDlqUrl]: submission.deadLetterQueue.queueUrl,
      [ENV.webhookQueueUrl]: webhooks.queue.queueUrl,
      [ENV.webhookDlqUrl]: webhooks.deadLetterQueue.queueUrl,
      [ENV.reconciliationQueueUrl]: reconciliation.queue.queueUrl,
      [ENV.reconciliationDlqUrl]: reconciliation.deadLetterQueue.queueUrl,
    };

    this.opsExceptions = functions.create(this, 'OpsExceptions', 'ops-exceptions', {
      invocation: 'api',
      description: 'Lists, assigns and resolves exceptions',
      environment: {
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
      },
    });
    data.operationsTable.grantReadWriteData(this.opsExceptions.function);
    // Opening/resolving keeps the payout's `exceptionOwner` attribute in step (UpdateItem).
    data.payoutsTable.grantReadWriteData(this.opsExceptions.function);
    data.grantAuditAppend(this.opsExceptions.function);

    // Its own function, not ops-exceptions: applying a correction writes the ledger, and only the
    // payouts:correct routes should run with ledger write rights (ops-exceptions serves finance too).
    this.opsCorrections = functions.create(this, 'OpsCorrections', 'ops-corrections', {
      invocation: 'api',
      description: 'Proposes, approves (applies) and rejects manual corrections of payouts',
      environment: {
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.idempotencyTable]: data.idempotencyTable.tableName,
        [ENV.idempotencyExpiresAfterSeconds]: String(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT),
      },
    });
    // Powertools records of the actions' Idempotency-Keys (their key locks live in operations).
    data.idempotencyTable.grantReadWriteData(this.opsCorrections.function);
    // One transaction: the correction (operations), the payout and its timeline (payouts), its audit
    // record and chain head (audit), the journal (ledger).
    data.operationsTable.grantReadWriteData(this.opsCorrections.function);
    data.payoutsTable.grantReadWriteData(this.opsCorrections.function);
    data.ledgerTable.grantReadWriteData(this.opsCorrections.function);
    data.grantAuditAppend(this.opsCorrections.function);

    this.opsRedrive = functions.create(this, 'OpsRedrive', 'ops-redrive', {
      invocation: 'api',
      description:
        'DLQ inspection, audited redrive (receive, send, delete), stored-event replay, GET /status, incidents',
      environment: {
        ...queueEnvironment,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.inboxTable]: data.inboxTable.tableName,
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        // GET /status: the oldest unreconciled payout, from the reconciliation day index only.
        [ENV.payoutsTable]: data.payoutsTable.tableName,
      },
    });
    for (const pair of [submission, webhooks, reconciliation]) {
      pair.deadLetterQueue.grantConsumeMessages(this.opsRedrive.function);
      pair.queue.grantSendMessages(this.opsRedrive.function);
      // GET /ops/queues reports depth and age; reading attributes needs no consume rights.
      pair.queue.grant(this.opsRedrive.function, 'sqs:GetQueueAttributes');
    }
    data.operationsTable.grantReadWriteData(this.opsRedrive.function);
    data.grantAuditAppend(this.opsRedrive.function);
    data.inboxTable.grantReadData(this.opsRedrive.function);
    data.evidenceBucket.grantRead(this.opsRedrive.function);
    // GET /status (public) reads one attribute of the payouts table: `createdAt` from the day index
    // (oldest-unreconciled.ts). Query on gsi4 only, and only that attribute and the keys (fine-grained
    // access; the key condition names gsi4pk, and a page's LastEvaluatedKey carries the table and
    // index keys), so a bug in this function cannot read amounts, metadata or recipients through it.
    this.opsRedrive.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.payoutsTable.tableArn}/index/${RECON_DAY_INDEX_NAME}`],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [
              ...UNRECONCILED_QUERY_ATTRIBUTES,
              'pk',
              'sk',
              `${RECON_DAY_INDEX_NAME}pk`,
              `${RECON_DAY_INDEX_NAME}sk`,
            ],
          },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );

    this.opsConsole = functions.create(this, 'OpsConsole', 'ops-console', {
      invocation: 'api',
      description: 'GET /ops: the static ops console page',
      // The page signs operators in through the hosted UI (authorization code + PKCE); the twin
      // blanks both in config/local.json so the page uses the twin's issuer instead.
      environment: {
        [ENV.opsConsoleAuthDomain]: api.identity.domain.baseUrl(),
        [ENV.opsConsoleClientId]: api.identity.opsConsoleClient.userPoolClientId,
      },
    });

    this.sweep = functions.create(this, 'Sweep', 'sweep', {
      invocation: 'schedule',
      description:
        'Re-asks the provider about stale payouts, enqueues stranded inbox events, opens exceptions for DLQ messages',
      deadLetterQueue: props.scheduleDeadLetterQueue,
      environment: {
        ...queueEnvironment,
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.inboxTable]: data.inboxTable.tableName,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.sandboxProviderUrl]: props.sandboxProviderUrl,
        // Large webhook bodies live in S3; the DLQ → exception job reads them for evidence.
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
      },
    });
    data.payoutsTable.grantReadWriteData(this.sweep.function);
    data.ledgerTable.grantReadWriteData(this.sweep.function);
    data.inboxTable.grantReadWriteData(this.sweep.function);
    data.operationsTable.grantReadWriteData(this.sweep.function);
    data.grantAuditAppend(this.sweep.function);
    data.evidenceBucket.grantRead(this.sweep.function);
    for (const pair of [submission, webhooks]) {
      pair.queue.grantSendMessages(this.sweep.function);
      pair.deadLetterQueue.grantConsumeMessages(this.sweep.function);
    }
    // The sweeper only peeks ReconciliationDlq (receive, then visibility back to 0) to open exceptions:
    // it neither deletes there nor sends runs, so it gets no consume-all or send rights on this pair.
    reconciliation.deadLetterQueue.grant(this.sweep.function, 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility');
    this.sweepSchedule = new ScheduledInvocation(this, 'SweepSchedule', {
      target: this.sweep.function,
      expression: SWEEP_SCHEDULE_EXPRESSION,
      timeZone: SWEEP_TIME_ZONE,
      deadLetterQueue: props.scheduleDeadLetterQueue,
      description: 'Sweeper: stale payouts, stranded inbox events, DLQ messages to exceptions',
    });

    api.addFunctionRoutes('ops-exceptions', this.opsExceptions.function, API_ROUTES['ops-exceptions']);
    api.addFunctionRoutes('ops-corrections', this.opsCorrections.function, API_ROUTES['ops-corrections']);
    api.addFunctionRoutes('ops-redrive', this.opsRedrive.function, API_ROUTES['ops-redrive']);
    api.addFunctionRoutes('ops-console', this.opsConsole.function, API_ROUTES['ops-console']);
  }
  /**
   * BatchQueue + BatchDlq (lib/batches-construct.ts, built after this construct): ops-redrive lists,
   * inspects and redrives a stranded fan-out chunk like the other pairs; the sweeper only peeks
   * BatchDlq (receive, then visibility back to 0) to open its exception, so it gets no delete or send.
   */
  watchBatchQueue(batch: QueueWithDlq): void {
    for (const fn of [this.opsRedrive, this.sweep]) {
      fn.function.addEnvironment(ENV.batchQueueUrl, batch.queue.queueUrl);
      fn.function.addEnvironment(ENV.batchDlqUrl, batch.deadLetterQueue.queueUrl);
    }
    batch.deadLetterQueue.grantConsumeMessages(this.opsRedrive.function);
    batch.queue.grantSendMessages(this.opsRedrive.function);
    batch.queue.grant(this.opsRedrive.function, 'sqs:GetQueueAttributes');
    batch.deadLetterQueue.grant(this.sweep.function, 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility');
  }
}
