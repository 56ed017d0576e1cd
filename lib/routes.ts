import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { FunctionName, Scope } from '../functions/shared/names';
import { BATCH_ROUTES } from '../functions/shared/batch-routes';
import { OPS_BATCH_ROUTES } from '../functions/shared/ops-batch-routes';
import { PAYOUT_ACTION_ROUTES } from '../functions/shared/payout-action-routes';
import { SCREENING_ROUTES } from '../functions/shared/screening-routes';
import { HOLD_ROUTES } from '../functions/shared/hold-routes';
import { RECIPIENT_ROUTES, type RecipientRoute } from '../functions/shared/recipient-routes';

// Every API route of docs/contracts.md with the one scope it requires. `scope: null` marks a route
// without a JWT (explicit `HttpNoneAuthorizer`) and `publicReason` says why that is safe.

export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly scope: Scope | null;
  readonly publicReason?: string;
}

export const API_ROUTES = {
  'get-corridors': [{ method: HttpMethod.GET, path: '/corridors', scope: 'payouts:read' }],
  'get-openapi': [
    {
      method: HttpMethod.GET,
      path: '/openapi.json',
      scope: null,
      publicReason: 'The OpenAPI document describes the public API contract and holds no tenant data.',
    },
    {
      method: HttpMethod.GET,
      path: '/access-matrix',
      scope: null,
      publicReason:
        'The access matrix says which principal may hold which scope; like the OpenAPI security requirements it holds no tenant data, and every route enforces it anyway.',
    },
  ],
  'create-payout': [{ method: HttpMethod.POST, path: '/payouts', scope: 'payouts:write' }],
  // The tenant's actions on a payout (issue 10): approve/reject, cancel, reversals and their decisions.
  'payout-actions': [
    ...PAYOUT_ACTION_ROUTES.map((route): RouteSpec => ({
      method: HttpMethod.POST,
      path: route.path,
      scope: route.scope,
    })),
    // Holds (issue 15): the owners' queue and the releases; the owner's scope is checked in the use case.
    ...HOLD_ROUTES.map((route): RouteSpec => ({
      method: route.method === 'GET' ? HttpMethod.GET : HttpMethod.POST,
      path: route.path,
      scope: route.scope,
    })),
  ],
  'query-payouts': [
    { method: HttpMethod.GET, path: '/payouts', scope: 'payouts:read' },
    { method: HttpMethod.GET, path: '/payouts/{payoutId}', scope: 'payouts:read' },
    { method: HttpMethod.GET, path: '/payouts/{payoutId}/events', scope: 'payouts:read' },
    { method: HttpMethod.GET, path: '/lifecycle', scope: 'payouts:read' },
    // The on-call operator's lookup of any tenant's payout: not tenant-filtered, audited per read.
    { method: HttpMethod.GET, path: '/ops/payouts', scope: 'ops:read' },
    { method: HttpMethod.GET, path: '/ops/payouts/{payoutId}/events', scope: 'ops:read' },
  ],
  'get-ledger-balances': [{ method: HttpMethod.GET, path: '/ledger/balances', scope: 'reconciliation:read' }],
  'intake-webhook': [
    {
      method: HttpMethod.POST,
      path: '/webhooks/{provider}',
      scope: null,
      publicReason:
        'Payment providers cannot present our JWTs; the handler verifies the provider signature on the raw body before anything is stored.',
    },
  ],
  'ops-exceptions': [
    { method: HttpMethod.GET, path: '/exceptions', scope: 'exceptions:read' },
    // A batch group's members past the first page GET /exceptions carries (issue 13).
    { method: HttpMethod.GET, path: '/exceptions/{exceptionId}/items', scope: 'exceptions:read' },
    { method: HttpMethod.POST, path: '/exceptions/{exceptionId}/assign', scope: 'exceptions:write' },
    { method: HttpMethod.POST, path: '/exceptions/{exceptionId}/resolve', scope: 'exceptions:write' },
  ],
  // Manual corrections (issue 10): reading takes the deciding scope too (app/corrections/corrections-api.ts says why).
  'ops-corrections': [
    { method: HttpMethod.POST, path: '/ops/payouts/{payoutId}/corrections', scope: 'payouts:correct' },
    { method: HttpMethod.POST, path: '/ops/corrections/{correctionId}/approve', scope: 'payouts:correct' },
    { method: HttpMethod.POST, path: '/ops/corrections/{correctionId}/reject', scope: 'payouts:correct' },
    { method: HttpMethod.GET, path: '/ops/corrections', scope: 'payouts:correct' },
    { method: HttpMethod.GET, path: '/ops/corrections/{correctionId}', scope: 'payouts:correct' },
  ],
  'ops-redrive': [
    { method: HttpMethod.GET, path: '/ops/dlq', scope: 'ops:read' },
    { method: HttpMethod.GET, path: '/ops/queues', scope: 'ops:read' },
    { method: HttpMethod.POST, path: '/ops/dlq/redrive', scope: 'ops:redrive' },
    { method: HttpMethod.POST, path: '/ops/replay', scope: 'ops:redrive' },
    // Status-page incidents: on-call's operational write scope (docs/status-page.md says why that one).
    { method: HttpMethod.POST, path: '/ops/incidents', scope: 'ops:redrive' },
    { method: HttpMethod.POST, path: '/ops/incidents/{incidentId}/resolve', scope: 'ops:redrive' },
    {
      method: HttpMethod.GET,
      path: '/status',
      scope: null,
      publicReason:
        'The public status page: component states derived from queue depths and the last reconciliation; no tenant data, no payload, answers cached for seconds.',
    },
    {
      method: HttpMethod.GET,
      path: '/status.html',
      scope: null,
      publicReason:
        'The same public status page as HTML (no script): component states and the incidents ops posted; no tenant data, answers cached for seconds.',
    },
  ],
  'ops-console': [
    {
      method: HttpMethod.GET,
      path: '/ops',
      scope: null,
      publicReason:
        'Static console page with no data; every API call it makes carries the operator token and is authorized per route.',
    },
  ],
  // Compliance's search of the audit trail (operator route; every search is itself audited).
  audit: [{ method: HttpMethod.GET, path: '/audit', scope: 'audit:read' }],
  // Batch files (issue 13, docs/batch-uploads.md): a presigned PUT for a CSV/JSONL batch file.
  'batch-uploads': [{ method: HttpMethod.POST, path: '/batches/uploads', scope: 'batches:write' }],
  'reconciliations-api': [
    { method: HttpMethod.POST, path: '/reconciliations', scope: 'reconciliation:run' },
    { method: HttpMethod.GET, path: '/reconciliations/{date}', scope: 'reconciliation:read' },
    { method: HttpMethod.GET, path: '/exports/{date}', scope: 'exports:read' },
  ],
  // Finance's 1099-NEC / 1042-S readiness export (issue 15, docs/compliance.md). A literal path beats
  // `/exports/{date}` in an HTTP API, so the two never meet; its own function, so reconciliations-api
  // keeps its grants (no payouts, no recipients).
  'tax-readiness-export': [{ method: HttpMethod.GET, path: '/exports/tax-readiness', scope: 'exports:read' }],
  // Batches (issue 13): accept, read, the one approval, the batch operator's retry.
  'batches-api': [
    ...BATCH_ROUTES.map((route): RouteSpec => ({
      method: route.method === 'GET' ? HttpMethod.GET : HttpMethod.POST,
      path: route.path,
      scope: route.scope,
    })),
    // The operator's reads of any tenant's batch (ops:read, audited): the console's batch page.
    ...OPS_BATCH_ROUTES.map((route): RouteSpec => ({ method: HttpMethod.GET, path: route.path, scope: route.scope })),
  ],
  // Compliance's screening queue and decisions (issue 15): compliance:review, reads audited.
  'screening-api': SCREENING_ROUTES.map((route): RouteSpec => ({
    method: route.method === 'GET' ? HttpMethod.GET : HttpMethod.POST,
    path: route.path,
    scope: route.scope,
  })),
  // Recipients (issue 15, docs/compliance.md): the tenant's routes, and compliance's view and decision.
  'recipients-api': RECIPIENT_ROUTES.filter((route) => route.principal === 'tenant').map(recipientRouteSpec),
  'ops-recipients': RECIPIENT_ROUTES.filter((route) => route.principal === 'operator').map(recipientRouteSpec),
} as const satisfies Partial<Record<FunctionName, readonly RouteSpec[]>>;

function recipientRouteSpec(route: RecipientRoute): RouteSpec {
  return { method: route.method === 'GET' ? HttpMethod.GET : HttpMethod.POST, path: route.path, scope: route.scope };
}

export type ApiFunctionName = keyof typeof API_ROUTES;
