import * as z from 'zod';
import { accessMatrixSchema } from '../access-matrix-schema';
import { CORRECTION_ROUTES } from './corrections-routes';
import { PAYOUT_ACTION_ROUTES_DOCUMENTED } from './payout-action-routes';
import { TENANT_403, type OpenApiRoute } from './route-types';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../../shared/names';
import {
  CREATE_BODY_BYTES_MAX,
  ENQUEUE_FAILED_RETRY_AFTER_SECONDS,
  WEBHOOK_BODY_BYTES_MAX,
  WEBHOOK_BODY_DEPTH_MAX,
} from '../http-limits';
import { noQuerySchema } from '../query-parameters';
import { ledgerBalancesQuerySchema, payoutIdParameterSchema } from '../parameter-schemas';
import { INCIDENT_ROUTES } from './incident-routes';
import { BATCH_UPLOAD_ROUTES } from './batch-upload-routes';
import { batchRoutes } from './batch-routes';
import { OPS_BATCH_ROUTES_DOCUMENTED } from './ops-batch-routes';
import { SCREENING_ROUTES_DOCUMENTED } from './screening-routes';
import { HOLD_ROUTES_DOCUMENTED } from './hold-routes';
import { RECIPIENT_ROUTES_DOCUMENTED } from './recipient-routes';
import { STATUS_ROUTES } from './status-routes';
import {
  balancesResponseSchema,
  corridorsResponseSchema,
  payoutRequestBodySchema,
  PAYOUT_RECIPIENT_ONE_OF,
  IDEMPOTENCY_KEY_CHARS_MAX,
  IDEMPOTENCY_KEY_PATTERN,
  lifecycleSchema,
  listPayoutsQuerySchema,
  payoutListSchema,
  payoutViewSchema,
  timelineSchema,
} from '../schemas';
import {
  WEBHOOK_SIGNATURE_HEADERS,
  webhookAcceptedSchema,
  webhookEventBodySchema,
  webhookProviderSchema,
} from '../webhook-schemas';
import { DLQ_ROUTES, EXCEPTION_ROUTES, OPERATOR_LOOKUP_ROUTES } from './ops-routes';
import { RECONCILIATION_ROUTES } from './reconciliation-routes';
import { AUDIT_ROUTES } from './audit-routes';

/**
 * The route registry GET /openapi.json is generated from: one entry per route of lib/routes.ts (a
 * test holds the two equal). Each entry names the zod schemas its handler validates with and
 * answers, and every status the handler (or, where it has a JWT, API Gateway's authorizer) can
 * answer with the codes behind it. openapi-document.ts adds what every route shares: 401/403 for
 * a route with a scope; 413 (API Gateway's limit and the route's own) and 415 for a JSON body; the
 * strict parser's and schemas' 400 codes (body_*, field_unknown, parameter_unknown, invalid_text);
 * 429; 503 for a route that calls AWS; and 500 with the category of the route's failure semantics.
 */
export { TAGS, type OpenApiRoute, type ResponseHeader, type RouteErrorStatus, type Tag } from './route-types';

export interface DocumentedLimits {
  /** This deployment's PAYOUT_AMOUNT_MAX_MINOR (create-payout enforces it). */
  amountMaxMinor: number;
}

const openApiDocumentSchema = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

const payoutIdPath = { payoutId: payoutIdParameterSchema };

/** The create body as documented: the amount says which configuration sets its maximum. */
function documentedCreateBody(amountMaxMinor: number) {
  const body = payoutRequestBodySchema(amountMaxMinor);
  return body
    .extend({
      amount: body.shape.amount.describe(
        `Integer count of minor units of \`currency\` (cents for USD, yen for JPY), at most ${amountMaxMinor}: ` +
          `the deployment's ${ENV.payoutAmountMaxMinor} (CDK context payoutAmountMaxMinor, default ` +
          `${PAYOUT_AMOUNT_MAX_MINOR_DEFAULT}); above it 400 amount_above_maximum`,
      ),
    })
    .meta({ oneOf: PAYOUT_RECIPIENT_ONE_OF });
}

const CREATE_EXAMPLE = {
  amount: 5_000,
  currency: 'GBP',
  destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  recipient: { name: 'Ada Lovelace', email: 'ada@example.com' },
  description: 'Invoice 2026-11',
  metadata: { order_id: 'ord_123' },
};

function payoutRoutes(limits: DocumentedLimits): OpenApiRoute[] {
  return [
    {
      method: 'get',
      path: '/corridors',
      functionName: 'get-corridors',
      scope: 'payouts:read',
      operationId: 'listCorridors',
      summary: 'The launch corridor matrix',
      description:
        'Every (country, currency, method) corridor with its state, the account fields a payout needs, its cut-off ' +
        'and ETA, and its evidence: the provider or scheme pages (URL, retrieval date, what each states and which ' +
        'claims it backs), the support tier, whether account enablement is required, the onboarding and tax ' +
        'requirements, and what no retrieved page states.',
      tags: ['corridors'],
      callsAws: false,
      responses: {
        200: {
          description: 'Corridors with their state, required account fields and evidence',
          schema: corridorsResponseSchema,
        },
      },
      errors: { 403: TENANT_403 },
    },
    {
      method: 'post',
      path: '/payouts',
      functionName: 'create-payout',
      scope: 'payouts:write',
      operationId: 'createPayout',
      summary: 'Create a payout (idempotent)',
      description:
        'A retry with the same Idempotency-Key and body answers the first status and body with ' +
        '`Idempotent-Replayed: true` (a stored 500 included). The same key with another body is refused ' +
        '(422 idempotency_key_reused, naming the fields); a request while the first is in flight gets 409 ' +
        'with Retry-After. Checks run in this order, so several faults always give the same first error: ' +
        'Idempotency-Key, Content-Type, size, UTF-8, JSON syntax, depth, duplicate keys, an object, prototype ' +
        'keys, server-owned fields, schema (unknown fields first), corridor, account fields. Nothing is ' +
        'written for a 4xx. A 500 is retryable: retry with the same key to learn the outcome.',
      tags: ['payouts'],
      headers: [
        {
          name: 'Idempotency-Key',
          required: true,
          description: `1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters, unique per payout (per tenant)`,
          schema: z.string().min(1).max(IDEMPOTENCY_KEY_CHARS_MAX).regex(IDEMPOTENCY_KEY_PATTERN),
        },
      ],
      requestBody: {
        schema: documentedCreateBody(limits.amountMaxMinor),
        required: true,
        bodyBytesMax: CREATE_BODY_BYTES_MAX,
        examples: { gb: CREATE_EXAMPLE },
      },
      responses: {
        201: {
          description: 'The payout (account fields masked)',
          schema: payoutViewSchema,
          headers: ['Idempotent-Replayed'],
        },
      },
      errors: {
        400:
          'idempotency_key_missing, idempotency_key_invalid, field_server_owned, field_missing, ' +
          'amount_not_integer, amount_not_positive, amount_above_maximum, currency_unsupported, and the ' +
          'schema codes of the other fields',
        403: TENANT_403,
        409: 'idempotency_request_in_progress: the first request with this key is still running (Retry-After)',
        422: 'Corridor not enabled or account fields invalid for it (codes of the corridor rules); idempotency_key_reused (fields)',
      },
      errorHeaders: { 409: ['Retry-After'], 500: ['Idempotent-Replayed'] },
      failure: 'idempotent_create',
    },
    {
      method: 'get',
      path: '/payouts',
      functionName: 'query-payouts',
      scope: 'payouts:read',
      operationId: 'listPayouts',
      summary: "List the tenant's payouts, newest first",
      description:
        'Filters combine. created_from and created_to are inclusive bounds; created_to before created_from is ' +
        'refused (400 invalid_range). With provider_reference: the payout carrying it, if it is the tenant’s.',
      tags: ['payouts'],
      query: listPayoutsQuerySchema,
      responses: { 200: { description: 'A page of payouts', schema: payoutListSchema } },
      errors: {
        400: 'parameter_unknown, status_invalid, limit_invalid, idempotency_key_invalid, provider_reference_invalid, cursor_invalid, parameter_invalid, invalid_range',
        403: TENANT_403,
      },
    },
    {
      method: 'get',
      path: '/payouts/{payoutId}',
      functionName: 'query-payouts',
      scope: 'payouts:read',
      operationId: 'getPayout',
      summary: 'One payout',
      description: 'Another tenant’s payout answers exactly like one that does not exist (404).',
      tags: ['payouts'],
      query: noQuerySchema,
      pathParameters: payoutIdPath,
      responses: { 200: { description: 'The payout', schema: payoutViewSchema } },
      errors: { 403: TENANT_403, 404: 'resource_not_found: no such payout for this tenant' },
    },
    {
      method: 'get',
      path: '/payouts/{payoutId}/events',
      functionName: 'query-payouts',
      scope: 'payouts:read',
      operationId: 'listPayoutEvents',
      summary: "A payout's timeline",
      description: 'Every transition, stale and forbidden event of the payout, oldest first.',
      tags: ['payouts'],
      query: noQuerySchema,
      pathParameters: payoutIdPath,
      responses: {
        200: { description: 'Every transition, stale and forbidden event, oldest first', schema: timelineSchema },
      },
      errors: { 403: TENANT_403, 404: 'resource_not_found: no such payout for this tenant' },
    },
    {
      method: 'get',
      path: '/lifecycle',
      functionName: 'query-payouts',
      scope: 'payouts:read',
      operationId: 'getLifecycle',
      summary: 'The payout state graph',
      description:
        'Statuses, events and the allowed transitions, from the one table the code uses; which moves arrive by ' +
        'webhook and which only by polling; per status and launch corridor, one sentence for a reader.',
      tags: ['payouts'],
      query: noQuerySchema,
      responses: { 200: { description: 'Statuses, events and allowed transitions', schema: lifecycleSchema } },
      errors: {},
      callsAws: false,
    },
    {
      method: 'get',
      path: '/ledger/balances',
      functionName: 'get-ledger-balances',
      scope: 'reconciliation:read',
      operationId: 'getLedgerBalances',
      summary: 'Ledger balances of one currency',
      description: 'Every account of every tenant (or of one) in one currency, read as one zero-sum snapshot.',
      tags: ['ledger'],
      query: ledgerBalancesQuerySchema,
      responses: {
        200: { description: 'Balances per tenant and account; they sum to zero', schema: balancesResponseSchema },
      },
      errors: { 400: 'parameter_unknown, currency_unsupported, tenant_id_invalid', 403: TENANT_403 },
    },
  ];
}

const WEBHOOK_ROUTE: OpenApiRoute = {
  method: 'post',
  path: '/webhooks/{provider}',
  functionName: 'intake-webhook',
  scope: null,
  operationId: 'receiveWebhook',
  summary: 'Provider webhook intake',
  description:
    'Public: providers cannot present our JWTs, so the provider signature is verified on the raw body ' +
    'before anything is stored. Verify → store → enqueue → 2xx; refusals in this order, nothing written: ' +
    'unknown provider (404), size (413), signature (401), the body (400). Any Content-Type: the signed ' +
    'bytes are what counts. A 5xx is always safe to redeliver: deliveries are deduplicated.',
  tags: ['webhooks'],
  pathParameters: { provider: webhookProviderSchema },
  headers: WEBHOOK_SIGNATURE_HEADERS.map((header) => ({ ...header, required: false, schema: z.string() })),
  requestBody: {
    schema: webhookEventBodySchema,
    required: true,
    bodyBytesMax: WEBHOOK_BODY_BYTES_MAX,
    anyContentType: true,
  },
  responses: {
    200: { description: 'A duplicate delivery: already enqueued, not enqueued again', schema: webhookAcceptedSchema },
    202: { description: 'Accepted: stored in the inbox and enqueued', schema: webhookAcceptedSchema },
  },
  errors: {
    400:
      'body_not_utf8; invalid_json: the verified body is not JSON, or not an object with an event id and type; ' +
      `body_too_deep: nested deeper than ${WEBHOOK_BODY_DEPTH_MAX} levels; duplicate_json_key (fields)`,
    401: 'signature_invalid: missing or malformed headers, bad signature, stale timestamp or no secret (one message for every reason)',
    404: 'unknown_provider: no webhook endpoint for this provider',
    503: `enqueue_failed: stored but not queued; retry the delivery (Retry-After ${ENQUEUE_FAILED_RETRY_AFTER_SECONDS} s)`,
  },
  failure: 'webhook_delivery',
};

const META_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/openapi.json',
    functionName: 'get-openapi',
    scope: null,
    operationId: 'getOpenApi',
    summary: 'This document',
    description: 'Public: it describes the contract and holds no tenant data.',
    tags: ['meta'],
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: openApiDocumentSchema } },
    errors: {},
    callsAws: false,
  },
  {
    method: 'get',
    path: '/access-matrix',
    functionName: 'get-openapi',
    scope: null,
    operationId: 'getAccessMatrix',
    summary: 'The access matrix: actors, token types, scopes and the routes they open',
    description:
      'Public, like this document: it says who may hold which scope and holds no tenant data. Every route ' +
      'enforces it at three layers (app client scopes, the pre-token trigger, the handlers).',
    tags: ['meta'],
    responses: { 200: { description: 'One row per actor', schema: accessMatrixSchema } },
    errors: {},
  },
  {
    method: 'get',
    path: '/ops',
    functionName: 'ops-console',
    scope: null,
    operationId: 'opsConsole',
    summary: 'Ops console (static page)',
    description: 'Public static HTML page with no data; each API call it makes carries the operator token.',
    tags: ['meta'],
    responses: { 200: { description: 'The console page', schema: z.string(), mediaType: 'text/html' } },
    errors: {},
    callsAws: false,
  },
];

export function openApiRoutes(limits: DocumentedLimits): OpenApiRoute[] {
  return [
    ...META_ROUTES,
    ...payoutRoutes(limits),
    ...PAYOUT_ACTION_ROUTES_DOCUMENTED,
    ...batchRoutes(limits.amountMaxMinor),
    ...OPERATOR_LOOKUP_ROUTES,
    WEBHOOK_ROUTE,
    ...EXCEPTION_ROUTES,
    ...CORRECTION_ROUTES,
    ...DLQ_ROUTES,
    ...RECONCILIATION_ROUTES,
    ...AUDIT_ROUTES,
    ...STATUS_ROUTES,
    ...INCIDENT_ROUTES,
    ...BATCH_UPLOAD_ROUTES,
    ...OPS_BATCH_ROUTES_DOCUMENTED,
    ...SCREENING_ROUTES_DOCUMENTED,
    ...HOLD_ROUTES_DOCUMENTED,
    ...RECIPIENT_ROUTES_DOCUMENTED,
  ];
}

export const DEFAULT_LIMITS: DocumentedLimits = { amountMaxMinor: PAYOUT_AMOUNT_MAX_MINOR_DEFAULT };
export const OPENAPI_ROUTES: OpenApiRoute[] = openApiRoutes(DEFAULT_LIMITS);
