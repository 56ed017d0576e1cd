import * as z from 'zod';
import { INCIDENT_COMPONENTS_MAX } from '../../domain/incidents';
import { OPS_BODY_BYTES_MAX } from '../http-limits';
import {
  incidentIdParameterSchema,
  incidentViewSchema,
  openIncidentBodySchema,
  resolveIncidentBodySchema,
} from '../incident-requests';
import { IDEMPOTENCY_KEY_CHARS_MAX, IDEMPOTENCY_KEY_PATTERN } from '../idempotency-key';
import { noQuerySchema } from '../query-parameters';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

/** The status page's incidents (ops-redrive) for GET /openapi.json; openapi-routes.ts lists them. */
const IDEMPOTENCY_400 = 'idempotency_key_missing, idempotency_key_invalid';
const BODY_400 = 'body_not_json, body_not_object, duplicate_json_key, forbidden_key, field_unknown, field_missing';
const idempotencyHeader = (what: string) => ({
  name: 'Idempotency-Key',
  required: true,
  description:
    `1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters, unique per ${what}. The same key and body ` +
    'answers the first result again (Idempotent-Replayed: true).',
  schema: z.string().min(1).max(IDEMPOTENCY_KEY_CHARS_MAX).regex(IDEMPOTENCY_KEY_PATTERN),
});

export const INCIDENT_ROUTES: OpenApiRoute[] = [
  {
    method: 'post',
    path: '/ops/incidents',
    functionName: 'ops-redrive',
    scope: 'ops:redrive',
    operationId: 'openIncident',
    summary: 'Post an incident on the status page (operator)',
    description:
      `Title, first message, 1 to ${INCIDENT_COMPONENTS_MAX} status components and an impact (degraded or outage). ` +
      'While open, GET /status shows each component at least at the impact. One transaction with its audit record.',
    tags: ['ops'],
    query: noQuerySchema,
    headers: [idempotencyHeader('incident this operator opens')],
    requestBody: {
      schema: openIncidentBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: {
        sandbox: {
          title: 'Sandbox provider payouts delayed',
          message: 'The provider reports delays; payouts are accepted and will be submitted.',
          components: ['submission:sandbox'],
          impact: 'degraded',
        },
      },
    },
    responses: {
      201: { description: 'The incident, open', schema: incidentViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400: `${IDEMPOTENCY_400}; ${BODY_400}; invalid_title, invalid_message, invalid_components, invalid_impact, invalid_text`,
      403: OPERATOR_403,
      415: 'content_type_unsupported: Content-Type must be application/json',
      422: 'idempotency_key_reused: this key opened an incident with another body',
    },
  },
  {
    method: 'post',
    path: '/ops/incidents/{incidentId}/resolve',
    functionName: 'ops-redrive',
    scope: 'ops:redrive',
    operationId: 'resolveIncident',
    summary: 'Resolve an incident, with a closing message (operator)',
    description:
      'The incident leaves the open list and its components return to what the signals say; it stays listed as ' +
      'recently resolved on GET /status. One transaction with its audit record.',
    tags: ['ops'],
    pathParameters: { incidentId: incidentIdParameterSchema },
    query: noQuerySchema,
    headers: [idempotencyHeader('resolve of this operator')],
    requestBody: {
      schema: resolveIncidentBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { over: { message: 'The provider confirms recovery; the backlog was submitted.' } },
    },
    responses: {
      200: { description: 'The incident, resolved', schema: incidentViewSchema, headers: ['Idempotent-Replayed'] },
    },
    errors: {
      400: `${IDEMPOTENCY_400}; ${BODY_400}; invalid_message, invalid_text`,
      403: OPERATOR_403,
      404: 'resource_not_found: no such incident',
      409: 'incident_already_resolved: it was resolved before (by another request); its closing message stands',
      415: 'content_type_unsupported: Content-Type must be application/json',
    },
  },
];
