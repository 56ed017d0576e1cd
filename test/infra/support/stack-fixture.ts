import type { Template } from 'aws-cdk-lib/assertions';
import type { PayoutPlatformStack } from '../../../lib/payout-platform-stack';
import { synthesizePlatform } from './synth';

// The synthesized stack shared by the template-assertion files (stack-*.test.ts): one synthesis
// (with bundling) per file, with non-default context so configuration is exercised too.

export const RECONCILE_TIMEZONE = 'Europe/Berlin';
export const SANDBOX_PROVIDER_URL = 'https://sandbox.example.test';
export const SQS_RETENTION_MAX_SECONDS = 14 * 24 * 3600;
export const MAX_RECEIVE_COUNT_MIN = 5;
export const VISIBILITY_TIMEOUT_MULTIPLIER_MIN = 6;
/** SQS refuses a visibility timeout above 12 hours. */
export const SQS_VISIBILITY_TIMEOUT_MAX_SECONDS = 12 * 3600;

/** docs/contracts.md, Functions table: every route and the one scope it requires (null: none). */
export const CONTRACT_ROUTES: Record<string, string | null> = {
  'GET /corridors': 'payouts:read',
  'GET /openapi.json': null,
  'GET /access-matrix': null,
  'POST /payouts': 'payouts:write',
  'GET /payouts': 'payouts:read',
  'GET /payouts/{payoutId}': 'payouts:read',
  'GET /payouts/{payoutId}/events': 'payouts:read',
  'GET /lifecycle': 'payouts:read',
  // The tenant's actions (issue 10): approving is the approver's authority, reversing the backend's.
  'POST /payouts/{payoutId}/approve': 'payouts:approve',
  'POST /payouts/{payoutId}/reject': 'payouts:approve',
  'POST /payouts/{payoutId}/cancel': 'payouts:write',
  'POST /payouts/{payoutId}/reversals': 'payouts:reverse',
  'POST /payouts/{payoutId}/reversals/{reversalId}/approve': 'payouts:approve',
  'POST /payouts/{payoutId}/reversals/{reversalId}/reject': 'payouts:approve',
  // Batches (issue 13): creating is the backend's, retrying the batch operator's, approving the approver's.
  'POST /batches': 'batches:write',
  'GET /batches': 'payouts:read',
  'GET /batches/{batchId}': 'payouts:read',
  'GET /batches/{batchId}/items': 'payouts:read',
  'POST /batches/{batchId}/approve': 'payouts:approve',
  'POST /batches/{batchId}/retry': 'batches:retry',
  // The operator's reads of any tenant's batch (the console's batch page): ops:read, audited.
  'GET /ops/batches': 'ops:read',
  'GET /ops/batches/{batchId}': 'ops:read',
  'GET /ops/batches/{batchId}/items': 'ops:read',
  // The operator's cross-tenant lookup: ops:read, never payouts:read (a tenant token must not reach it).
  'GET /ops/payouts': 'ops:read',
  'GET /ops/payouts/{payoutId}/events': 'ops:read',
  // Holds (issue 15): coarse gateway scopes; the owner's scope is checked in the use case.
  'GET /ops/holds': 'exceptions:read',
  'POST /payouts/{payoutId}/holds/{holdId}/release': 'payouts:write',
  'POST /ops/payouts/{payoutId}/holds/{holdId}/release': 'exceptions:write',
  // Finance's reconciliation reads, apart from ops:read (the access matrix).
  'GET /ledger/balances': 'reconciliation:read',
  'POST /webhooks/{provider}': null,
  'GET /exceptions': 'exceptions:read',
  // A batch group's members past the first page GET /exceptions carries (issue 13).
  'GET /exceptions/{exceptionId}/items': 'exceptions:read',
  'POST /exceptions/{exceptionId}/assign': 'exceptions:write',
  'POST /exceptions/{exceptionId}/resolve': 'exceptions:write',
  // Manual corrections (issue 10): ops and compliance operators; reading takes the same scope.
  'POST /ops/payouts/{payoutId}/corrections': 'payouts:correct',
  'POST /ops/corrections/{correctionId}/approve': 'payouts:correct',
  'POST /ops/corrections/{correctionId}/reject': 'payouts:correct',
  'GET /ops/corrections': 'payouts:correct',
  'GET /ops/corrections/{correctionId}': 'payouts:correct',
  'GET /ops/dlq': 'ops:read',
  'GET /ops/queues': 'ops:read',
  'POST /ops/dlq/redrive': 'ops:redrive',
  'POST /ops/replay': 'ops:redrive',
  'POST /ops/incidents': 'ops:redrive',
  'POST /ops/incidents/{incidentId}/resolve': 'ops:redrive',
  // The public status page (issue 11, docs/status-page.md).
  'GET /status': null,
  'GET /status.html': null,
  'GET /ops': null,
  'POST /reconciliations': 'reconciliation:run',
  'GET /reconciliations/{date}': 'reconciliation:read',
  'GET /exports/{date}': 'exports:read',
  'GET /exports/tax-readiness': 'exports:read',
  // Compliance's search of the audit trail (issue 10).
  'GET /audit': 'audit:read',
  // A presigned PUT for a batch file (issue 13, docs/batch-uploads.md).
  'POST /batches/uploads': 'batches:write',
  // Compliance's screening queue and decisions (issue 15, docs/screening.md).
  'GET /ops/screening': 'compliance:review',
  'GET /ops/screening/{caseId}': 'compliance:review',
  'POST /ops/screening/{caseId}/clear': 'compliance:review',
  'POST /ops/screening/{caseId}/confirm': 'compliance:review',
  // Recipients (issue 15, docs/compliance.md): the backend's; compliance's review in clear, audited.
  'POST /recipients': 'recipients:write',
  'GET /recipients': 'recipients:read',
  'GET /recipients/{recipientId}': 'recipients:read',
  'POST /recipients/{recipientId}/tax-forms': 'recipients:write',
  'GET /ops/recipients/{recipientId}': 'compliance:review',
  'POST /ops/recipients/{recipientId}/onboarding': 'compliance:review',
};

export type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export let template: Template;
export let stack: PayoutPlatformStack;
export let resources: Record<string, Resource>;

export function ofType(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function functionByName(name: string): [string, Resource] {
  const found = Object.entries(ofType('AWS::Lambda::Function')).find(
    ([, fn]) => fn.Properties.Environment?.Variables?.PAYOUT_FUNCTION === name,
  );
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

/** Synthesizes the app once for the calling test file; the exports above are live bindings. */
export function loadStack(): void {
  ({ template, stack } = synthesizePlatform({
    context: { reconcileTimezone: RECONCILE_TIMEZONE, sandboxProviderUrl: SANDBOX_PROVIDER_URL },
  }));
  resources = template.toJSON().Resources as Record<string, Resource>;
}
