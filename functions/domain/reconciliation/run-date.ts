import { DomainError } from '../domain-error';

/**
 * Which days may be reconciled. A run writes `exports/date=D/`, opens
 * exceptions and marks payouts reconciled: it must never do so for a day still going on, nor for a
 * day that has not begun (`9999-12-31`). Every path that starts a run asks here — POST
 * /reconciliations before it queues, the `reconcile` function for its direct, scheduled and queued
 * inputs, and runReconciliation itself before it records anything — with the clock passed in.
 *
 * "Today" is the calendar date in RECONCILE_TIMEZONE (the zone the nightly schedule runs in). A day
 * D may be reconciled once it has ended there AND once its payouts window has closed: that window is
 * the UTC day of `created_at` (docs/finance.md, "Limits"), so in a zone east of UTC, D has ended
 * locally hours before its last payouts can still be created. Reconciling it then would publish an
 * export that misses them, for good. So D is open until the later of the two midnights:
 *
 *   D may be reconciled  ⇔  D < today in RECONCILE_TIMEZONE  and  D < today in UTC
 *                           and  D ≥ today in RECONCILE_TIMEZONE − RECONCILE_DAYS_BACK_MAX
 *
 * Refusals, in this order of precedence (the first that applies is the one reported):
 * `parameter_invalid` (not a calendar date YYYY-MM-DD), `date_not_ended`, `date_too_old`.
 */
export const RUN_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How far back a run may go, in days before today. A re-run exists to redo a recent day (the
 * provider re-issued its report, a fix landed); 400 days reaches every day of the last twelve
 * monthly closes and the year-end close, with a month's margin. Anything older is a closed period
 * whose filed export a re-run would silently replace (and whose exceptions it would reopen), and a
 * mistyped year (`1026`, `2062` read back) is caught here rather than in a spreadsheet. Raise it
 * deliberately if finance needs a deeper re-run.
 */
export const RECONCILE_DAYS_BACK_MAX = 400;

const DAY_MS = 86_400_000;
/** The zone of the payouts window (UTC day of `created_at`), see the comment above. */
const WINDOW_TIME_ZONE = 'UTC';

export type RunDateRefusal = 'parameter_invalid' | 'date_not_ended' | 'date_too_old';

/** The one error of this module: the date given, and why it may not be reconciled (now). */
export class InvalidRunDateError extends DomainError {
  declare readonly code: RunDateRefusal;

  constructor(
    readonly date: unknown,
    code: RunDateRefusal,
    message: string,
  ) {
    // Terminal: the request as sent will not succeed on a retry (a day not ended yet is asked for
    // again once it has ended, which is a new request).
    super(code, 'terminal', message, { param: 'date' });
    this.name = 'InvalidRunDateError';
  }
}

/** The wall clock and the configured zone, passed in (this module never reads a clock). */
export interface ReconcileClock {
  readonly now: Date;
  /** RECONCILE_TIMEZONE, an IANA zone (validated by lib/config.ts when the stack is synthesized). */
  readonly timeZone: string;
}

/** A real calendar date written YYYY-MM-DD (2024-02-29 yes, 2026-02-29 no). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !RUN_DATE_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** The calendar date at `now` in `timeZone`. */
export function todayIn(now: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `date` moved by `days` calendar days (negative: back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Why `value` may not be reconciled at `clock`, or undefined when it may. */
export function runDateRefusal(value: unknown, clock: ReconcileClock): InvalidRunDateError | undefined {
  if (!isCalendarDate(value)) {
    const shown = value === undefined ? 'missing' : JSON.stringify(value);
    return new InvalidRunDateError(value, 'parameter_invalid', `date must be a calendar date YYYY-MM-DD, got ${shown}`);
  }
  const today = todayIn(clock.now, clock.timeZone);
  if (value >= today) {
    const where = `today is ${today} in ${clock.timeZone} (RECONCILE_TIMEZONE)`;
    const message = `${value} has not ended: ${where}, and a day is reconciled only once it has ended`;
    return new InvalidRunDateError(value, 'date_not_ended', message);
  }
  const windowToday = todayIn(clock.now, WINDOW_TIME_ZONE);
  if (value >= windowToday) {
    const window = `its payouts window (the UTC day of created_at) is open until ${addDays(value, 1)}T00:00:00.000Z`;
    return new InvalidRunDateError(value, 'date_not_ended', `${value} has ended in ${clock.timeZone}, but ${window}`);
  }
  const oldest = addDays(today, -RECONCILE_DAYS_BACK_MAX);
  if (value < oldest) {
    const limit = `${RECONCILE_DAYS_BACK_MAX} days before today (${today} in ${clock.timeZone})`;
    const message = `${value} is more than ${limit}; the oldest day accepted is ${oldest}`;
    return new InvalidRunDateError(value, 'date_too_old', message);
  }
  return undefined;
}

/** The date, when it may be reconciled at `clock`; else throws its InvalidRunDateError. */
export function requireRunDate(value: unknown, clock: ReconcileClock): string {
  const refusal = runDateRefusal(value, clock);
  if (refusal !== undefined) throw refusal;
  return value as string;
}

/**
 * The most recent day that may be reconciled: the nightly run's day (02:30 in RECONCILE_TIMEZONE).
 * Yesterday there, unless its payouts window is still open (zones east of UTC+02:30 at 02:30), then
 * the day before.
 */
export function latestEndedDay(clock: ReconcileClock): string {
  const today = todayIn(clock.now, clock.timeZone);
  const windowToday = todayIn(clock.now, WINDOW_TIME_ZONE);
  return addDays(today < windowToday ? today : windowToday, -1);
}
