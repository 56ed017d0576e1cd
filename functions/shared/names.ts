// Names shared by the CDK app, the runtime and the local twin. `lib/` may import this folder and
// nothing else from `functions/` (dependency-cruiser holds that line).

/** Cognito resource server identifier; custom scopes are `${RESOURCE_SERVER_ID}/${scope}`. */
export const RESOURCE_SERVER_ID = 'payout-platform';

/**
 * Scopes name actions, not teams (DESIGN §3). Which principal may hold which scope is the access
 * matrix's to say (functions/shared/access-matrix.ts); every scope belongs to exactly one kind of
 * principal, tenant or operator, so no token can need both.
 */
export const SCOPES = [
  'payouts:write',
  'payouts:read',
  'payouts:approve',
  'payouts:reverse',
  'payouts:correct',
  'batches:write',
  'batches:retry',
  'recipients:write',
  'recipients:read',
  'ops:read',
  'ops:redrive',
  'exceptions:read',
  'exceptions:write',
  'reconciliation:read',
  'reconciliation:run',
  'exports:read',
  'audit:read',
  'compliance:review',
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'payouts:write': "Create payouts for the token's tenant",
  'payouts:read': "Read the tenant's payouts, their timelines, the lifecycle and the corridor matrix",
  'payouts:approve': "Approve or reject the tenant's payouts and reversals that require approval",
  'payouts:reverse': "Request the reversal of one of the tenant's paid payouts (an approver must approve it)",
  'payouts:correct': 'Propose or apply a manual correction to a payout of any tenant (operator, audited)',
  'batches:write': 'Create payout batches',
  'batches:retry': "Retry the failed items of one of the tenant's batches",
  'recipients:write': "Create and update the tenant's recipients",
  'recipients:read': "Read the tenant's recipients",
  'ops:read': "Read queues, DLQ messages and any tenant's payout (operator, audited)",
  'ops:redrive': 'Redrive DLQ messages and replay stored provider events',
  'exceptions:read': 'List and read exceptions',
  'exceptions:write': 'Assign and resolve exceptions',
  'reconciliation:read': 'Read reconciliation runs and ledger balances',
  'reconciliation:run': 'Start a reconciliation run',
  'exports:read': 'Read reconciliation exports',
  'audit:read': 'Read the audit trail of operator actions and payout changes',
  'compliance:review': 'Review compliance holds and corrections: release or keep a hold',
};

/** The scope string as it appears in a token and in a route's AuthorizationScopes. */
export function qualifiedScope(scope: Scope): string {
  return `${RESOURCE_SERVER_ID}/${scope}`;
}

/** JWT claim carrying the tenant; added by the pre-token-generation trigger in AWS. */
export const TENANT_CLAIM = 'tenant_id';
/** JWT claim naming the kind of principal (`tenant` or `operator`); stamped by the same trigger. */
export const PRINCIPAL_TYPE_CLAIM = 'principal_type';
/** JWT claim naming the principal's role in the access matrix (`backend`, `ops`, …). */
export const PRINCIPAL_ROLE_CLAIM = 'principal_role';

/** Environment variable names set by CDK and resolved locally by the twin. */
export const ENV = {
  functionName: 'PAYOUT_FUNCTION',
  stage: 'STAGE',
  payoutsTable: 'PAYOUTS_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  inboxTable: 'INBOX_TABLE',
  operationsTable: 'OPERATIONS_TABLE',
  /** The audit trail (docs/audit.md): written by every function that changes or reads money for an operator. */
  auditTable: 'AUDIT_TABLE',
  /** Recipients, tax forms, screening cases (domain/compliance/contract.ts; docs/compliance.md). */
  recipientsTable: 'RECIPIENTS_TABLE',
  /** The KMS key that wraps recipients' data keys (adapters/recipients/kms-key-provider.ts). */
  recipientDataKeyArn: 'RECIPIENT_DATA_KEY_ARN',
  /**
   * The twin only, never set by CDK: a base64 32-byte master key for the local key provider (the same
   * envelope code path as KMS). wiring/recipients.ts refuses to start with both this and the ARN unset.
   */
  recipientLocalMasterKey: 'RECIPIENT_LOCAL_MASTER_KEY',
  /**
   * Where the SDN list lives (wiring/screening.ts, docs/screening.md): the bucket and key prefix in AWS
   * (`<prefix>sdn.csv`, …, `<prefix>manifest.json`); a directory in the twin and tests (fixtures/screening), which
   * wins over the bucket; a Watchman base URL, which wins over both (the vendor screens, no list is loaded).
   */
  screeningListBucket: 'SCREENING_LIST_BUCKET',
  screeningListPrefix: 'SCREENING_LIST_PREFIX',
  screeningListDirectory: 'SCREENING_LIST_DIRECTORY',
  watchmanUrl: 'WATCHMAN_URL',
  submissionQueueUrl: 'SUBMISSION_QUEUE_URL',
  submissionDlqUrl: 'SUBMISSION_DLQ_URL',
  /** batches-api: where an accepted (or approved, or retried) batch queues one fan-out message per chunk. */
  batchQueueUrl: 'BATCH_QUEUE_URL',
  /** ops-redrive and sweep: BatchDlq, a fan-out chunk that failed every delivery (docs/batches.md). */
  batchDlqUrl: 'BATCH_DLQ_URL',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookDlqUrl: 'WEBHOOK_DLQ_URL',
  /** reconciliations-api: where POST /reconciliations queues a run for `reconcile`; ops-redrive and sweep: where a redrive sends it back. */
  reconciliationQueueUrl: 'RECONCILIATION_QUEUE_URL',
  /** ops-redrive and sweep: ReconciliationDlq, inspected, redriven and turned into exceptions like the other DLQs. */
  reconciliationDlqUrl: 'RECONCILIATION_DLQ_URL',
  evidenceBucket: 'EVIDENCE_BUCKET',
  exportsBucket: 'EXPORTS_BUCKET',
  /** batch-uploads, and whoever reads an upload (POST /batches { upload_id }): the uploaded CSV/JSONL files. */
  batchUploadsBucket: 'BATCH_UPLOADS_BUCKET',
  sandboxProviderUrl: 'SANDBOX_PROVIDER_URL',
  webhookSecretsArn: 'WEBHOOK_SECRETS_ARN',
  webhookSecretsFile: 'WEBHOOK_SECRETS_FILE',
  /**
   * intake-webhook in the twin only: PayPal signing certificates from a file (URL → chain, and the
   * roots), instead of fetching them from PayPal's origins and trusting Node's roots.
   */
  paypalWebhookCertsFile: 'PAYPAL_WEBHOOK_CERTS_FILE',
  /** Functions holding the provider registry: Secrets Manager ARN of Stripe's credentials `{ "secret_key": "sk_…" }`. */
  stripeCredentialsArn: 'STRIPE_CREDENTIALS_ARN',
  /** Likewise PayPal's `{ "client_id": "…", "client_secret": "…", "base_url"?: "…" }`. */
  paypalCredentialsArn: 'PAYPAL_CREDENTIALS_ARN',
  /** Likewise Adyen's `{ "api_key": "…", "balance_account_id": "BA…", "base_url"?: "…" }`. */
  adyenCredentialsArn: 'ADYEN_CREDENTIALS_ARN',
  /** The twin only: a JSON file of every provider's credentials (config/provider-credentials.example.json). */
  providerCredentialsFile: 'PROVIDER_CREDENTIALS_FILE',
  /** `npm run provider-check` only (never a function): the provider whose live sandbox the suite runs against. */
  providerCheck: 'PROVIDER_CHECK',
  /** provider-check: a Stripe test-mode secret key (sk_test_…) and a test connected account (acct_…). */
  stripeSandboxSecretKey: 'STRIPE_SANDBOX_SECRET_KEY',
  stripeSandboxAccount: 'STRIPE_SANDBOX_ACCOUNT',
  /** provider-check: a PayPal sandbox app's client id and secret. */
  paypalSandboxClientId: 'PAYPAL_SANDBOX_CLIENT_ID',
  paypalSandboxClientSecret: 'PAYPAL_SANDBOX_CLIENT_SECRET',
  /** provider-check: an Adyen test API key with Transfers access, and the test balance account paid from. */
  adyenSandboxApiKey: 'ADYEN_SANDBOX_API_KEY',
  adyenSandboxBalanceAccount: 'ADYEN_SANDBOX_BALANCE_ACCOUNT',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  idempotencyExpiresAfterSeconds: 'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
  payoutAmountMaxMinor: 'PAYOUT_AMOUNT_MAX_MINOR',
  reconcileTimezone: 'RECONCILE_TIMEZONE',
  /** reconcile only, optional: `scan` reads by the old filtered Scan (payouts not yet backfilled into gsi4). */
  reconcileReadMode: 'RECONCILE_READ_MODE',
  /** reconcile, only with the stage option reconciliationEngine=athena: the bucket of the day partitions (shared/recon-lake.ts). */
  reconLakeBucket: 'RECON_LAKE_BUCKET',
  /** reconcile, athena engine only: the Glue database holding the day-partition tables. */
  reconGlueDatabase: 'RECON_GLUE_DATABASE',
  /** reconcile, athena engine only: the Athena workgroup its queries run in (results location enforced there). */
  reconAthenaWorkgroup: 'RECON_ATHENA_WORKGROUP',
  /** ops-console only: Cognito hosted-UI base URL (`https://<prefix>.auth.<region>.amazoncognito.com`); unset on the twin. */
  opsConsoleAuthDomain: 'OPS_CONSOLE_AUTH_DOMAIN',
  /** ops-console only: the public (secret-less, PKCE) app client id of the console. */
  opsConsoleClientId: 'OPS_CONSOLE_CLIENT_ID',
  /**
   * process-webhook only: its queue's maxReceiveCount, so the attempt that will dead-letter opens
   * the exception before the message moves (the handler falls back to QUEUE_MAX_RECEIVE_COUNT).
   */
  webhookMaxReceiveCount: 'WEBHOOK_MAX_RECEIVE_COUNT',
} as const;

/**
 * Deliveries of a work-queue message before SQS moves it to the queue's DLQ (every queue's redrive
 * policy, lib/defaults/sqs-defaults.ts); ≥ 5 so a throttled burst does not dead-letter. Shared
 * because process-webhook acts on the last delivery.
 */
export const QUEUE_MAX_RECEIVE_COUNT = 5;

/**
 * Payment providers a payout can name (`payout.provider`): the sandbox, Stripe (submission,
 * status, cancel, reversal, webhooks; issue 14), PayPal Payouts and Adyen (Transfers API), each built
 * by the registry from its own credentials secret (issue 14).
 * Provider references are indexed per name.
 */
export const PROVIDER_NAMES = ['sandbox', 'stripe', 'paypal', 'adyen'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDER_NAMES as readonly string[]).includes(value);
}

/**
 * What a stage needs for each provider a corridor names (issue 14): an adapter in the registry
 * (functions/adapters/providers/registry.ts; test/unit/adapters/provider-registry.test.ts holds the two
 * in step) and, unless `none`, a credentials secret, one per provider (lib/provider-credentials.ts creates
 * it; the twin reads PROVIDER_CREDENTIALS_FILE). The sandbox needs only its URL. Synth fails for a
 * corridor whose provider lacks either.
 */
export const PROVIDER_SETUP: Readonly<
  Record<ProviderName, { readonly adapter: boolean; readonly credentials: 'none' | { readonly arnEnv: string } }>
> = {
  sandbox: { adapter: true, credentials: 'none' },
  stripe: { adapter: true, credentials: { arnEnv: ENV.stripeCredentialsArn } },
  paypal: { adapter: true, credentials: { arnEnv: ENV.paypalCredentialsArn } },
  adyen: { adapter: true, credentials: { arnEnv: ENV.adyenCredentialsArn } },
};

/**
 * The providers a payout can be submitted through: those the registry builds an adapter for. The status
 * page shows one `submission:<provider>` component for each; a provider with webhooks and a mapping but no
 * adapter in the registry would submit nothing, so it would have no submission state to show.
 */
export const SUBMITTING_PROVIDERS: readonly ProviderName[] = PROVIDER_NAMES.filter((p) => PROVIDER_SETUP[p].adapter);

/** Providers we accept webhooks from (the route's `{provider}`, each with its signing secrets): all of them. */
export const WEBHOOK_PROVIDERS = PROVIDER_NAMES;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export function isWebhookProvider(value: unknown): value is WebhookProvider {
  return typeof value === 'string' && (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

/**
 * Powertools metrics: every function emits under this namespace and service (CDK sets them as
 * POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME), and the alarms in
 * lib/observability-construct.ts watch these names. test/infra/metric-alarms.test.ts runs the
 * emitting handlers and holds each alarm to what they wrote.
 */
export const METRICS_NAMESPACE = 'PayoutPlatform';
export const METRICS_SERVICE_NAME = 'payout-platform';
export const METRICS = {
  /** intake-webhook, per refusal, dimensions `reason` and `provider`: alarmed on a spike. */
  webhookRejected: 'WebhookRejected',
  /** reconcile, per successful run: alarmed when a day passes without one. */
  reconciliationSucceeded: 'ReconciliationSucceeded',
  /** reconcile, per failed run (the function's Errors metric is what is alarmed). */
  reconciliationFailed: 'ReconciliationFailed',
  /** submit-payout, per outcome, dimensions `outcome` and `detail`: dashboards, not alarms. */
  submissionOutcome: 'SubmissionOutcome',
} as const;

/** CloudFormation outputs of the stack that tenant provisioning (`npm run tenants -- … --aws`) reads. */
export const STACK_OUTPUTS = {
  userPoolId: 'UserPoolId',
  httpApiId: 'HttpApiId',
  jwtAuthorizerId: 'JwtAuthorizerId',
  operationsTable: 'OperationsTableName',
} as const;

/**
 * The work queues whose dead-letter queues ops lists and redrives (GET /ops/dlq?queue=…, POST
 * /ops/dlq/redrive) and the sweeper turns into exceptions: the API names each pair by these.
 */
export const QUEUE_NAMES = ['webhook', 'submission', 'reconciliation', 'batch'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Short names of every Lambda function; each is `functions/handlers/<name>.ts`. */
export const FUNCTION_NAMES = [
  'get-corridors',
  'get-openapi',
  'create-payout',
  'payout-actions',
  'query-payouts',
  'get-ledger-balances',
  'submit-payout',
  'intake-webhook',
  'process-webhook',
  'sweep',
  'ops-exceptions',
  'ops-corrections',
  'ops-redrive',
  'ops-console',
  'reconcile',
  'reconciliations-api',
  'cognito-pre-token',
  'audit',
  'audit-verify',
  'batch-uploads',
  'batches-api',
  'process-batch',
  'screening-api',
  'rescreen',
  'recipients-api',
  'ops-recipients',
  'tax-readiness-export',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * AUDIT_TABLE's global secondary indexes (docs/audit.md): the day's records, one actor's, one
 * action's. Each partition key ends in `#<day>#<shard>` (adapters/audit-items.ts); lib/ creates the
 * indexes under these names and the adapters query them, so the names are typed once, here.
 */
export const AUDIT_INDEXES = { byDay: 'gsi1', byActor: 'gsi2', byAction: 'gsi3' } as const;
/**
 * PAYOUTS_TABLE's by-status index (`TENANT#<tenant>#STATUS#<status>`, adapters/payout-items.ts), the
 * one the tax-readiness export Queries (adapters/compliance/paid-payouts.ts) and lib/ grants it alone.
 */
export const PAYOUT_STATUS_INDEX_NAME = 'gsi2';
/** The tenant directory's one partition in OPERATIONS_TABLE (adapters/tenant-directory.ts); lib/ scopes a grant to it. */
export const TENANT_DIRECTORY_PK = 'TENANTS';
/**
 * EXPORTS_BUCKET's prefix of the readiness CSVs (app/compliance/tax-readiness-export.ts), apart from
 * `exports/date=…` so a reconciliation's publication never deletes one; lib/ grants its writes there alone.
 */
export const TAX_READINESS_EXPORT_PREFIX = 'tax-readiness/';
/** PAYOUTS_TABLE's reconciliation day index (adapters/payout-items.ts; lib/defaults/dynamodb-defaults.ts). */
export const RECON_DAY_INDEX_NAME = 'gsi4';
/**
 * The only attribute GET /status reads of PAYOUTS_TABLE (adapters/reconciliation/oldest-unreconciled.ts),
 * the one lib/ops-construct.ts lets its function Query on gsi4.
 */
export const UNRECONCILED_QUERY_ATTRIBUTES = ['createdAt'] as const;
/** INBOX_TABLE's sparse backlog index: events received and not applied yet (adapters/inbox-repository.ts). */
export const INBOX_UNAPPLIED_INDEX_NAME = 'gsi3';

/** Powertools idempotency key prefix, set explicitly so the twin and AWS agree (DESIGN §7). */
export const IDEMPOTENCY_KEY_PREFIX = 'create-payout';
/**
 * The same for the idempotent actions (app/actions/idempotent-action.ts). One prefix for every
 * action: the key's scope already names the principal, the route and the resource.
 */
export const ACTION_IDEMPOTENCY_KEY_PREFIX = 'actions';
/** The same for the operators' correction actions (ops-corrections): their records never meet create's. */
export const CORRECTIONS_IDEMPOTENCY_KEY_PREFIX = 'ops-corrections';

/**
 * Retention of Powertools idempotency records; never shorter than the webhook and DLQ replay
 * windows (SQS DLQ retention 14 days, provider webhook retries up to 3 days), plus a day so a
 * replay on the last day of a DLQ's retention still finds its record. The key lock outlives it.
 */
export const IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT = 1_296_000;

/**
 * Largest single payout accepted, in minor units (1,000,000.00 of a 2-decimal currency): the
 * default of CDK context `payoutAmountMaxMinor`, set on create-payout as PAYOUT_AMOUNT_MAX_MINOR.
 * Shared so the stack, the handler's fallback and the OpenAPI document state one number.
 */
export const PAYOUT_AMOUNT_MAX_MINOR_DEFAULT = 100_000_000;
