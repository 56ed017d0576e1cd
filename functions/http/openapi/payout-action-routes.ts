import * as z from 'zod';
import { APPROVAL_EXPIRES_AFTER_SECONDS } from '../../domain/approval';
import { REVERSAL_ID_PATTERN } from '../../shared/ids';
import type { Scope } from '../../shared/names';
import { IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS, idempotencyKeyHeader } from '../idempotency-key';
import { payoutIdParameterSchema } from '../parameter-schemas';
import {
  ACTION_BODY_BYTES_MAX,
  approveBodySchema,
  cancelBodySchema,
  rejectBodySchema,
  reversalRequestBodySchema,
} from '../payout-action-requests';
import { payoutViewSchema } from '../schemas';
import { TENANT_403, type OpenApiRoute, type RouteErrorStatus } from './route-types';

const payoutIdPath = { payoutId: payoutIdParameterSchema };

/**
 * The tenant's actions on a payout (shared/payout-action-routes.ts, served by
 * payout-actions). Each is idempotent like create and answers the payout as it now stands.
 */
const ACTION_400 =
  'idempotency_key_missing, idempotency_key_invalid, body_not_json, body_not_object, duplicate_json_key, ' +
  'forbidden_key, field_unknown, field_missing, invalid_text';
const ACTION_403 = `${TENANT_403}; insufficient_scope; tenant_route_forbidden_for_operator`;
const ACTION_409_IN_PROGRESS =
  'idempotency_request_in_progress: the first request with this key is still running ' +
  `(its Retry-After header: ${IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS} s)`;
const ACTION_422 = 'idempotency_key_reused: this key was used with another body (fields names them)';
const ACTION_IDEMPOTENCY =
  'Idempotent like POST /payouts: the same Idempotency-Key and body replays the first answer ' +
  '(Idempotent-Replayed: true), another body is 422 idempotency_key_reused, a duplicate in flight 409 with ' +
  'Retry-After. A refusal writes nothing and is not stored: a retry is decided again. ';
const reversalPath = {
  payoutId: payoutIdParameterSchema,
  reversalId: z.string().regex(REVERSAL_ID_PATTERN).describe('rev_ + a ULID; any other value answers 404'),
};

function actionRoute(route: {
  path: string;
  scope: Scope;
  operationId: string;
  summary: string;
  description: string;
  body: z.ZodType;
  bodyRequired: boolean;
  example: Record<string, unknown>;
  status: 200 | 201;
  success: string;
  pathParameters?: Record<string, z.ZodType>;
  errors: Partial<Record<RouteErrorStatus, string>>;
}): OpenApiRoute {
  return {
    method: 'post',
    path: route.path,
    functionName: 'payout-actions',
    scope: route.scope,
    operationId: route.operationId,
    summary: route.summary,
    description: ACTION_IDEMPOTENCY + route.description,
    tags: ['payouts'],
    pathParameters: route.pathParameters ?? payoutIdPath,
    headers: [idempotencyKeyHeader('action on this payout')],
    requestBody: {
      schema: route.body,
      required: route.bodyRequired,
      bodyBytesMax: ACTION_BODY_BYTES_MAX,
      examples: { example: route.example },
    },
    responses: {
      [route.status]: { description: route.success, schema: payoutViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400: ACTION_400,
      403: ACTION_403,
      413: `body_too_large: over ${ACTION_BODY_BYTES_MAX} bytes`,
      415: 'content_type_unsupported: Content-Type must be application/json',
      422: ACTION_422,
      ...route.errors,
    },
    // Only the in-progress 409 carries Retry-After (its text says so); invalid_transition and the
    // other 409s are not retried, so the header is not declared for every 409.
    errorHeaders: { 503: ['Retry-After'] },
  };
}

const APPROVAL_404 = 'resource_not_found: no such payout for this tenant (another tenant’s answers the same)';
export const PAYOUT_ACTION_ROUTES_DOCUMENTED: OpenApiRoute[] = [
  actionRoute({
    path: '/payouts/{payoutId}/approve',
    scope: 'payouts:approve',
    operationId: 'approvePayout',
    summary: 'Approve a payout that requires approval (four eyes)',
    description:
      'requires_approval → submitted, then it goes to the provider like a created payout (available → in_transit ' +
      'is posted in the same transaction as the decision, its timeline entry and audit record). Refusals in this ' +
      'order: 404, 409 invalid_transition, 403 self_approval_forbidden (the principal that created it), 409 ' +
      `approval_expired (${APPROVAL_EXPIRES_AFTER_SECONDS / 3_600} h after creation).`,
    body: approveBodySchema,
    bodyRequired: false,
    example: { note: 'invoice checked' },
    status: 200,
    success: 'The payout, submitted',
    errors: {
      400: `${ACTION_400}; note_invalid`,
      403: `${ACTION_403}; self_approval_forbidden`,
      404: APPROVAL_404,
      409: `invalid_transition: not requires_approval; approval_expired; ${ACTION_409_IN_PROGRESS}`,
    },
  }),
  actionRoute({
    path: '/payouts/{payoutId}/reject',
    scope: 'payouts:approve',
    operationId: 'rejectPayout',
    summary: 'Reject a payout that requires approval',
    description:
      'requires_approval → canceled with the reason; nothing was posted, so nothing is released. Refusals as for approve.',
    body: rejectBodySchema,
    bodyRequired: true,
    example: { reason: 'not our supplier' },
    status: 200,
    success: 'The payout, canceled',
    errors: {
      400: `${ACTION_400}; reason_invalid`,
      403: `${ACTION_403}; self_approval_forbidden`,
      404: APPROVAL_404,
      409: `invalid_transition: not requires_approval; approval_expired; ${ACTION_409_IN_PROGRESS}`,
    },
  }),
  actionRoute({
    path: '/payouts/{payoutId}/cancel',
    scope: 'payouts:write',
    operationId: 'cancelPayout',
    summary: 'Cancel a payout',
    description:
      'Before a provider accepted it (requires_approval, submitted): canceled at once, in_transit released in the ' +
      'same transaction. After (accepted, pending): the provider is asked to cancel, and its confirmation cancels ' +
      'it. Paid, or the provider says it is too late: 409 cancel_too_late (human_action_required; a reversal is ' +
      'the way back once paid). Failed, canceled or reversed: 409 invalid_transition.',
    body: cancelBodySchema,
    bodyRequired: false,
    example: { reason: 'duplicate invoice' },
    status: 200,
    success: 'The payout, canceled',
    errors: {
      400: `${ACTION_400}; reason_invalid`,
      404: APPROVAL_404,
      409: `invalid_transition: already final; cancel_too_late; ${ACTION_409_IN_PROGRESS}`,
      503: 'provider_unavailable: the provider did not answer; nothing changed, retry with the same key (Retry-After)',
    },
  }),
  actionRoute({
    path: '/payouts/{payoutId}/reversals',
    scope: 'payouts:reverse',
    operationId: 'requestReversal',
    summary: 'Request the reversal of a paid payout',
    description:
      'Opens a reversal request (reversal.status requested); another principal with payouts:approve must approve ' +
      'it before anything is sent to the provider. The payout stays paid until the provider confirms the return.',
    body: reversalRequestBodySchema,
    bodyRequired: true,
    example: { reason: 'paid to the wrong recipient' },
    status: 201,
    success: 'The payout with its reversal request',
    errors: {
      400: `${ACTION_400}; reason_invalid`,
      404: APPROVAL_404,
      409: `payout_not_paid; reversal_already_open; payout_changed (retry); ${ACTION_409_IN_PROGRESS}`,
    },
  }),
  actionRoute({
    path: '/payouts/{payoutId}/reversals/{reversalId}/approve',
    scope: 'payouts:approve',
    operationId: 'approveReversal',
    summary: 'Approve a reversal request (four eyes) and send it to the provider',
    description:
      'Refusals in this order: 404 (payout or reversal), 409 invalid_transition (decided already), 403 ' +
      'self_approval_forbidden (the principal that requested it), 409 payout_not_paid. The approval is committed, ' +
      'then the return is asked of the provider: reversal.status sent (accepted), refused (with the provider’s ' +
      'reason) or still approved when the provider did not answer (the sweeper asks again). paid → reversed, with ' +
      'settled → available, follows when the provider confirms it.',
    body: approveBodySchema,
    bodyRequired: false,
    example: { note: 'confirmed with the recipient' },
    status: 200,
    success: 'The payout with its reversal',
    pathParameters: reversalPath,
    errors: {
      400: `${ACTION_400}; note_invalid`,
      403: `${ACTION_403}; self_approval_forbidden`,
      404: 'resource_not_found: no such payout for this tenant, or no such reversal of it',
      409: `invalid_transition; payout_not_paid; payout_changed (retry); ${ACTION_409_IN_PROGRESS}`,
    },
  }),
  actionRoute({
    path: '/payouts/{payoutId}/reversals/{reversalId}/reject',
    scope: 'payouts:approve',
    operationId: 'rejectReversal',
    summary: 'Reject a reversal request',
    description: 'reversal.status rejected with the reason; the payout stays paid, and a new request may be opened.',
    body: rejectBodySchema,
    bodyRequired: true,
    example: { reason: 'the recipient was paid correctly' },
    status: 200,
    success: 'The payout with its rejected reversal',
    pathParameters: reversalPath,
    errors: {
      400: `${ACTION_400}; reason_invalid`,
      403: `${ACTION_403}; self_approval_forbidden`,
      404: 'resource_not_found: no such payout for this tenant, or no such reversal of it',
      409: `invalid_transition; payout_not_paid; payout_changed (retry); ${ACTION_409_IN_PROGRESS}`,
    },
  }),
];
