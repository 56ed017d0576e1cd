import { assertNever } from './assert-never';
import type { PayoutStatus } from './lifecycle';
import {
  LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR,
  LONG_PENDING_AFTER_SECONDS_DEFAULT,
  STALE_AFTER_SECONDS_BY_CORRIDOR,
  STALE_AFTER_SECONDS_DEFAULT,
  SUBMITTED_STALE_AFTER_SECONDS,
  corridorKey,
} from './staleness';

/**
 * What a payout's status means to a person reading it (issue 11 §3): whether confirmation is still
 * asynchronous, and when the case stops being retried automatically and a person investigates.
 * The thresholds are the sweeper's own (staleness.ts, set per corridor from its rail's ETA), so the
 * sentence an integrator reads and what the sweeper does cannot disagree.
 *
 * - `awaiting_action`: nothing is sent until a person acts (an approval);
 * - `asynchronous`: the provider holds it; a webhook or our own status check brings the next step;
 * - `final_unless_returned`: paid; a bank may still send it back (our `reversed`);
 * - `final`: nothing more happens automatically.
 */
export const CONFIRMATION_STATES = ['awaiting_action', 'asynchronous', 'final_unless_returned', 'final'] as const;
export type ConfirmationState = (typeof CONFIRMATION_STATES)[number];

export interface StatusCopy {
  readonly confirmation: ConfirmationState;
  /** Quiet this long (since the last event) → the sweeper asks the provider itself. */
  readonly recheckAfterSeconds: number | null;
  /** Not final this long after creation → a `long_pending` exception: ops investigate by hand. */
  readonly investigationAfterSeconds: number | null;
  readonly sentence: string;
}

export interface CorridorRef {
  readonly country: string;
  readonly currency: string;
}

export function investigationAfterSeconds(corridor: CorridorRef): number {
  const key = corridorKey(corridor.country, corridor.currency);
  return LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR[key] ?? LONG_PENDING_AFTER_SECONDS_DEFAULT;
}

function providerRecheckAfterSeconds(corridor: CorridorRef): number {
  return (
    STALE_AFTER_SECONDS_BY_CORRIDOR[corridorKey(corridor.country, corridor.currency)] ?? STALE_AFTER_SECONDS_DEFAULT
  );
}

export function statusCopy(status: PayoutStatus, corridor: CorridorRef): StatusCopy {
  switch (status) {
    case 'requires_approval':
      return final(
        'awaiting_action',
        'Waiting for an approver of yours: nothing is sent to the provider until it is approved, ' +
          'and it is canceled if nobody decides before its approval expires.',
      );
    case 'submitted':
      return waiting('Sent to the provider', SUBMITTED_STALE_AFTER_SECONDS, corridor);
    case 'accepted':
      return waiting('Accepted by the provider', providerRecheckAfterSeconds(corridor), corridor);
    case 'pending':
      return waiting("On its way to the recipient's bank", providerRecheckAfterSeconds(corridor), corridor);
    case 'paid':
      return final(
        'final_unless_returned',
        'Paid, as confirmed by the provider: nothing is retried; ' +
          "if the recipient's bank sends the money back, it shows as reversed.",
      );
    case 'reversed':
      return final('final', 'Reversed: the money came back after it was paid; this is final and nothing is retried.');
    case 'failed':
      return final(
        'final',
        'Failed: this is final and nothing is retried; the status reason and failure source say why.',
      );
    case 'canceled':
      return final('final', 'Canceled before any money moved: this is final and nothing is retried.');
    default:
      return assertNever(status, 'payout status');
  }
}

function final(confirmation: ConfirmationState, sentence: string): StatusCopy {
  return { confirmation, recheckAfterSeconds: null, investigationAfterSeconds: null, sentence };
}

function waiting(what: string, recheckSeconds: number, corridor: CorridorRef): StatusCopy {
  const investigateSeconds = investigationAfterSeconds(corridor);
  return {
    confirmation: 'asynchronous',
    recheckAfterSeconds: recheckSeconds,
    investigationAfterSeconds: investigateSeconds,
    sentence:
      `${what}; confirmation is still asynchronous (a webhook, or our own status check after ` +
      `${durationWords(recheckSeconds)} without news), retried automatically until ` +
      `${durationWords(investigateSeconds)} after creation, when ops start a manual investigation.`,
  };
}

const UNITS: ReadonlyArray<readonly [seconds: number, word: string]> = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 900 → "15 minutes", 86400 → "1 day": the largest unit that divides the figure exactly. */
export function durationWords(seconds: number): string {
  for (const [unitSeconds, word] of UNITS) {
    if (seconds >= unitSeconds && seconds % unitSeconds === 0) {
      const count = seconds / unitSeconds;
      return `${count} ${word}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/** When a person starts investigating this payout, if it is still not final: creation + the threshold. */
export function investigationFrom(status: PayoutStatus, corridor: CorridorRef, createdAt: string): string | null {
  const after = statusCopy(status, corridor).investigationAfterSeconds;
  return after === null ? null : new Date(Date.parse(createdAt) + after * 1_000).toISOString();
}
