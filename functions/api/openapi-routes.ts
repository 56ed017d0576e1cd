import { z } from 'zod';
import type { FunctionName, Scope } from '../shared/names';
import {
  balancesQuerySchema,
  balancesResponseSchema,
  corridorsResponseSchema,
  createPayoutBodySchema,
  lifecycleSchema,
  listPayoutsQuerySchema,
  payoutListSchema,
  payoutViewSchema,
  timelineSchema,
} from './schemas';
import { opsPayoutListSchema, opsPayoutsQuerySchema, opsTimelineSchema } from './ops-payout-schemas';
import { accessMatrixSchema } from './access-matrix-schema';

/**
 * The route registry GET /openapi.json is generated from. One entry per route of docs/contracts.md;
 * a module that owns a route adds its schemas here (request body, query, response), so the document
 * shows what the handler validates. Routes whose owners have not contributed schemas yet are listed
 * with a generic JSON object response. A test holds this list equal to lib/routes.ts.
 */
export interface OpenApiRoute {
  method: 'get' | 'post';
  path: string;
  functionName: FunctionName;
  /** null: no JWT (the route says why in its description). */
  scope: Scope | null;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  requestBody?: z.ZodType;
  query?: z.ZodObject;
  /** Request headers the route reads, with whether they are required. */
  headers?: Array<{ name: string; required: boolean; description: string; schema: Record<string, unknown> }>;
  /** Success status → response body schema (undefined: a JSON object, unspecified). */
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: string[] }>;
  /** Error statuses worth documenting beyond the common 400/401/403/500. */
  errors?: number[];
}

const object = undefined;
/** The document shows the default maximum; deployments may configure a lower one. */
const DOCUMENTED_AMOUNT_MAX_MINOR = Number.MAX_SAFE_INTEGER;

export const OPENAPI_ROUTES: OpenApiRoute[] = [
  { method: 'get', path: '/corridors', functionName: 'get-corridors', scope: 'payouts:read', operationId: 'listCorridors', summary: 'The launch corridor matrix', tags: ['corridors'], responses: { 200: { description: 'Corridors with their state and required account fields', schema: corridorsResponseSchema } } },
  { method: 'get', path: '/openapi.json', functionName: 'get-openapi', scope: null, operationId: 'getOpenApi', summary: 'This document', description: 'Public: it describes the contract and holds no tenant data.', tags: ['meta'], responses: { 200: { description: 'OpenAPI 3.1 document', schema: object } } },
  { method: 'get', path: '/access-matrix', functionName: 'get-openapi', scope: null, operationId: 'getAccessMatrix', summary: 'The access matrix: actors, token types, scopes and the routes they open', description: 'Public, like this document: it says who may hold which scope and holds no tenant data. Every route enforces it at three layers (app client scopes, the pre-token trigger, the handlers).', tags: ['meta'], responses: { 200: { description: 'One row per actor', schema: accessMatrixSchema } } },
  {
    method: 'post',
    path: '/payouts',
    functionName: 'create-payout',
    scope: 'payouts:write',
    operationId: 'createPayout',
    summary: 'Create a payout (idempotent)',
    description:
      'A retry with the same Idempotency-Key and body answers the first status and body with `Idempotent-Replayed: true`. The same key with another body is refused (422 idempotency_key_reused, naming the fields); a request while the first is in flight gets 409 with Retry-After.',
    tags: ['payouts'],
    requestBody: createPayoutBodySchema(DOCUMENTED_AMOUNT_MAX_MINOR),
    headers: [{ name: 'Idempotency-Key', required: true, description: '1 to 255 printable ASCII characters, unique per payout', schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' } }],
    responses: { 201: { description: 'The payout (account fields masked)', schema: payoutViewSchema, headers: ['Idempotent-Replayed'] } },
    errors: [409, 413, 415, 422],
  },
  { method: 'get', path: '/payouts', functionName: 'query-payouts', scope: 'payouts:read', operationId: 'listPayouts', summary: "List the tenant's payouts, newest first", tags: ['payouts'], query: listPayoutsQuerySchema, responses: { 200: { description: 'A page of payouts', schema: payoutListSchema } } },
  { method: 'get', path: '/payouts/{payoutId}', functionName: 'query-payouts', scope: 'payouts:read', operationId: 'getPayout', summary: 'One payout', tags: ['payouts'], responses: { 200: { description: 'The payout', schema: payoutViewSchema } }, errors: [404] },
  { method: 'get', path: '/payouts/{payoutId}/events', functionName: 'query-payouts', scope: 'payouts:read', operationId: 'listPayoutEvents', summary: "A payout's timeline", tags: ['payouts'], responses: { 200: { description: 'Every transition, stale and forbidden event, oldest first', schema: timelineSchema } }, errors: [404] },
  { method: 'get', path: '/lifecycle', functionName: 'query-payouts', scope: 'payouts:read', operationId: 'getLifecycle', summary: 'The payout state graph', tags: ['payouts'], responses: { 200: { description: 'Statuses, events and allowed transitions', schema: lifecycleSchema } } },
  {
    method: 'get',
    path: '/ops/payouts',
    functionName: 'query-payouts',
    scope: 'ops:read',
    operationId: 'opsFindPayout',
    summary: "Find any tenant's payout (operator)",
    description: 'Exactly one of payout_id, idempotency_key (with tenant_id) or provider_reference. Not tenant-filtered: every read is audited (operator, scopes, tenant, request id). An unknown payout answers `{ data: [] }`.',
    tags: ['ops'],
    query: opsPayoutsQuerySchema,
    responses: { 200: { description: 'Zero or one payout, with its tenant', schema: opsPayoutListSchema } },
  },
  { method: 'get', path: '/ops/payouts/{payoutId}/events', functionName: 'query-payouts', scope: 'ops:read', operationId: 'opsListPayoutEvents', summary: "Any tenant's payout timeline (operator, audited)", tags: ['ops'], responses: { 200: { description: 'Every transition, stale and forbidden event, oldest first, with the tenant', schema: opsTimelineSchema } }, errors: [404] },
  { method: 'get', path: '/ledger/balances', functionName: 'get-ledger-balances', scope: 'reconciliation:read', operationId: 'getLedgerBalances', summary: 'Ledger balances of one currency', tags: ['ledger'], query: balancesQuerySchema.extend({ tenant_id: z.string().optional() }), responses: { 200: { description: 'Balances per tenant and account; they sum to zero', schema: balancesResponseSchema } } },
  { method: 'post', path: '/webhooks/{provider}', functionName: 'intake-webhook', scope: null, operationId: 'receiveWebhook', summary: 'Provider webhook intake', description: 'Public: the provider signature is verified on the raw body before anything is stored.', tags: ['webhooks'], responses: { 200: { description: 'Accepted (stored and enqueued)' } }, errors: [401] },
  { method: 'get', path: '/exceptions', functionName: 'ops-exceptions', scope: 'exceptions:read', operationId: 'listExceptions', summary: 'Exceptions queue', tags: ['ops'], responses: { 200: { description: 'Exceptions' } } },
  { method: 'post', path: '/exceptions/{exceptionId}/assign', functionName: 'ops-exceptions', scope: 'exceptions:write', operationId: 'assignException', summary: 'Assign an exception', tags: ['ops'], responses: { 200: { description: 'The exception' } }, errors: [404, 409] },
  { method: 'post', path: '/exceptions/{exceptionId}/resolve', functionName: 'ops-exceptions', scope: 'exceptions:write', operationId: 'resolveException', summary: 'Resolve an exception', tags: ['ops'], responses: { 200: { description: 'The exception' } }, errors: [404, 409] },
  { method: 'get', path: '/ops/dlq', functionName: 'ops-redrive', scope: 'ops:read', operationId: 'listDlq', summary: 'Dead-letter queue messages', tags: ['ops'], responses: { 200: { description: 'Messages' } } },
  { method: 'get', path: '/ops/queues', functionName: 'ops-redrive', scope: 'ops:read', operationId: 'listQueues', summary: 'Queue depths', tags: ['ops'], responses: { 200: { description: 'Queues' } } },
  { method: 'post', path: '/ops/dlq/redrive', functionName: 'ops-redrive', scope: 'ops:redrive', operationId: 'redriveDlq', summary: 'Redrive DLQ messages (one, a filter or all; dry run)', tags: ['ops'], responses: { 200: { description: 'Redrive report' } } },
  { method: 'post', path: '/ops/replay', functionName: 'ops-redrive', scope: 'ops:redrive', operationId: 'replayEvents', summary: 'Replay stored provider events', tags: ['ops'], responses: { 200: { description: 'Replay report' } } },
  { method: 'get', path: '/ops', functionName: 'ops-console', scope: null, operationId: 'opsConsole', summary: 'Ops console (static page)', description: 'Public static page; each API call it makes carries the operator token.', tags: ['ops'], responses: { 200: { description: 'HTML page' } } },
  { method: 'post', path: '/reconciliations', functionName: 'reconciliations-api', scope: 'reconciliation:run', operationId: 'startReconciliation', summary: 'Queue a reconciliation run', description: 'Records the run as queued and hands it to the reconcile function; poll the Location (GET /reconciliations/{date}) until the state is succeeded or failed. 409 reconciliation_running (with Retry-After) while a run of the date is queued or running.', tags: ['reconciliation'], responses: { 202: { description: 'Run queued; Location: /reconciliations/{date}' } }, errors: [409] },
  { method: 'get', path: '/reconciliations/{date}', functionName: 'reconciliations-api', scope: 'reconciliation:read', operationId: 'getReconciliation', summary: 'A reconciliation run', tags: ['reconciliation'], responses: { 200: { description: 'Run summary' } }, errors: [404] },
  { method: 'get', path: '/exports/{date}', functionName: 'reconciliations-api', scope: 'exports:read', operationId: 'getExports', summary: 'Reconciliation exports of a day', tags: ['reconciliation'], responses: { 200: { description: 'Export links' } }, errors: [404] },
];
