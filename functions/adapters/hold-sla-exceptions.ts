import type { HoldSlaCategory } from '../domain/exceptions';
import type { ExceptionRecord, ListExceptionsInput } from './exceptions-records';

/** The states of an exception that still asks its owner for something. */
const UNRESOLVED_STATES = ['open', 'assigned'] as const;

/**
 * The sweeper's view of the unresolved hold SLA exceptions of one category (app/sweeper/holds-sla.ts):
 * the exceptions' own list (the state index, oldest SLA first, filtered by category), open ones
 * before assigned ones, at most `limit`. The hold is named by the evidence the sweeper wrote when it
 * opened the exception; a row without a payout or a hold id is not one of its own and is skipped.
 */
export function holdSlaExceptionsVia(
  list: (input: ListExceptionsInput) => Promise<{ items: ExceptionRecord[] }>,
): (query: {
  category: HoldSlaCategory;
  limit: number;
}) => Promise<Array<{ exceptionId: string; payoutId: string; holdId: string }>> {
  return async ({ category, limit }) => {
    const found: Array<{ exceptionId: string; payoutId: string; holdId: string }> = [];
    for (const state of UNRESOLVED_STATES) {
      if (found.length >= limit) break;
      const page = await list({ state, category, limit: limit - found.length });
      for (const exception of page.items) {
        const holdId = exception.evidence['hold_id'];
        if (exception.payoutId === undefined || typeof holdId !== 'string') continue;
        found.push({ exceptionId: exception.exceptionId, payoutId: exception.payoutId, holdId });
      }
    }
    return found;
  };
}
