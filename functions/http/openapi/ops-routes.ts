// The operator's routes in the OpenAPI registry (openapi-routes.ts): payout lookups across
// tenants, exceptions, the DLQs, redrive and replay.
import {
  assignExceptionBodySchema,
  listExceptionsQuerySchema,
  resolveExceptionBodySchema,
} from '../exceptions-requests';
import { OPS_BODY_BYTES_MAX } from '../http-limits';
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
import { payoutIdParameterSchema } from '../parameter-schemas';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

const payoutIdPath = { payoutId: payoutIdParameterSchema };
const exceptionIdPath = { exceptionId: exceptionIdParameterSchema };

export const OPERATOR_LOOKUP_ROUTES: OpenApiRoute[] = [
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

export const EXCEPTION_ROUTES: OpenApiRoute[] = [
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

export const DLQ_ROUTES: OpenApiRoute[] = [
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
