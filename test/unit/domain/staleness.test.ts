import { describe, expect, it } from 'vitest';
import { PAYOUT_STATUSES } from '../../../functions/domain/lifecycle';
import {
  LONG_PENDING_AFTER_SECONDS_DEFAULT,
  STALE_AFTER_SECONDS_BY_CORRIDOR,
  STALE_AFTER_SECONDS_DEFAULT,
  SUBMITTED_STALE_AFTER_SECONDS,
  SWEEP_QUIET_SECONDS_MIN,
  sweepDecision,
} from '../../../functions/domain/staleness';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe('sweep decision', () => {
  it('re-asks accepted/pending once quiet past the corridor threshold, not a second before', () => {
    const threshold = STALE_AFTER_SECONDS_BY_CORRIDOR['GB:GBP'] ?? 0;
    for (const status of ['accepted', 'pending'] as const) {
      expect(
        sweepDecision(
          { status, country: 'GB', currency: 'GBP', createdAt: ago(threshold), lastEventAt: ago(threshold - 1) },
          NOW,
        ),
      ).toEqual({ kind: 'skip' });
      expect(
        sweepDecision(
          { status, country: 'GB', currency: 'GBP', createdAt: ago(threshold), lastEventAt: ago(threshold) },
          NOW,
        ),
      ).toEqual({ kind: 'recheck', longPending: false });
    }
  });
  it('re-asks submitted after the submission threshold', () => {
    expect(
      sweepDecision(
        {
          status: 'submitted',
          country: 'US',
          currency: 'USD',
          createdAt: ago(SUBMITTED_STALE_AFTER_SECONDS),
          lastEventAt: ago(SUBMITTED_STALE_AFTER_SECONDS),
        },
        NOW,
      ).kind,
    ).toBe('recheck');
  });
  it('flags long pending past the default SLA for an unlisted corridor', () => {
    expect(
      sweepDecision(
        {
          status: 'pending',
          country: 'JP',
          currency: 'JPY',
          createdAt: ago(LONG_PENDING_AFTER_SECONDS_DEFAULT),
          lastEventAt: ago(LONG_PENDING_AFTER_SECONDS_DEFAULT),
        },
        NOW,
      ),
    ).toEqual({ kind: 'recheck', longPending: true });
  });
  it('never re-asks about final or unapproved payouts', () => {
    for (const status of PAYOUT_STATUSES.filter((s) => !['submitted', 'accepted', 'pending'].includes(s))) {
      expect(
        sweepDecision({ status, country: 'GB', currency: 'GBP', createdAt: ago(1e7), lastEventAt: ago(1e7) }, NOW),
      ).toEqual({ kind: 'skip' });
    }
  });
});

describe('the awaiting index read bound', () => {
  it('is the smallest threshold, so no corridor is cut off before sweepDecision sees it', () => {
    for (const seconds of [
      SUBMITTED_STALE_AFTER_SECONDS,
      STALE_AFTER_SECONDS_DEFAULT,
      ...Object.values(STALE_AFTER_SECONDS_BY_CORRIDOR),
    ])
      expect(SWEEP_QUIET_SECONDS_MIN).toBeLessThanOrEqual(seconds);
    expect([
      SUBMITTED_STALE_AFTER_SECONDS,
      STALE_AFTER_SECONDS_DEFAULT,
      ...Object.values(STALE_AFTER_SECONDS_BY_CORRIDOR),
    ]).toContain(SWEEP_QUIET_SECONDS_MIN);
  });
});
