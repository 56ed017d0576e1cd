import { z } from 'zod';
import { RECONCILE_DAYS_BACK_MAX, RUN_DATE_PATTERN } from '../domain/reconciliation/run-date';
import { ApiError, badRequest } from '../handlers/http/api-error';

/**
 * POST /reconciliations (scope ops:redrive): the body, strict — a field the route does not know is
 * refused by name, so a typo (`"data"`, `"dates"`) never queues a run of some other day. The shape
 * is checked here; whether the day may be reconciled (ended, not too old) is the domain's rule
 * (domain/reconciliation/run-date.ts), applied after. Messages are error codes, like schemas.ts.
 */
export const startReconciliationBodySchema = z
  .object({
    date: z
      .string({ error: 'parameter_invalid' })
      .regex(RUN_DATE_PATTERN, { error: 'parameter_invalid' })
      .describe(
        'The day to reconcile, YYYY-MM-DD. Only a day that has ended: before today in RECONCILE_TIMEZONE ' +
          'and before today in UTC (payouts are windowed by the UTC day of created_at), ' +
          `and at most ${RECONCILE_DAYS_BACK_MAX} days back.`,
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
