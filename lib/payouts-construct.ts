import { Construct } from 'constructs';
import { ENV, IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { QueueWithDlq } from './queue-with-dlq';
import { API_ROUTES } from './routes';
import { assertNoProblems } from './validate-props';

// Payouts: create (idempotent), the tenant's actions on a payout, query, corridors, OpenAPI, ledger
// balances, and the submission queue whose consumer sends payouts to the provider.

/** Submission batches: contracts.md, `SubmissionQueue` row. */
const SUBMISSION_BATCH_SIZE = 10;
const SUBMISSION_MAX_BATCHING_WINDOW_SECONDS = 1;

export interface PayoutsConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
  readonly sandboxProviderUrl: string;
  readonly payoutAmountMaxMinor: number;
}

export class PayoutsConstruct extends Construct {
  readonly createPayout: PayoutFunction;
  readonly payoutActions: PayoutFunction;
  readonly queryPayouts: PayoutFunction;
  readonly getCorridors: PayoutFunction;
  readonly getOpenapi: PayoutFunction;
  readonly getLedgerBalances: PayoutFunction;
  readonly submitPayout: PayoutFunction;
  readonly submission: QueueWithDlq;

  constructor(scope: Construct, id: string, props: PayoutsConstructProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!Number.isSafeInteger(props.payoutAmountMaxMinor) || props.payoutAmountMaxMinor <= 0) {
      problems.push(`payoutAmountMaxMinor must be a positive integer, got ${props.payoutAmountMaxMinor}`);
    }
    if (!props.sandboxProviderUrl.startsWith('https://')) problems.push('sandboxProviderUrl must be https');
    assertNoProblems('PayoutsConstruct', problems);

    const { data, api, functions } = props;

    this.submitPayout = functions.create(this, 'SubmitPayout', 'submit-payout', {
      invocation: 'queue',
      description: 'Sends queued payouts to the provider, payout id as the provider idempotency key',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.sandboxProviderUrl]: props.sandboxProviderUrl,
      },
    });
    this.submission = new QueueWithDlq(this, 'Submission', {
      queueLogicalId: 'SubmissionQueue',
      dlqLogicalId: 'SubmissionDlq',
      consumer: this.submitPayout.function,
      consumerTimeoutSeconds: this.submitPayout.timeoutSeconds,
      batchSize: SUBMISSION_BATCH_SIZE,
      maxBatchingWindowSeconds: SUBMISSION_MAX_BATCHING_WINDOW_SECONDS,
    });
    data.payoutsTable.grantReadWriteData(this.submitPayout.function);
    data.ledgerTable.grantReadWriteData(this.submitPayout.function);
    data.operationsTable.grantReadWriteData(this.submitPayout.function);
    data.grantAuditAppend(this.submitPayout.function);

    this.createPayout = functions.create(this, 'CreatePayout', 'create-payout', {
      invocation: 'api',
      description: 'POST /payouts: idempotent create, one transaction for payout, key lock, ledger and audit',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.idempotencyTable]: data.idempotencyTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.submissionQueueUrl]: this.submission.queue.queueUrl,
        [ENV.idempotencyExpiresAfterSeconds]: String(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT),
        [ENV.payoutAmountMaxMinor]: String(props.payoutAmountMaxMinor),
        [ENV.recipientsTable]: data.recipientsTable.tableName,
        [ENV.recipientDataKeyArn]: data.recipientDataKey.keyArn,
      },
    });
    data.payoutsTable.grantReadWriteData(this.createPayout.function);
    // Issue 15: puts the record behind an inline recipient, sealing its account: GenerateDataKey only, never
    // Decrypt (create never shows or sends a clear account from the record). Its RecipientsTable reads and
    // writes come with the screening grants (ScreeningConstruct.grantTo in the stack).
    data.grantRecipientSecrets(this.createPayout.function, 'seal');
    data.ledgerTable.grantReadWriteData(this.createPayout.function);
    data.idempotencyTable.grantReadWriteData(this.createPayout.function);
    data.grantAuditAppend(this.createPayout.function);
    this.submission.queue.grantSendMessages(this.createPayout.function);

    // Its own function rather than a route of create-payout or query-payouts: it is the one API
    // function that calls the provider (cancel, return) and writes transitions, so its role gets
    // those grants and theirs stay narrow (query-payouts reads only; create-payout never calls out).
    this.payoutActions = functions.create(this, 'PayoutActions', 'payout-actions', {
      invocation: 'api',
      description: 'Tenant actions on a payout: approve, reject, cancel, reversals (idempotent, four eyes)',
      environment: {
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.idempotencyTable]: data.idempotencyTable.tableName,
        [ENV.submissionQueueUrl]: this.submission.queue.queueUrl,
        [ENV.idempotencyExpiresAfterSeconds]: String(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT),
        [ENV.sandboxProviderUrl]: props.sandboxProviderUrl,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.recipientsTable]: data.recipientsTable.tableName,
        [ENV.recipientDataKeyArn]: data.recipientDataKey.keyArn,
      },
    });
    data.payoutsTable.grantReadWriteData(this.payoutActions.function);
    // A hold's release reads the recipient's record again (tax form, onboarding): GetItem only, and
    // no key grant: compliance states are stored in clear, secrets stay sealed.
    data.recipientsTable.grant(this.payoutActions.function, 'dynamodb:GetItem');
    // Every action is audited in its own transaction (payout-transitions.ts, payout-reversals.ts).
    data.grantAuditAppend(this.payoutActions.function);
    data.ledgerTable.grantReadWriteData(this.payoutActions.function);
    data.idempotencyTable.grantReadWriteData(this.payoutActions.function);
    this.submission.queue.grantSendMessages(this.payoutActions.function);

    this.queryPayouts = functions.create(this, 'QueryPayouts', 'query-payouts', {
      invocation: 'api',
      description: 'Reads payouts, their timelines and the lifecycle table; audits operator reads',
      environment: { [ENV.payoutsTable]: data.payoutsTable.tableName, [ENV.auditTable]: data.auditTable.tableName },
    });
    data.payoutsTable.grantReadData(this.queryPayouts.function);
    // Operator reads (GET /ops/payouts…) are audited: its one write.
    data.grantAuditAppend(this.queryPayouts.function);

    this.getCorridors = functions.create(this, 'GetCorridors', 'get-corridors', {
      invocation: 'api',
      description: 'The launch corridor matrix, from the bundled config',
    });
    this.getOpenapi = functions.create(this, 'GetOpenapi', 'get-openapi', {
      invocation: 'api',
      description: 'The OpenAPI document, generated from the handlers schemas',
      // The document states the amount maximum create-payout enforces in this deployment.
      environment: { [ENV.payoutAmountMaxMinor]: String(props.payoutAmountMaxMinor) },
    });

    this.getLedgerBalances = functions.create(this, 'GetLedgerBalances', 'get-ledger-balances', {
      invocation: 'api',
      description: 'Ledger balances for operators',
      environment: { [ENV.ledgerTable]: data.ledgerTable.tableName },
    });
    data.ledgerTable.grantReadData(this.getLedgerBalances.function);

    api.addFunctionRoutes('create-payout', this.createPayout.function, API_ROUTES['create-payout']);
    api.addFunctionRoutes('payout-actions', this.payoutActions.function, API_ROUTES['payout-actions']);
    api.addFunctionRoutes('query-payouts', this.queryPayouts.function, API_ROUTES['query-payouts']);
    api.addFunctionRoutes('get-corridors', this.getCorridors.function, API_ROUTES['get-corridors']);
    api.addFunctionRoutes('get-openapi', this.getOpenapi.function, API_ROUTES['get-openapi']);
    api.addFunctionRoutes('get-ledger-balances', this.getLedgerBalances.function, API_ROUTES['get-ledger-balances']);
  }
}
