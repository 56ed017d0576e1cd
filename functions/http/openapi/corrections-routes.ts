import { OPS_BODY_BYTES_MAX } from '../http-limits';
import { correctionListSchema, correctionViewSchema } from '../correction-view';
import {
  approveCorrectionBodySchema,
  correctionIdParameterSchema,
  documentedProposeBodySchema,
  listCorrectionsQuerySchema,
  rejectCorrectionBodySchema,
} from '../corrections-requests';
import { idempotencyKeyHeader } from '../idempotency-key';
import { payoutIdParameterSchema } from '../parameter-schemas';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

/** The corrections routes (ops-corrections) for GET /openapi.json; openapi-routes.ts lists them. */
const IDEMPOTENCY_400 = 'idempotency_key_missing, idempotency_key_invalid';
const IDEMPOTENCY_409 =
  'idempotency_request_in_progress (the same key is still running: its Retry-After header says when to retry)';
const IDEMPOTENCY_422 = 'idempotency_key_reused: this key was used with another body (the differing fields are named)';
const BODY_400 = 'body_not_json, body_not_object, duplicate_json_key, forbidden_key, field_unknown, field_missing';
const IDEMPOTENCY_HEADER = idempotencyKeyHeader('action of this operator on this route and resource');
const correctionIdPath = { correctionId: correctionIdParameterSchema };
const PROPOSE_EXAMPLES = {
  paid: {
    kind: 'status',
    target_status: 'paid',
    reason: 'The provider statement of 2026-11-20 lists it paid; the webhook never came.',
    evidence: { type: 'provider_statement', reference: 'stmt_2026-11-20#line-14' },
  },
  fee: {
    kind: 'ledger_adjustment',
    postings: [
      { account: 'fees', currency: 'EUR', amount: -25 },
      { account: 'available', currency: 'EUR', amount: 25 },
    ],
    reason: 'Fee booked twice (provider invoice 8812 charges it once).',
    evidence: { type: 'document', reference: 'INV-8812' },
  },
};

export const CORRECTION_ROUTES: OpenApiRoute[] = [
  {
    method: 'post',
    path: '/ops/payouts/{payoutId}/corrections',
    functionName: 'ops-corrections',
    scope: 'payouts:correct',
    operationId: 'proposeCorrection',
    summary: 'Propose a correction of any tenant’s payout (operator)',
    description:
      'A status correction (target_status, allowed from the payout’s status per the table in docs/ops-api.md) or ' +
      'a ledger adjustment (postings in the payout’s currency summing to 0). Needs a reason and an evidence ' +
      'reference. Nothing moves until a second operator approves. Checks in this order, nothing written on a ' +
      'refusal: Idempotency-Key, body, schema, kind fields, evidence URL, balance (unbalanced_adjustment), payout, ' +
      'rule, currency.',
    tags: ['ops'],
    pathParameters: { payoutId: payoutIdParameterSchema },
    headers: [IDEMPOTENCY_HEADER],
    requestBody: {
      schema: documentedProposeBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: PROPOSE_EXAMPLES,
    },
    responses: {
      201: { description: 'The correction, proposed', schema: correctionViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400:
        `${IDEMPOTENCY_400}; ${BODY_400}; invalid_kind, invalid_target_status, invalid_postings, invalid_account, ` +
        'currency_unsupported, amount_not_integer, amount_zero, amount_too_large, invalid_reason, invalid_evidence_type, ' +
        'invalid_evidence_reference, invalid_text; unbalanced_adjustment, posting_account_repeated',
      403: OPERATOR_403,
      404: 'resource_not_found: no such payout',
      409:
        'correction_no_change, correction_target_not_allowed, correction_awaiting_approval (the payout’s status ' +
        'does not allow it); payout_changed (it moved while the proposal was written: retry); ' +
        IDEMPOTENCY_409,
      415: 'content_type_unsupported: Content-Type must be application/json',
      422: `adjustment_currency_mismatch: a posting is not in the payout’s currency; ${IDEMPOTENCY_422}`,
    },
  },
  {
    method: 'post',
    path: '/ops/corrections/{correctionId}/approve',
    functionName: 'ops-corrections',
    scope: 'payouts:correct',
    operationId: 'approveCorrection',
    summary: 'Approve a correction (a second operator): it is applied at once',
    description:
      'In one transaction, conditional on the payout’s version: the payout (status for a status correction), a ' +
      'timeline entry with source operator, the balanced postings, an audit record, and the correction → applied. ' +
      'The proposer can never approve their own (403).',
    tags: ['ops'],
    pathParameters: correctionIdPath,
    headers: [IDEMPOTENCY_HEADER],
    requestBody: {
      schema: approveCorrectionBodySchema,
      required: false,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { checked: { note: 'statement line checked' } },
    },
    responses: {
      200: { description: 'The correction, applied', schema: correctionViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400: `${IDEMPOTENCY_400}; ${BODY_400}; invalid_note, invalid_text`,
      403: `self_approval_forbidden: the proposer cannot approve; ${OPERATOR_403}`,
      404: 'resource_not_found: no such correction',
      409:
        'correction_not_proposed (already decided); payout_changed (the payout moved since the proposal: reject and ' +
        'propose again); correction_no_change, correction_target_not_allowed, correction_awaiting_approval; ' +
        IDEMPOTENCY_409,
      415: 'content_type_unsupported: Content-Type must be application/json',
      422: IDEMPOTENCY_422,
    },
  },
  {
    method: 'post',
    path: '/ops/corrections/{correctionId}/reject',
    functionName: 'ops-corrections',
    scope: 'payouts:correct',
    operationId: 'rejectCorrection',
    summary: 'Reject a correction, with a reason',
    description: 'Nothing moves; audited. The proposer may reject (withdraw) their own.',
    tags: ['ops'],
    pathParameters: correctionIdPath,
    headers: [IDEMPOTENCY_HEADER],
    requestBody: {
      schema: rejectCorrectionBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { no: { reason: 'statement is for another payout' } },
    },
    responses: {
      200: { description: 'The correction, rejected', schema: correctionViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400: `${IDEMPOTENCY_400}; ${BODY_400}; invalid_reason, invalid_text`,
      403: OPERATOR_403,
      404: 'resource_not_found: no such correction',
      409: `correction_not_proposed (already decided); ${IDEMPOTENCY_409}`,
      415: 'content_type_unsupported: Content-Type must be application/json',
      422: IDEMPOTENCY_422,
    },
  },
  {
    method: 'get',
    path: '/ops/corrections',
    functionName: 'ops-corrections',
    scope: 'payouts:correct',
    operationId: 'listCorrections',
    summary: 'Corrections: a state’s queue, or a payout’s',
    description:
      'Without payout_id: the corrections in state (default proposed), oldest first. With payout_id: its corrections, filtered by state if given.',
    tags: ['ops'],
    query: listCorrectionsQuerySchema,
    responses: { 200: { description: 'A page of corrections', schema: correctionListSchema } },
    errors: {
      400: 'parameter_unknown, invalid_state, payout_id_invalid, invalid_limit, invalid_cursor',
      403: OPERATOR_403,
    },
  },
  {
    method: 'get',
    path: '/ops/corrections/{correctionId}',
    functionName: 'ops-corrections',
    scope: 'payouts:correct',
    operationId: 'getCorrection',
    summary: 'One correction',
    description: 'With its proposal, evidence, and approval or rejection.',
    tags: ['ops'],
    pathParameters: correctionIdPath,
    responses: { 200: { description: 'The correction', schema: correctionViewSchema } },
    errors: { 403: OPERATOR_403, 404: 'resource_not_found: no such correction' },
  },
];
