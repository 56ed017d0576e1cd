// Finance's routes in the OpenAPI registry (openapi-routes.ts): reconciliation runs and exports.
import { OPS_BODY_BYTES_MAX, RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS } from '../http-limits';
import { noQuerySchema } from '../query-parameters';
import {
  exportsResponseSchema,
  reconciliationResponseSchema,
  runDateOrLatestSchema,
  runDateSchema,
  startReconciliationBodySchema,
  startReconciliationResponseSchema,
} from '../reconciliation-schemas';
import { taxReadinessQuerySchema, taxReadinessResponseSchema } from '../tax-readiness-schemas';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

export const RECONCILIATION_ROUTES: OpenApiRoute[] = [
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
  {
    method: 'get',
    path: '/exports/tax-readiness',
    functionName: 'tax-readiness-export',
    scope: 'exports:read',
    operationId: 'getTaxReadinessExport',
    summary: 'The 1099-NEC / 1042-S readiness export of a tax year',
    description:
      'Sums the payouts recorded paid in the tax year (UTC; reversed ones excluded) per tenant, recipient ' +
      'and currency, reads each recipient’s tax-form state, writes the CSV (tenant_id, recipient_id, tax_year, ' +
      'form, currency, paid_minor, threshold_minor, crosses_threshold, tax_form_state, lacks_form, action) ' +
      'to the exports bucket and answers a presigned URL. Each call writes a new file. Thresholds are ' +
      'config/tax-thresholds.json, each with its source (docs/compliance.md).',
    tags: ['reconciliation'],
    query: taxReadinessQuerySchema,
    responses: { 200: { description: 'The CSV written, with a presigned URL', schema: taxReadinessResponseSchema } },
    errors: {
      400:
        'parameter_invalid: tax_year missing or not YYYY; tenant_id_invalid; parameter_unknown; ' +
        'tax_year_not_configured: no threshold for the year; tax_year_not_started. Nothing is read or written.',
      403: OPERATOR_403,
    },
  },
];
