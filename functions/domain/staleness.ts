import { assertNever } from './assert-never';
import type { PayoutStatus } from './lifecycle';

/**
 * When the sweeper stops waiting for a webhook and asks the provider (DESIGN §3: states that may
 * never arrive by webhook are found by re-asking). Thresholds follow how fast each corridor's rail
 * settles: Faster Payments in minutes, SEPA Credit Transfer within a business day, ACH in 1–2 days.
 */
const MINUTE_SECONDS = 60;
const HOUR_SECONDS = 3_600;
const DAY_SECONDS = 86_400;

/** `accepted`/`pending` this long without news → re-ask the provider. Keyed `<country>:<currency>`. */
export const STALE_AFTER_SECONDS_BY_CORRIDOR: Readonly<Record<string, number>> = {
  'GB:GBP': 1 * HOUR_SECONDS,
  'US:USD': 24 * HOUR_SECONDS,
  'DE:EUR': 8 * HOUR_SECONDS,
  'FR:EUR': 8 * HOUR_SECONDS,
  'NL:EUR': 8 * HOUR_SECONDS,
  'ES:EUR': 8 * HOUR_SECONDS,
  'IT:EUR': 8 * HOUR_SECONDS,
};
export const STALE_AFTER_SECONDS_DEFAULT = 8 * HOUR_SECONDS;

/** Still not final this long after creation → a `long_pending` exception for ops. */
export const LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR: Readonly<Record<string, number>> = {
  'GB:GBP': 1 * DAY_SECONDS,
  'US:USD': 5 * DAY_SECONDS,
};
export const LONG_PENDING_AFTER_SECONDS_DEFAULT = 3 * DAY_SECONDS;

/** `submitted` this long: the submitter should have answered; ask whether the provider holds it. */
export const SUBMITTED_STALE_AFTER_SECONDS = 15 * MINUTE_SECONDS;

export interface SweepCandidate {
  status: PayoutStatus;
  country: string;
  currency: string;
  createdAt: string;
  lastEventAt: string;
}

export type SweepDecision = { kind: 'skip' } | { kind: 'recheck'; longPending: boolean };

export function corridorKey(country: string, currency: string): string {
  return `${country}:${currency}`;
}

export function sweepDecision(candidate: SweepCandidate, nowMs: number): SweepDecision {
  const corridor = corridorKey(candidate.country, candidate.currency);
  const quietSeconds = (nowMs - Date.parse(candidate.lastEventAt)) / 1_000;
  const ageSeconds = (nowMs - Date.parse(candidate.createdAt)) / 1_000;
  const longPending =
    ageSeconds >= (LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR[corridor] ?? LONG_PENDING_AFTER_SECONDS_DEFAULT);
  switch (candidate.status) {
    case 'submitted':
      return quietSeconds >= SUBMITTED_STALE_AFTER_SECONDS ? { kind: 'recheck', longPending } : { kind: 'skip' };
    case 'accepted':
    case 'pending':
      return quietSeconds >= (STALE_AFTER_SECONDS_BY_CORRIDOR[corridor] ?? STALE_AFTER_SECONDS_DEFAULT)
        ? { kind: 'recheck', longPending }
        : { kind: 'skip' };
    case 'requires_approval':
    case 'paid':
    case 'reversed':
    case 'failed':
    case 'canceled':
      return { kind: 'skip' };
    default:
      return assertNever(candidate.status, 'payout status');
  }
}

/**
 * The shortest quiet time after which any payout is re-asked: the sweeper reads the awaiting index
 * up to `now −` this, then applies each corridor's own threshold with sweepDecision.
 */
export const SWEEP_QUIET_SECONDS_MIN = Math.min(
  SUBMITTED_STALE_AFTER_SECONDS,
  STALE_AFTER_SECONDS_DEFAULT,
  ...Object.values(STALE_AFTER_SECONDS_BY_CORRIDOR),
);
