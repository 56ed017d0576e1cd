/**
 * The two "backlog and lag" figures of the ops overview and GET /status (issue 11 §3): how long the
 * oldest payout has waited for reconciliation, and how long the oldest webhook has waited to be
 * applied. Both measure a delay of the platform, not a payout exception. Pure: the adapters read
 * the run records, the day index and the inbox index; the caller passes the time.
 *
 * "Unreconciled" here means: created on a UTC day (the payouts window of a run, docs/finance.md)
 * whose latest run record is not `succeeded` — never run, queued, running, or failed. A matched
 * payout of a succeeded day is reconciled; an unmatched one is an exception of that run, not lag,
 * and is not counted here.
 */

/**
 * Days examined, today (UTC) included: two weeks is seven missed nights past the 48 h outage line of
 * the reconciliation alarm, and bounds the reads of one answer (UNRECONCILED_READS_MAX below).
 * A day older than that without a successful run is not seen; `mayBeOlder` says when that can be.
 */
export const UNRECONCILED_LOOKBACK_DAYS = 14;
/** Day-index shards (RECON_DAY_SHARDS), restated here so the read bound is a number in the domain. */
export const UNRECONCILED_SHARDS_PER_DAY = 16;
/**
 * The most DynamoDB calls one answer can make: one GetItem per day's run record, then one
 * `Limit: 1` Query per shard of each day examined, stopping at the first day that has a payout.
 */
export const UNRECONCILED_READS_MAX = UNRECONCILED_LOOKBACK_DAYS * (1 + UNRECONCILED_SHARDS_PER_DAY);

const DAY_MS = 86_400_000;

/** The UTC days `[today − (count − 1), today]`, oldest first (`yyyy-mm-dd`). */
export function lookbackDays(nowMs: number, count: number = UNRECONCILED_LOOKBACK_DAYS): string[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** A day's latest run, as the run record says it (RunRecord['state']), or none at all. */
export type DayRunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'none';

/** The days whose payouts still wait for reconciliation, oldest first (the order they are read in). */
export function unreconciledDays(days: ReadonlyArray<{ date: string; run: DayRunState }>): string[] {
  return days.filter((day) => day.run !== 'succeeded').map((day) => day.date);
}

/** Whole seconds from `atIso` to now, never negative (a clock a little behind the writer's). */
export function ageSeconds(atIso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(atIso)) / 1_000));
}

export interface UnreconciledFigure {
  /** The `created_at` of the oldest payout of the oldest unreconciled day that has any; null: none. */
  readonly oldestCreatedAt: string | null;
  readonly ageSeconds: number | null;
  /** The first day examined (today − UNRECONCILED_LOOKBACK_DAYS + 1). */
  readonly examinedFrom: string;
  /**
   * True when the first day examined has no successful run itself: an older day may lack one too,
   * with older payouts, so the true figure may be larger. False says only that this first day
   * succeeded: a day before it whose latest run failed is not read (its run record and its
   * exception show it), so the figure is a lower bound either way.
   */
  readonly mayBeOlder: boolean;
}

export function unreconciledFigure(input: {
  readonly days: ReadonlyArray<{ date: string; run: DayRunState }>;
  readonly oldestCreatedAt: string | null;
  readonly nowMs: number;
}): UnreconciledFigure {
  const first = input.days[0];
  if (first === undefined) throw new RangeError('unreconciledFigure needs at least one day');
  return {
    oldestCreatedAt: input.oldestCreatedAt,
    ageSeconds: input.oldestCreatedAt === null ? null : ageSeconds(input.oldestCreatedAt, input.nowMs),
    examinedFrom: first.date,
    mayBeOlder: first.run !== 'succeeded',
  };
}

/** The oldest of ISO timestamps (they sort as strings), or null when there are none. */
export function oldestOf(timestamps: ReadonlyArray<string | null | undefined>): string | null {
  let oldest: string | null = null;
  for (const at of timestamps) if (at !== null && at !== undefined && (oldest === null || at < oldest)) oldest = at;
  return oldest;
}
