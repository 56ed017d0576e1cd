import * as z from 'zod';
import { GENERATOR, GENERATOR_VERSION } from '../domain/reconciliation/manifest';
import {
  BATCH_FAILED_IDS_MAX,
  RUN_RECORD_BATCHES_MAX,
  RUN_RECORD_BATCH_FAILED_IDS_MAX,
} from '../domain/reconciliation/batch-summary';
import { isCalendarDate, RECONCILE_DAYS_BACK_MAX, RUN_DATE_PATTERN } from '../domain/reconciliation/run-date';
import { ApiError, badRequest } from './api-error';
import { PRESIGNED_URL_EXPIRES_SECONDS } from './http-limits';

/**
 * A calendar date YYYY-MM-DD by the run-date module's one rule (`isCalendarDate`: 2026-02-30 and
 * 2026-13-01 are not dates), stated in the document as the pattern plus JSON Schema's `format: date`
 * (which is the same rule: RFC 3339 full-date, leap years included).
 */
const calendarDate = (error?: string) =>
  z
    .string(error === undefined ? undefined : { error })
    .regex(RUN_DATE_PATTERN, error === undefined ? undefined : { error })
    .refine(isCalendarDate, error === undefined ? undefined : { error })
    .meta({ format: 'date' });

/**
 * POST /reconciliations (scope ops:redrive): the body, strict — a field the route does not know is
 * refused by name, so a typo (`"data"`, `"dates"`) never queues a run of some other day. The shape
 * is checked here; whether the day may be reconciled (ended, not too old) is the domain's rule
 * (domain/reconciliation/run-date.ts), applied after. Messages are error codes, like schemas.ts.
 */
export const startReconciliationBodySchema = z
  .object({
    date: calendarDate('parameter_invalid').describe(
      'The day to reconcile, YYYY-MM-DD. Only a day that has ended: before today in RECONCILE_TIMEZONE ' +
        'and before today in UTC (payouts are windowed by the UTC day of created_at), ' +
        `and at most ${RECONCILE_DAYS_BACK_MAX} days back (400 date_not_ended, date_too_old).`,
    ),
  })
  .strict();

export type StartReconciliationBody = z.infer<typeof startReconciliationBodySchema>;

/** Validates a parsed JSON body; unknown fields first (all of them named), then the date's shape. */
export function parseStartReconciliationBody(body: unknown): StartReconciliationBody {
  const result = startReconciliationBodySchema.safeParse(body);
  if (result.success) return result.data;
  const unknown = result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknown.length > 0) {
    const names = unknown.join(', ');
    throw new ApiError({
      status: 400,
      type: 'invalid_request_error',
      code: 'field_unknown',
      category: 'terminal',
      message: `${names} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of this request (only date)`,
      param: unknown[0]!,
      details: { fields: unknown },
    });
  }
  const date = (body as { date?: unknown }).date;
  const shown = date === undefined ? 'date is required' : `got ${JSON.stringify(date)}`;
  throw badRequest('parameter_invalid', `date must be a calendar date YYYY-MM-DD; ${shown}`, 'date');
}

/**
 * The reconciliation routes (reconciliations-api, docs/contracts.md): POST /reconciliations,
 * GET /reconciliations/{date}, GET /exports/{date}. The handler is reconciliation-owned; these
 * schemas describe what it validates and answers, and test/unit/api/response-schemas.test.ts holds
 * them to its real answers (and the date rule to `isRunDate`).
 */
const iso = z.iso.datetime();
const count = z.number().int().min(0);

/** A calendar date (2026-02-30 is not one); the handler answers 400 parameter_invalid otherwise. */
export const runDateSchema = calendarDate().describe('Calendar date YYYY-MM-DD (400 parameter_invalid otherwise)');
export const runDateOrLatestSchema = z
  .union([runDateSchema, z.literal('latest')])
  .describe('Calendar date YYYY-MM-DD, or `latest` for the last successful run alone');

const moneyBucket = z.object({ count, total_minor: z.number().int(), total: z.string() });

/** One batch of ours among the day's rows, as summary.json's `batches` has it (batch-summary.ts). */
export const reconciliationBatchSchema = z.object({
  sender_batch_id: z.string(),
  currencies: z
    .record(z.string(), moneyBucket.extend({ paid: moneyBucket, failed: moneyBucket }))
    .describe("Per currency: the batch's items among the day's rows (count, total), the paid and the failed"),
  failed_items: z
    .object({
      count,
      payout_ids: z.array(z.string()).max(BATCH_FAILED_IDS_MAX),
      truncated: z.boolean(),
    })
    .describe(
      `The failed slice: how many items failed, and the smallest payout ids among them (at most ` +
        `${RUN_RECORD_BATCH_FAILED_IDS_MAX} here, ${BATCH_FAILED_IDS_MAX} in summary.json); ` +
        'truncated when not all are listed',
    ),
});

/** A run record as the API shows it: top-level keys snake_case, `counts` as the engine wrote it. */
export const reconciliationRunSchema = z.object({
  date: runDateSchema,
  run_id: z.string(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed']),
  trigger: z.enum(['schedule', 'api', 'cli']),
  requested_at: iso.optional(),
  requested_by: z.string().optional(),
  request_id: z.string().optional(),
  started_at: iso.optional().describe('Absent while the run is queued'),
  finished_at: iso.optional(),
  report_key: z.string().optional(),
  report_etag: z.string().optional(),
  counts: z
    .object({
      reportRows: count,
      payouts: count,
      ledgerEntries: count,
      rows: count,
      matched: count,
      unmatched: count,
      exceptions: count,
      categories: z.record(z.string(), count),
      batchesTotal: count.optional().describe('How many of our batches have items among the day’s rows'),
      batches: z
        .record(z.string(), reconciliationBatchSchema)
        .optional()
        .describe(
          `Per batch id (bat_…), the first ${RUN_RECORD_BATCHES_MAX} by id: totals and failed slice; ` +
            'summary.json lists every batch. Absent on runs recorded before generator 1.4.0',
        ),
    })
    .optional()
    .describe(
      "The reconciliation engine's own summary, as it writes it (so its keys are camelCase, unlike the rest " +
        'of the answer): report rows, payouts and ledger entries read, rows written, matched, unmatched, ' +
        'exceptions opened, and the count per mismatch category',
    ),
  providers: z
    .array(
      z.object({
        provider: z.string(),
        reportFormat: z.string().describe('`none`: the provider had payouts of the day and no report source'),
        reportKey: z.string().optional(),
        reportRows: count,
        payouts: count,
        exceptions: count,
        rows: count,
        matched: count,
        unmatched: count,
      }),
    )
    .optional()
    .describe(
      "Each provider's part of the run, in the registry's order, as the engine writes it (camelCase, like " +
        '`counts`): its report, rows, payouts, and what it added to the counts. Absent on runs recorded before ' +
        'runs were split by provider',
    ),
  manifest_key: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), line: z.number().int().optional() }).optional(),
});

export const startReconciliationResponseSchema = z.object({ reconciliation: reconciliationRunSchema });
export const reconciliationResponseSchema = z.object({
  reconciliation: reconciliationRunSchema.nullable().describe('The date’s latest run; null for `latest`'),
  last_success: reconciliationRunSchema.nullable(),
});

export const manifestSchema = z.object({
  generator: z.literal(GENERATOR),
  generator_version: z.literal(GENERATOR_VERSION),
  date: runDateSchema,
  provider: z.string(),
  files: z.array(
    z.object({
      name: z.string(),
      rows: count,
      bytes: count,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      content_type: z.string(),
    }),
  ),
  inputs: z.array(
    z.object({
      role: z.enum(['provider_settlement_report', 'payouts', 'ledger_postings', 'audit_trail', 'holds_queue']),
      source: z.string(),
      key: z.string().optional(),
      etag: z.string().optional(),
      rows: count,
    }),
  ),
});

export const exportsResponseSchema = z.object({
  manifest: manifestSchema,
  files: z.array(z.object({ name: z.string(), url: z.url() })).describe('Presigned GET URLs'),
  manifest_url: z.url(),
  expires_in_seconds: z.literal(PRESIGNED_URL_EXPIRES_SECONDS),
});
