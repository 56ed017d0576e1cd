import * as z from 'zod';
import { accessMatrixSchema } from '../access-matrix-schema';
import { CORRECTION_ROUTES } from './corrections-routes';
import { PAYOUT_ACTION_ROUTES_DOCUMENTED } from './payout-action-routes';
import { TENANT_403, type OpenApiRoute } from './route-types';
import {
  AUDIT_PAGE_LIMIT_MAX,
  AUDIT_SEARCH_DEFAULT_DAYS,
  AUDIT_SEARCH_QUERIES_MAX,
  AUDIT_SEARCH_RANGE_DAYS_MAX,
} from '../../domain/audit-window';
import { auditPageSchema, auditQuerySchema } from '../audit-schemas';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../../shared/names';
import {
  assignExceptionBodySchema,
  listExceptionsQuerySchema,
  resolveExceptionBodySchema,
} from '../exceptions-requests';
import {
  CREATE_BODY_BYTES_MAX,
  ENQUEUE_FAILED_RETRY_AFTER_SECONDS,
  OPS_BODY_BYTES_MAX,
  RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS,
  WEBHOOK_BODY_BYTES_MAX,
  WEBHOOK_BODY_DEPTH_MAX,
} from '../http-limits';
import { opsPayoutListSchema, opsPayoutsQuerySchema, opsTimelineSchema } from '../ops-payout-schemas';
import {
  dlqListSchema,
  exceptionIdParameterSchema,
  exceptionListSchema,
  exceptionViewSchema,
  queuesResponseSchema,
  redriveResponseSchema,
  replayResponseSchema,
} from '../ops-schemas';
import { noQuerySchema } from '../query-parameters';
import {
  dlqQuerySchema,
  REDRIVE_MESSAGES_PER_CALL_MAX,
  redriveBodySchema,
  REPLAY_EVENTS_PER_CALL_MAX,
  REPLAY_RANGE_SECONDS_MAX,
  replayBodySchema,
} from '../redrive-requests';
import { ledgerBalancesQuerySchema, payoutIdParameterSchema } from '../parameter-schemas';
import { INCIDENT_ROUTES } from './incident-routes';
import { batchRoutes } from './batch-routes';
import { STATUS_ROUTES } from './status-routes';
import {
  exportsResponseSchema,
  reconciliationResponseSchema,
  runDateOrLatestSchema,
  runDateSchema,
  startReconciliationBodySchema,
  startReconciliationResponseSchema,
} from '../reconciliation-schemas';
import {
  balancesResponseSchema,
  corridorsResponseSchema,
  createPayoutBodySchema,
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

const OPERATOR_403 = 'insufficient_scope: the handler checks the scope again';

const payoutIdPath = { payoutId: payoutIdParameterSchema };
const exceptionIdPath = { exceptionId: exceptionIdParameterSchema };

/** The create body as documented: the amount says which configuration sets its maximum. */
function documentedCreateBody(amountMaxMinor: number) {
  const body = createPayoutBodySchema(amountMaxMinor);
  return body.extend({
    amount: body.shape.amount.describe(
      `Integer count of minor units of \`currency\` (cents for USD, yen for JPY), at most ${amountMaxMinor}: ` +
        `the deployment's ${ENV.payoutAmountMaxMinor} (CDK context payoutAmountMaxMinor, default ` +
        `${PAYOUT_AMOUNT_MAX_MINOR_DEFAULT}); above it 400 amount_above_maximum`,
    ),
  });
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
      description: 'Every (country, currency, method) corridor with its state and the account fields a payout needs.',
      tags: ['corridors'],
      callsAws: false,
      responses: {
        200: { description: 'Corridors with their state and required account fields', schema: corridorsResponseSchema },
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

const OPERATOR_LOOKUP_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/ops/payouts',
    functionName: 'query-payouts',
    scope: 'ops:read',
    operationId: 'opsFindPayout',
    summary: "Find any tenant's payout (operator)",
    description:
      'Exactly one of payout_id, idempotency_key (with tenant_id) or provider_reference. Not tenant-filtered: ' +
      'every read is audited (operator, scopes, tenant, request id). An unknown payout answers `{ data: [] }`.',
    tags: ['ops'],
    query: opsPayoutsQuerySchema,
    responses: { 200: { description: 'Zero or one payout, with its tenant', schema: opsPayoutListSchema } },
    errors: {
      400:
        'parameter_unknown; payout_id_invalid, idempotency_key_invalid, tenant_id_invalid, provider_reference_invalid; ' +
        'lookup_key_missing, lookup_key_ambiguous; tenant_id_required, tenant_id_unexpected',
      403: OPERATOR_403,
    },
  },
  {
    method: 'get',
    path: '/ops/payouts/{payoutId}/events',
    functionName: 'query-payouts',
    scope: 'ops:read',
    operationId: 'opsListPayoutEvents',
    summary: "Any tenant's payout timeline (operator, audited)",
    description: 'The timeline of GET /payouts/{payoutId}/events for any tenant’s payout, with its tenant; audited.',
    tags: ['ops'],
    query: noQuerySchema,
    pathParameters: payoutIdPath,
    responses: {
      200: {
        description: 'Every transition, stale and forbidden event, oldest first, with the tenant',
        schema: opsTimelineSchema,
      },
    },
    errors: { 403: OPERATOR_403, 404: 'resource_not_found: no such payout' },
  },
];

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

const EXCEPTION_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/exceptions',
    functionName: 'ops-exceptions',
    scope: 'exceptions:read',
    operationId: 'listExceptions',
    summary: 'Exceptions queue',
    description:
      'With state: most urgent (earliest SLA) first; without: newest first. Follow next_cursor for the next page.',
    tags: ['ops'],
    query: listExceptionsQuerySchema,
    responses: { 200: { description: 'A page of exceptions', schema: exceptionListSchema } },
    errors: { 400: 'invalid_state, invalid_category, invalid_owner, invalid_limit, invalid_cursor', 403: OPERATOR_403 },
  },
  {
    method: 'post',
    path: '/exceptions/{exceptionId}/assign',
    functionName: 'ops-exceptions',
    scope: 'exceptions:write',
    operationId: 'assignException',
    summary: 'Assign an exception',
    description: 'Assigns it (to the operator by default), optionally to another owner; audited with the note.',
    tags: ['ops'],
    query: noQuerySchema,
    pathParameters: exceptionIdPath,
    requestBody: {
      schema: assignExceptionBodySchema,
      required: false,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { mine: {}, finance: { owner: 'finance', note: 'amount question' } },
    },
    responses: { 200: { description: 'The exception', schema: exceptionViewSchema } },
    errors: {
      400: 'invalid_assignee, invalid_owner, invalid_note',
      403: OPERATOR_403,
      404: 'resource_not_found: no such exception',
      409: 'exception_already_resolved; exception_changed (a concurrent change: retry)',
    },
  },
  {
    method: 'post',
    path: '/exceptions/{exceptionId}/resolve',
    functionName: 'ops-exceptions',
    scope: 'exceptions:write',
    operationId: 'resolveException',
    summary: 'Resolve an exception',
    description:
      'Resolves it with a note saying what was done, optionally naming the applied correction that fixed it ' +
      '(correction_id: it must exist, concern the exception’s payout and be applied); audited.',
    tags: ['ops'],
    query: noQuerySchema,
    pathParameters: exceptionIdPath,
    requestBody: {
      schema: resolveExceptionBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: {
        done: { note: 'paid by hand' },
        corrected: { note: 'marked paid from the statement', correction_id: 'cor_01KD0000000000000000000000' },
      },
    },
    responses: { 200: { description: 'The exception', schema: exceptionViewSchema } },
    errors: {
      400: 'note_required: no note, or a blank one; invalid_note, invalid_correction_id; correction_not_found, correction_payout_mismatch',
      403: OPERATOR_403,
      404: 'resource_not_found: no such exception',
      409: 'exception_already_resolved; exception_changed (a concurrent change: retry); correction_not_applied',
    },
  },
];

const DLQ_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/ops/dlq',
    functionName: 'ops-redrive',
    scope: 'ops:read',
    operationId: 'listDlq',
    summary: 'Dead-letter queue messages',
    description: 'Peeks at a DLQ without consuming it, with each message’s error history and exception.',
    tags: ['ops'],
    query: dlqQuerySchema,
    responses: { 200: { description: 'Messages, oldest first', schema: dlqListSchema } },
    errors: { 400: 'invalid_queue, invalid_limit', 403: OPERATOR_403 },
  },
  {
    method: 'get',
    path: '/ops/queues',
    functionName: 'ops-redrive',
    scope: 'ops:read',
    operationId: 'listQueues',
    summary: 'Queue depths',
    description: 'Depth of every work queue and its DLQ, with the oldest DLQ message’s age.',
    tags: ['ops'],
    query: noQuerySchema,
    responses: { 200: { description: 'Queues and DLQs', schema: queuesResponseSchema } },
    errors: { 403: OPERATOR_403 },
  },
  {
    method: 'post',
    path: '/ops/dlq/redrive',
    functionName: 'ops-redrive',
    scope: 'ops:redrive',
    operationId: 'redriveDlq',
    summary: 'Redrive DLQ messages (one, a filter or all; dry run)',
    description:
      `Exactly one selector: message_id, filter or all. At most ${REDRIVE_MESSAGES_PER_CALL_MAX} messages a call ` +
      '(receive → send to the source queue → delete); audited with operator and count.',
    tags: ['ops'],
    query: noQuerySchema,
    requestBody: {
      schema: redriveBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { dryRunAll: { all: true, dry_run: true } },
    },
    responses: { 200: { description: 'Redrive report', schema: redriveResponseSchema } },
    errors: {
      400:
        'invalid_queue, invalid_message_id, invalid_filter, invalid_all, invalid_dry_run; ' +
        'selector_required: not exactly one of message_id, filter or all',
      403: OPERATOR_403,
    },
  },
  {
    method: 'post',
    path: '/ops/replay',
    functionName: 'ops-redrive',
    scope: 'ops:redrive',
    operationId: 'replayEvents',
    summary: 'Replay stored provider events',
    description:
      `Re-enqueues stored inbox events by id, or every event received in [from, to) (from before to, at most ` +
      `${REPLAY_RANGE_SECONDS_MAX} s); at most ${REPLAY_EVENTS_PER_CALL_MAX} a call. Replaying twice changes ` +
      'nothing; audited.',
    tags: ['ops'],
    query: noQuerySchema,
    requestBody: {
      schema: replayBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { dryRunIds: { event_ids: ['sandbox#msg_1'], dry_run: true } },
    },
    responses: { 200: { description: 'Replay report', schema: replayResponseSchema } },
    errors: {
      400:
        'invalid_event_ids, invalid_provider, invalid_dry_run; selector_required: not either event_ids or from ' +
        'and to; provider_required: a bare event id without provider; invalid_range: from or to not an RFC 3339 ' +
        `instant, from not before to, or more than ${REPLAY_RANGE_SECONDS_MAX} s apart`,
      403: OPERATOR_403,
    },
  },
];

const AUDIT_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/audit',
    functionName: 'audit',
    scope: 'audit:read',
    operationId: 'searchAudit',
    summary: 'Search the audit trail (compliance)',
    description:
      'Every audited change and operator read, oldest first, by subject (its whole hash chain), else by actor, ' +
      `action or time. Without subject the window defaults to the ${AUDIT_SEARCH_DEFAULT_DAYS} days up to to (default now) ` +
      `and may span at most ${AUDIT_SEARCH_RANGE_DAYS_MAX} days. Each record carries prev_hash and hash (SHA-256 of its RFC 8785 ` +
      `canonical JSON), so a page can be checked without us. At most ${AUDIT_PAGE_LIMIT_MAX} records and ` +
      `${AUDIT_SEARCH_QUERIES_MAX} reads a page: a page may be short, even empty, with a next_cursor. Each search is itself audited.`,
    tags: ['audit'],
    query: auditQuerySchema,
    responses: { 200: { description: 'A page of audit records', schema: auditPageSchema } },
    errors: {
      400:
        'parameter_unknown; actor_invalid, subject_invalid, action_invalid, from_invalid, to_invalid, limit_invalid, ' +
        'cursor_invalid (not from this query); invalid_range (from after to); range_too_long',
      403: OPERATOR_403,
    },
  },
];

const RECONCILIATION_ROUTES: OpenApiRoute[] = [
  {
    method: 'post',
    path: '/reconciliations',
    functionName: 'reconciliations-api',
    scope: 'reconciliation:run',
    operationId: 'startReconciliation',
    summary: 'Queue a reconciliation run',
    description:
      'Records the run as queued and hands it to the reconcile function; poll the Location ' +
      '(GET /reconciliations/{date}) until the state is succeeded or failed.',
    tags: ['reconciliation'],
    query: noQuerySchema,
    requestBody: {
      schema: startReconciliationBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { day: { date: '2026-11-20' } },
    },
    responses: { 202: { description: 'Run queued', schema: startReconciliationResponseSchema, headers: ['Location'] } },
    errors: {
      400:
        'parameter_invalid: no date, or not a calendar date YYYY-MM-DD; date_not_ended: the day has not ended ' +
        'in RECONCILE_TIMEZONE or in UTC; date_too_old',
      409: `reconciliation_running: a run of the date is queued or running (Retry-After ${RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS} s)`,
    },
    errorHeaders: { 409: ['Retry-After'] },
  },
  {
    method: 'get',
    path: '/reconciliations/{date}',
    functionName: 'reconciliations-api',
    scope: 'reconciliation:read',
    operationId: 'getReconciliation',
    summary: 'A reconciliation run',
    description: 'The date’s latest run and the last successful run; `latest` for the last successful run alone.',
    tags: ['reconciliation'],
    query: noQuerySchema,
    pathParameters: { date: runDateOrLatestSchema },
    responses: { 200: { description: 'Run summary', schema: reconciliationResponseSchema } },
    errors: { 400: 'parameter_invalid: not a calendar date', 404: 'resource_not_found: no run of that date' },
  },
  {
    method: 'get',
    path: '/exports/{date}',
    functionName: 'reconciliations-api',
    scope: 'exports:read',
    operationId: 'getExports',
    summary: 'Reconciliation exports of a day',
    description: 'The published manifest of the day, each file with a presigned URL.',
    tags: ['reconciliation'],
    query: noQuerySchema,
    pathParameters: { date: runDateSchema },
    responses: { 200: { description: 'Manifest and export links', schema: exportsResponseSchema } },
    errors: { 400: 'parameter_invalid: not a calendar date', 404: 'resource_not_found: no export of that date (yet)' },
  },
];

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
  ];
}

export const DEFAULT_LIMITS: DocumentedLimits = { amountMaxMinor: PAYOUT_AMOUNT_MAX_MINOR_DEFAULT };
export const OPENAPI_ROUTES: OpenApiRoute[] = openApiRoutes(DEFAULT_LIMITS);
