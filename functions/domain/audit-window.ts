/**
 * The time window and limits of an audit search (GET /audit, docs/audit.md). A subject's chain is small and
 * read whole unless `from`/`to` narrow it; every other search reads the index partitions of each
 * day in its window, so that window has a default and a maximum:
 *
 *   no subject:  to = `to` or now; from = `from` or to − AUDIT_SEARCH_DEFAULT_DAYS;
 *                from after to → invalid_range; longer than AUDIT_SEARCH_RANGE_DAYS_MAX → range_too_long
 *   subject:     from = `from` or the beginning of time, to = `to` or the end of it
 *
 * Bounds are inclusive ISO 8601 UTC instants with milliseconds, as records' `at` is written.
 */
export const AUDIT_SEARCH_DEFAULT_DAYS = 7;
/** A month and a day: a monthly review in one search, while a page still merges at most 32 days. */
export const AUDIT_SEARCH_RANGE_DAYS_MAX = 31;
export const AUDIT_PAGE_LIMIT_DEFAULT = 50;
export const AUDIT_PAGE_LIMIT_MAX = 200;
/**
 * DynamoDB Queries one page may spend. A round of a day costs one Query per open shard (8, run at
 * once), so looking at every partition of the longest window once takes 32 days × 8 = 256; the rest
 * is for busy days that need several rounds. A selective filter over a busy window can read many
 * items for few matches: the page then ends early, with a cursor, well inside the API's 30 s
 * (an empty partition answers in milliseconds; 48 rounds of 8 took under a second on the twin).
 */
export const AUDIT_SEARCH_QUERIES_MAX = 384;
const DAY_MS = 86_400_000;
const BEGINNING = '1970-01-01T00:00:00.000Z';
const END = '9999-12-31T23:59:59.999Z';

export interface AuditWindow {
  from: string;
  to: string;
}

export type AuditWindowResult =
  { ok: true; window: AuditWindow } | { ok: false; code: 'invalid_range' | 'range_too_long'; message: string };

export function auditSearchWindow(input: {
  from?: string;
  to?: string;
  subject: boolean;
  nowMs: number;
}): AuditWindowResult {
  if (input.subject) return checkOrder({ from: input.from ?? BEGINNING, to: input.to ?? END });
  const to = input.to ?? new Date(input.nowMs).toISOString();
  const from = input.from ?? new Date(Date.parse(to) - AUDIT_SEARCH_DEFAULT_DAYS * DAY_MS).toISOString();
  const ordered = checkOrder({ from, to });
  if (!ordered.ok) return ordered;
  if (Date.parse(to) - Date.parse(from) > AUDIT_SEARCH_RANGE_DAYS_MAX * DAY_MS) {
    return {
      ok: false,
      code: 'range_too_long',
      message: `from and to may be at most ${AUDIT_SEARCH_RANGE_DAYS_MAX} days apart without a subject; search in steps, or by subject`,
    };
  }
  return ordered;
}

function checkOrder(window: AuditWindow): AuditWindowResult {
  if (window.from > window.to)
    return { ok: false, code: 'invalid_range', message: `from (${window.from}) is after to (${window.to})` };
  return { ok: true, window };
}
