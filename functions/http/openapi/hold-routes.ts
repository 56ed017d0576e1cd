// The holds routes in the OpenAPI registry (openapi-routes.ts), issue 15: the owners' "before funds
// move" queue and the two releases (shared/hold-routes.ts, served by payout-actions).
import * as z from 'zod';
import { HOLD_QUEUE_PAGE_MAX } from '../../shared/hold-routes';
import {
  HOLD_ID_PATTERN,
  HOLD_RELEASE_BODY_BYTES_MAX,
  holdQueueQuerySchema,
  holdQueueSchema,
  holdReleaseBodySchema,
  holdReleaseSchema,
} from '../hold-schemas';
import { payoutIdParameterSchema } from '../parameter-schemas';
import { noQuerySchema } from '../query-parameters';
import { OPERATOR_403, TENANT_403, type OpenApiRoute } from './route-types';

const holdPath = {
  payoutId: payoutIdParameterSchema,
  holdId: z.string().regex(HOLD_ID_PATTERN).describe('The hold_id GET /payouts/{payoutId} shows under holds'),
};
const RELEASE_400 =
  'body_not_json, body_not_object, duplicate_json_key, forbidden_key, field_unknown, field_missing, reason_invalid, invalid_text, parameter_unknown';
const RELEASE_DESCRIPTION =
  "Only the hold's owner's role releases it: the route's scope is coarse and the use case requires the owner's " +
  '(tenant payouts:write, compliance compliance:review, ops ops:redrive), refusing 403 hold_owner_scope_required ' +
  'before anything is written. A screening hold is its case’s to decide (409 screening_hold_released_by_decision); ' +
  'the approval hold is released by POST /payouts/{payoutId}/approve (409 approval_hold_released_by_approve); a ' +
  "tax_form or onboarding hold only when the recipient's compliance, read again, no longer asks for it (422 " +
  'hold_requirement_unmet). Idempotent: a second release answers already_released. Audited with the reason; the ' +
  'last release of a submitted payout sends it to submission.';
const releaseBody = {
  schema: holdReleaseBodySchema,
  required: true,
  bodyBytesMax: HOLD_RELEASE_BODY_BYTES_MAX,
  examples: { example: { reason: 'W-8BEN captured and checked' } },
};
const releaseErrors = (forbidden: string) => ({
  400: RELEASE_400,
  403: `${forbidden}; hold_owner_scope_required: the hold's owner's scope is missing`,
  404: 'resource_not_found: no such payout (or another tenant’s), or hold_not_found',
  409: 'approval_hold_released_by_approve, screening_hold_released_by_decision',
  413: `body_too_large: over ${HOLD_RELEASE_BODY_BYTES_MAX} bytes`,
  415: 'content_type_unsupported: Content-Type must be application/json',
  422: "hold_requirement_unmet: the recipient's compliance still asks for the requirement",
});

export const HOLD_ROUTES_DOCUMENTED: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/ops/holds',
    functionName: 'payout-actions',
    scope: 'exceptions:read',
    operationId: 'opsListHolds',
    summary: "One owner's open holds, oldest first: the “before funds move” queue (operator, audited)",
    description:
      'Every open hold its owner has to act on, across tenants, with the payout and its SLA due time; the ' +
      "approver's queue is the payouts awaiting approval. Every operator role reads every owner's queue (a read " +
      `filters nothing); one holds.read record per call. At most ${HOLD_QUEUE_PAGE_MAX} a page.`,
    tags: ['ops'],
    query: holdQueueQuerySchema,
    responses: { 200: { description: 'One page of the queue', schema: holdQueueSchema } },
    errors: {
      400: 'parameter_unknown, field_missing, owner_invalid, limit_invalid, cursor_invalid',
      403: OPERATOR_403,
    },
  },
  {
    method: 'post',
    path: '/payouts/{payoutId}/holds/{holdId}/release',
    functionName: 'payout-actions',
    scope: 'payouts:write',
    operationId: 'releasePayoutHold',
    summary: "Release a tenant-owned hold of the caller's payout (its requirement met)",
    description: RELEASE_DESCRIPTION,
    tags: ['payouts'],
    pathParameters: holdPath,
    query: noQuerySchema,
    requestBody: releaseBody,
    responses: { 200: { description: 'The hold, released (or already)', schema: holdReleaseSchema } },
    errors: releaseErrors(`${TENANT_403}; insufficient_scope; tenant_route_forbidden_for_operator`),
  },
  {
    method: 'post',
    path: '/ops/payouts/{payoutId}/holds/{holdId}/release',
    functionName: 'payout-actions',
    scope: 'exceptions:write',
    operationId: 'opsReleasePayoutHold',
    summary: "Release a compliance- or ops-owned hold of any tenant's payout (operator)",
    description: RELEASE_DESCRIPTION,
    tags: ['ops'],
    pathParameters: holdPath,
    query: noQuerySchema,
    requestBody: releaseBody,
    responses: { 200: { description: 'The hold, released (or already)', schema: holdReleaseSchema } },
    errors: releaseErrors(OPERATOR_403),
  },
];
