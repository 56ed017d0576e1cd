import * as z from 'zod';
import { noQuerySchema } from '../query-parameters';
import { statusResponseSchema } from '../status-schemas';
import type { OpenApiRoute } from './route-types';

/** GET /status (ops-redrive) for GET /openapi.json; openapi-routes.ts lists it. */
export const STATUS_ROUTES: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/status',
    functionName: 'ops-redrive',
    scope: null,
    operationId: 'getStatus',
    summary: 'Status page: API, webhook intake, submission per provider and reconciliation',
    description:
      'Public, like a status page: each component operational, degraded or outage, derived from the signals ' +
      'the alarms watch (dead-letter queue depths, the last successful reconciliation) with the same thresholds. ' +
      'No tenant data; answers are cached for a few seconds.',
    tags: ['meta'],
    query: noQuerySchema,
    responses: { 200: { description: 'Component states', schema: statusResponseSchema } },
    errors: {},
  },
  {
    method: 'get',
    path: '/status.html',
    functionName: 'ops-redrive',
    scope: null,
    operationId: 'getStatusPage',
    summary: 'Status page as HTML: banner, components, open and recently resolved incidents',
    description:
      'The same answer as GET /status, rendered as a plain HTML page with no script (it refreshes itself with ' +
      'a meta refresh); every text is escaped and the CSP forbids scripts. Public; cached for a few seconds.',
    tags: ['meta'],
    query: noQuerySchema,
    responses: { 200: { description: 'The status page', schema: z.string(), mediaType: 'text/html' } },
    errors: {},
  },
];
