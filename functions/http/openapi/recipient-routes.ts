// The recipients routes in the OpenAPI registry (openapi-routes.ts), issue 15 (docs/compliance.md):
// the tenant's recipients and tax forms, and compliance's view (in clear, audited) and decision.
import * as z from 'zod';
import { RECIPIENT_ID_PATTERN } from '../../domain/compliance/recipient-record';
import { W8_VALIDITY_SUCCEEDING_CALENDAR_YEARS } from '../../domain/compliance/tax-forms';
import { CREATE_BODY_BYTES_MAX, OPS_BODY_BYTES_MAX } from '../http-limits';
import { idempotencyKeyHeader } from '../idempotency-key';
import { complianceRecipientViewSchema } from '../ops-recipient-view';
import { noQuerySchema } from '../query-parameters';
import {
  createRecipientBodySchema,
  listRecipientsQuerySchema,
  onboardingDecisionBodySchema,
  opsRecipientQuerySchema,
  RECIPIENT_DESTINATIONS_MAX,
} from '../recipient-requests';
import { recipientListSchema, recipientViewSchema, taxFormCapturedSchema } from '../recipient-view';
import { taxFormBodySchema } from '../tax-form-request';
import { OPERATOR_403, TENANT_403, type OpenApiRoute } from './route-types';

const recipientIdPath = {
  recipientId: z.string().regex(RECIPIENT_ID_PATTERN).describe('rcp_ + 32 hex digits'),
};
const NOT_FOUND = "recipient_not_found: no such recipient in this tenant (another tenant's id answers the same)";
const TENANT_SCOPE_403 = (scope: string) => `${TENANT_403}; insufficient_scope: the handler checks ${scope} again`;
const DESTINATION_422 =
  'corridor_not_enabled, corridor_policy_gated, destination_field_missing, destination_field_unknown, ' +
  'and the account field codes (param names the destination: destinations[i].iban)';

export const RECIPIENT_ROUTES_DOCUMENTED: OpenApiRoute[] = [
  {
    method: 'post',
    path: '/recipients',
    functionName: 'recipients-api',
    scope: 'recipients:write',
    operationId: 'createRecipient',
    summary: 'Create a recipient: an individual or a business, with its payout destinations',
    description:
      `Up to ${RECIPIENT_DESTINATIONS_MAX} destinations, each validated as a payout's (corridor, account fields). ` +
      'Account numbers are encrypted at rest and masked in every answer. The onboarding state says what is ' +
      'missing per the corridor policy (requirements); a recipient whose corridors ask nothing starts verified. ' +
      'The recipient id is derived from the tenant and the Idempotency-Key: a retry answers the same recipient.',
    tags: ['recipients'],
    query: noQuerySchema,
    headers: [idempotencyKeyHeader('recipient')],
    requestBody: {
      schema: createRecipientBodySchema,
      required: true,
      bodyBytesMax: CREATE_BODY_BYTES_MAX,
      examples: {
        individual: {
          kind: 'individual',
          name: 'Ada Lovelace',
          country: 'DE',
          contact: { email: 'ada@example.com' },
          date_of_birth: '1990-12-10',
          destinations: [{ currency: 'EUR', country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' }],
        },
      },
    },
    responses: {
      201: {
        description: 'The recipient (also on a replay, with Idempotent-Replayed)',
        schema: recipientViewSchema,
        headers: ['Location', 'Idempotent-Replayed'],
      },
    },
    errors: {
      400: 'idempotency_key_missing, idempotency_key_invalid, field_server_owned, field_missing, field_not_applicable, recipient_kind_invalid, recipient_name_invalid, recipient_country_invalid, contact_email_invalid, contact_phone_invalid, date_of_birth_invalid, registration_number_invalid, address_invalid, destinations_invalid, destinations_too_many, currency_unsupported, destination_country_invalid, destination_method_invalid, destination_field_invalid',
      403: TENANT_SCOPE_403('recipients:write'),
      422: `idempotency_key_reused (details.fields: what differs from the first request); ${DESTINATION_422}`,
    },
  },
  {
    method: 'get',
    path: '/recipients',
    functionName: 'recipients-api',
    scope: 'recipients:read',
    operationId: 'listRecipients',
    summary: "The tenant's recipients, newest first, optionally by onboarding state",
    description: 'Masked as everywhere. next_cursor pages on; a cursor from another listing is refused.',
    tags: ['recipients'],
    query: listRecipientsQuerySchema,
    responses: { 200: { description: 'One page of recipients', schema: recipientListSchema } },
    errors: {
      400: 'parameter_unknown, onboarding_state_invalid, limit_invalid, cursor_invalid',
      403: TENANT_SCOPE_403('recipients:read'),
    },
  },
  {
    method: 'get',
    path: '/recipients/{recipientId}',
    functionName: 'recipients-api',
    scope: 'recipients:read',
    operationId: 'getRecipient',
    summary: 'One recipient: onboarding, its requirements, the tax form state, screening state',
    description:
      'The tax form state and requirements are computed when read, so a W-8 that expired overnight reads expired.',
    tags: ['recipients'],
    pathParameters: recipientIdPath,
    query: noQuerySchema,
    responses: { 200: { description: 'The recipient', schema: recipientViewSchema } },
    errors: { 400: 'parameter_unknown', 403: TENANT_SCOPE_403('recipients:read'), 404: NOT_FOUND },
  },
  {
    method: 'post',
    path: '/recipients/{recipientId}/tax-forms',
    functionName: 'recipients-api',
    scope: 'recipients:write',
    operationId: 'captureTaxForm',
    summary: 'Capture a W-9, W-8BEN or W-8BEN-E: a new version, never an overwrite',
    description:
      'A W-9 for a US recipient (TIN type and number, checked against the SSA and IRS rules), a W-8BEN for a ' +
      'foreign individual, a W-8BEN-E for a foreign entity, each signed by signer at signed_at. A W-8 is valid ' +
      `until the last day of the ${W8_VALIDITY_SUCCEEDING_CALENDAR_YEARS}rd calendar year after signing (IRS ` +
      'Instructions for Form W-8BEN); a W-9 does not expire. The TIN is encrypted at rest; answers show its last four.',
    tags: ['recipients'],
    pathParameters: recipientIdPath,
    query: noQuerySchema,
    requestBody: {
      schema: taxFormBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: {
        w8ben: {
          form_type: 'W-8BEN',
          country: 'DE',
          treaty_claim: { country: 'DE', article: '7', rate_basis_points: 0 },
          signer: 'Ada Lovelace',
          signed_at: '2026-11-30T10:00:00Z',
        },
      },
    },
    responses: { 201: { description: 'The form captured and the recipient after it', schema: taxFormCapturedSchema } },
    errors: {
      400: 'form_type_invalid, tin_type_invalid, tin_invalid, country_invalid, treaty_claim_invalid, foreign_tin_invalid, signer_invalid, signed_at_invalid, field_missing, field_unknown',
      403: TENANT_SCOPE_403('recipients:write'),
      404: NOT_FOUND,
      409: 'recipient_changed: another write came first; nothing was written, retry',
      422: 'w9_for_foreign_recipient, w8_for_us_person, w8_form_kind_mismatch, signed_at_in_future, tax_form_expired, tin_not_numeric, tin_wrong_length, tin_all_zeros, ssn_area_invalid, ssn_group_invalid, ssn_serial_invalid, itin_prefix_invalid, itin_middle_invalid, ein_prefix_invalid',
    },
  },
  {
    method: 'get',
    path: '/ops/recipients/{recipientId}',
    functionName: 'ops-recipients',
    scope: 'compliance:review',
    operationId: 'opsGetRecipient',
    summary: "Compliance's view of a recipient: account numbers and TINs in clear (audited)",
    description:
      'The only answer with clear account numbers and TINs, with every tax form version and the screening ' +
      'snapshot. One recipient.read record in the audit trail before the answer (not_found for a miss).',
    tags: ['ops'],
    pathParameters: recipientIdPath,
    query: opsRecipientQuerySchema,
    responses: { 200: { description: 'The recipient in clear', schema: complianceRecipientViewSchema } },
    errors: { 400: 'parameter_unknown, field_missing, tenant_id_invalid', 403: OPERATOR_403, 404: NOT_FOUND },
  },
  {
    method: 'post',
    path: '/ops/recipients/{recipientId}/onboarding',
    functionName: 'ops-recipients',
    scope: 'compliance:review',
    operationId: 'decideRecipientOnboarding',
    summary: "Compliance's onboarding decision: verify, reject or reopen (audited)",
    description:
      'in_review → verified | rejected, verified → in_review (reopen); rejected is final. A repeated decision ' +
      'changes nothing. The move and its audit record are one transaction. The principal that created the ' +
      'recipient cannot decide it.',
    tags: ['ops'],
    pathParameters: recipientIdPath,
    query: noQuerySchema,
    requestBody: {
      schema: onboardingDecisionBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { verify: { tenant_id: 'acme', decision: 'verify', reason: 'documents checked' } },
    },
    responses: { 200: { description: 'The recipient after the decision', schema: recipientViewSchema } },
    errors: {
      400: 'tenant_id_invalid, decision_invalid, reason_invalid, field_missing, field_unknown',
      403: `${OPERATOR_403}; decider_is_creator: the recipient's creator cannot decide it`,
      404: NOT_FOUND,
      409: 'onboarding_transition_refused, requirements_missing (verify while requirements are open), recipient_changed',
    },
  },
];
