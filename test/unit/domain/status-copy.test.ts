import { describe, expect, it } from 'vitest';
import corridorsFile from '../../../config/corridors.json';
import { PAYOUT_STATUSES, type PayoutStatus } from '../../../functions/domain/lifecycle';
import { sweepDecision } from '../../../functions/domain/staleness';
import {
  durationWords,
  investigationFrom,
  statusCopy,
  type ConfirmationState,
} from '../../../functions/domain/status-copy';

const HOUR = 3_600;
const DAY = 86_400;

/** Per corridor (country:currency): [provider re-check after quiet, investigation after creation], by hand. */
const CORRIDOR_THRESHOLDS: Readonly<Record<string, readonly [recheck: number, investigate: number]>> = {
  'US:USD': [24 * HOUR, 5 * DAY],
  'GB:GBP': [1 * HOUR, 1 * DAY],
  'DE:EUR': [8 * HOUR, 3 * DAY],
  'FR:EUR': [8 * HOUR, 3 * DAY],
  'NL:EUR': [8 * HOUR, 3 * DAY],
  'ES:EUR': [8 * HOUR, 3 * DAY],
  'IT:EUR': [8 * HOUR, 3 * DAY],
  'IN:INR': [8 * HOUR, 3 * DAY],
  'JP:JPY': [8 * HOUR, 3 * DAY],
};

const CONFIRMATION: Readonly<Record<PayoutStatus, ConfirmationState>> = {
  requires_approval: 'awaiting_action',
  submitted: 'asynchronous',
  accepted: 'asynchronous',
  pending: 'asynchronous',
  paid: 'final_unless_returned',
  reversed: 'final',
  failed: 'final',
  canceled: 'final',
};

const corridors = corridorsFile.corridors.map((c) => ({ country: c.country, currency: c.currency }));
const CASES = PAYOUT_STATUSES.flatMap((status) => corridors.map((corridor) => [status, corridor] as const));

describe('reader-facing status copy: every status × every corridor of config/corridors.json', () => {
  it('covers every corridor in the matrix', () => {
    // Two corridors may share a country and currency (US/USD by ACH and by Stripe Connect): one threshold pair each.
    const keys = [...new Set(corridors.map((c) => `${c.country}:${c.currency}`))];
    expect(keys.sort()).toEqual(Object.keys(CORRIDOR_THRESHOLDS).sort());
  });

  it.each(CASES)('%s in %j', (status, corridor) => {
    const [recheck, investigate] = CORRIDOR_THRESHOLDS[`${corridor.country}:${corridor.currency}`] ?? [0, 0];
    const copy = statusCopy(status, corridor);
    expect(copy.confirmation).toBe(CONFIRMATION[status]);
    // One sentence: one full stop, at the end.
    expect(copy.sentence).toMatch(/^[A-Z][^.]*\.$/);
    if (copy.confirmation !== 'asynchronous') {
      expect(copy).toMatchObject({ recheckAfterSeconds: null, investigationAfterSeconds: null });
      expect(copy.sentence).not.toContain('asynchronous');
      return;
    }
    const expectedRecheck = status === 'submitted' ? 15 * 60 : recheck;
    expect(copy).toMatchObject({ recheckAfterSeconds: expectedRecheck, investigationAfterSeconds: investigate });
    expect(copy.sentence).toContain('confirmation is still asynchronous');
    expect(copy.sentence).toContain(`after ${durationWords(expectedRecheck)} without news`);
    expect(copy.sentence).toContain(`until ${durationWords(investigate)} after creation`);
    expect(copy.sentence).toContain('manual investigation');
  });

  it.each(CASES.filter(([status]) => CONFIRMATION[status] === 'asynchronous'))(
    '%s in %j: the sweeper agrees with the copy',
    (status, corridor) => {
      const copy = statusCopy(status, corridor);
      const created = Date.parse('2026-12-01T00:00:00.000Z');
      const at = (s: number) => new Date(created + s * 1_000).toISOString();
      const candidate = { status, ...corridor, createdAt: at(0), lastEventAt: at(0) };
      const recheck = copy.recheckAfterSeconds ?? 0;
      const investigate = copy.investigationAfterSeconds ?? 0;
      expect(sweepDecision(candidate, created + (recheck - 1) * 1_000)).toEqual({ kind: 'skip' });
      expect(sweepDecision(candidate, created + recheck * 1_000)).toMatchObject({ kind: 'recheck' });
      const late = { ...candidate, lastEventAt: at(investigate - recheck - 1) };
      expect(sweepDecision(late, created + (investigate - 1) * 1_000)).toEqual({ kind: 'recheck', longPending: false });
      expect(sweepDecision(late, created + investigate * 1_000)).toEqual({ kind: 'recheck', longPending: true });
      expect(investigationFrom(status, corridor, at(0))).toBe(at(investigate));
    },
  );

  it.each([
    [1, '1 second'],
    [900, '15 minutes'],
    [3_600, '1 hour'],
    [28_800, '8 hours'],
    [86_400, '1 day'],
    [432_000, '5 days'],
    [5_400, '90 minutes'],
  ])('%i s reads "%s"', (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });
});
