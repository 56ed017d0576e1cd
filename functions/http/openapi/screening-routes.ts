// Compliance's screening routes in the OpenAPI registry (openapi-routes.ts), issue 15 (docs/screening.md).
import { SCREENING_CLEAR_FOUR_EYES_SCORE_MIN } from '../../domain/compliance/screening-case';
import { OPS_BODY_BYTES_MAX } from '../http-limits';
import { noQuerySchema } from '../query-parameters';
import {
  listScreeningQuerySchema,
  screeningCaseIdParameterSchema,
  screeningCaseListSchema,
  screeningCaseViewSchema,
  screeningDecisionBodySchema,
} from '../screening-schemas';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

const caseIdPath = { caseId: screeningCaseIdParameterSchema };
const NOT_FOUND = 'resource_not_found: no such screening case';
const AUDITED = 'Audited: one screening.read record per call, before the answer.';
const BODY_400 = 'body_not_json, body_not_object, duplicate_json_key, forbidden_key, field_unknown, field_missing';
const DECISION_409 =
  'screening_case_confirmed: a confirmed match blocks for good; screening_case_decided: already cleared; ' +
  'screening_case_changed: another decision won the race, read the case again';

function decisionRoute(kind: 'clear' | 'confirm'): OpenApiRoute {
  const clear = kind === 'clear';
  return {
    method: 'post',
    path: `/ops/screening/{caseId}/${kind}`,
    functionName: 'screening-api',
    scope: 'compliance:review',
    operationId: clear ? 'clearScreeningCase' : 'confirmScreeningCase',
    summary: clear
      ? 'Clear a screening case: not the listed party (compliance; four-eyes above a score)'
      : 'Confirm a screening case: the listed party; the recipient is blocked for good (compliance)',
    description: clear
      ? `A case scoring at least ${SCREENING_CLEAR_FOUR_EYES_SCORE_MIN} is first clear_proposed; a second ` +
        "compliance operator's clear decides it (the proposer's own is 403). A cleared case resolves its exception " +
        'and releases its holds; the payouts with no other hold go on to submission. Audited.'
      : "The case's holds stay: the recipient's payouts never reach a provider. Resolves its exception. Audited.",
    tags: ['ops'],
    pathParameters: caseIdPath,
    query: noQuerySchema,
    requestBody: {
      schema: screeningDecisionBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { checked: { note: 'Date of birth and country differ from the listed entry; passport checked.' } },
    },
    responses: { 200: { description: 'The case, decided (or clear_proposed)', schema: screeningCaseViewSchema } },
    errors: {
      400: `${BODY_400}; invalid_note, invalid_text`,
      403: `${OPERATOR_403}; screening_proposer_cannot_decide: another compliance operator must decide`,
      404: NOT_FOUND,
      409: DECISION_409,
      415: 'content_type_unsupported: Content-Type must be application/json',
    },
  };
}

export const SCREENING_ROUTES_DOCUMENTED: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/ops/screening',
    functionName: 'screening-api',
    scope: 'compliance:review',
    operationId: 'listScreeningCases',
    summary: "Compliance's screening queue of one state, oldest first",
    description: `Cases across tenants, each with its evidence. ${AUDITED}`,
    tags: ['ops'],
    query: listScreeningQuerySchema,
    responses: { 200: { description: 'A page of cases', schema: screeningCaseListSchema } },
    errors: { 400: 'parameter_unknown, invalid_state, invalid_limit, invalid_cursor', 403: OPERATOR_403 },
  },
  {
    method: 'get',
    path: '/ops/screening/{caseId}',
    functionName: 'screening-api',
    scope: 'compliance:review',
    operationId: 'getScreeningCase',
    summary: 'A screening case with its evidence: the list entries, scores, the list version',
    description: AUDITED,
    tags: ['ops'],
    pathParameters: caseIdPath,
    query: noQuerySchema,
    responses: { 200: { description: 'The case', schema: screeningCaseViewSchema } },
    errors: { 400: 'parameter_unknown', 403: OPERATOR_403, 404: NOT_FOUND },
  },
  decisionRoute('clear'),
  decisionRoute('confirm'),
];
