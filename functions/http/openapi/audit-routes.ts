// Compliance's route in the OpenAPI registry (openapi-routes.ts): the audit trail's search.
import {
  AUDIT_PAGE_LIMIT_MAX,
  AUDIT_SEARCH_DEFAULT_DAYS,
  AUDIT_SEARCH_QUERIES_MAX,
  AUDIT_SEARCH_RANGE_DAYS_MAX,
} from '../../domain/audit-window';
import { auditPageSchema, auditQuerySchema } from '../audit-schemas';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

export const AUDIT_ROUTES: OpenApiRoute[] = [
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
