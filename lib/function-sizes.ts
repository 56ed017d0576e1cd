import type { FunctionName } from '../functions/shared/names';

// Memory and timeout of every function, in one table so they can be compared and tuned together.
// API handlers stay under the HTTP API's 30 s integration limit; the Cognito trigger under
// Cognito's 5 s limit; queue consumers' timeouts set their queues' visibility (× 6).

export interface FunctionSize {
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
}

/** Cognito waits at most 5 s for a trigger. */
const COGNITO_TRIGGER_TIMEOUT_SECONDS = 5;

export const FUNCTION_SIZES: Record<FunctionName, FunctionSize> = {
  'get-corridors': { memorySizeMb: 256, timeoutSeconds: 5 },
  'get-openapi': { memorySizeMb: 256, timeoutSeconds: 5 },
  'create-payout': { memorySizeMb: 1024, timeoutSeconds: 15 },
  // A cancel or a return waits on the provider: 2 attempts × 3 s (sandbox-provider.ts) and DynamoDB.
  'payout-actions': { memorySizeMb: 1024, timeoutSeconds: 20 },
  'query-payouts': { memorySizeMb: 512, timeoutSeconds: 10 },
  'get-ledger-balances': { memorySizeMb: 512, timeoutSeconds: 10 },
  'submit-payout': { memorySizeMb: 1024, timeoutSeconds: 30 },
  'intake-webhook': { memorySizeMb: 1024, timeoutSeconds: 10 },
  'process-webhook': { memorySizeMb: 1024, timeoutSeconds: 30 },
  sweep: { memorySizeMb: 1024, timeoutSeconds: 120 },
  'ops-exceptions': { memorySizeMb: 512, timeoutSeconds: 10 },
  'ops-corrections': { memorySizeMb: 512, timeoutSeconds: 10 },
  'ops-redrive': { memorySizeMb: 512, timeoutSeconds: 25 },
  'ops-console': { memorySizeMb: 256, timeoutSeconds: 5 },
  reconcile: { memorySizeMb: 2048, timeoutSeconds: 600 },
  'reconciliations-api': { memorySizeMb: 1024, timeoutSeconds: 25 },
  'cognito-pre-token': { memorySizeMb: 256, timeoutSeconds: COGNITO_TRIGGER_TIMEOUT_SECONDS },
  // GET /audit: at most AUDIT_SEARCH_QUERIES_MAX small Queries a page, under the API's 30 s.
  audit: { memorySizeMb: 512, timeoutSeconds: 25 },
  // Walks every chain a day touched; invoked by `npm run audit -- verify`, never by the API.
  'audit-verify': { memorySizeMb: 1024, timeoutSeconds: 600 },
  // Presigns an upload and writes its record: two small calls, no file passes through it.
  'batch-uploads': { memorySizeMb: 256, timeoutSeconds: 10 },
  // POST /batches validates and writes up to 15,000 items (600 BatchWriteItem calls, 8 in flight)
  // under the API's 30 s: 1,769 MB is one full vCPU for the validation.
  'batches-api': { memorySizeMb: 1769, timeoutSeconds: 29 },
  // One chunk (100 items) a record, one creation transaction after another: seconds, not minutes.
  'process-batch': { memorySizeMb: 1024, timeoutSeconds: 120 },
  // Compliance's screening queue and decisions: a few DynamoDB calls; a cold start loads the SDN list (~20 MB CSV).
  'screening-api': { memorySizeMb: 1024, timeoutSeconds: 25 },
  // Screens every recipient against a fresh list load, RESCREEN_PAGE_ITEMS a page; a run cut short resumes next run.
  rescreen: { memorySizeMb: 2048, timeoutSeconds: 900 },
  // A few small DynamoDB calls and one KMS GenerateDataKey per write (docs/compliance.md).
  'recipients-api': { memorySizeMb: 512, timeoutSeconds: 10 },
  // The view opens one data key per sealed value set (destinations, each form's TIN) and audits the read.
  'ops-recipients': { memorySizeMb: 512, timeoutSeconds: 10 },
  // GET /exports/tax-readiness: a tenant's paid partition of gsi2 in 1,000-item pages, one BatchGetItem per
  // 100 recipients, one PutObject; under the API's 30 s (docs/compliance.md gives the bound).
  'tax-readiness-export': { memorySizeMb: 1024, timeoutSeconds: 29 },
};
