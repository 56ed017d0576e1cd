import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../functions/domain/domain-error';
import {
  InvalidRunDateError,
  RECONCILE_DAYS_BACK_MAX,
  isCalendarDate,
  latestEndedDay,
  requireRunDate,
  runDateRefusal,
  todayIn,
} from '../../../../functions/domain/reconciliation/run-date';

// Which days may be reconciled. "Today" is the date in RECONCILE_TIMEZONE; a day
// may be reconciled once it has ended there and its UTC payouts window has closed, and at most
// RECONCILE_DAYS_BACK_MAX days back.

type Expected = 'ok' | 'parameter_invalid' | 'date_not_ended' | 'date_too_old';
const NOON_UTC = '2026-11-25T12:00:00.000Z';

const CASES: ReadonlyArray<readonly [what: string, value: unknown, now: string, timeZone: string, expected: Expected]> =
  [
    ['a past day', '2026-11-01', NOON_UTC, 'UTC', 'ok'],
    ['yesterday', '2026-11-24', NOON_UTC, 'UTC', 'ok'],
    ['today, unfinished', '2026-11-25', NOON_UTC, 'UTC', 'date_not_ended'],
    ['tomorrow', '2026-11-26', NOON_UTC, 'UTC', 'date_not_ended'],
    ['the far future (the probe)', '9999-12-31', NOON_UTC, 'UTC', 'date_not_ended'],
    ['the oldest day accepted', '2025-10-21', NOON_UTC, 'UTC', 'ok'],
    ['a day past the limit', '2025-10-20', NOON_UTC, 'UTC', 'date_too_old'],
    ['year 0001', '0001-01-01', NOON_UTC, 'UTC', 'date_too_old'],
    ['a leap day long closed', '2024-02-29', NOON_UTC, 'UTC', 'date_too_old'],
    ['not a calendar day', '2026-02-30', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['not a leap year', '2026-02-29', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['one-digit month', '2026-1-01', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['a word', 'yesterday', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['a timestamp', '2026-11-24T00:00:00Z', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['padded', ' 2026-11-24', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['empty', '', NOON_UTC, 'UTC', 'parameter_invalid'],
    ['a number', 20261124, NOON_UTC, 'UTC', 'parameter_invalid'],
    ['null', null, NOON_UTC, 'UTC', 'parameter_invalid'],
    ['missing', undefined, NOON_UTC, 'UTC', 'parameter_invalid'],
    // Midnight edges: the last instant of a day and the first of the next, in the configured zone.
    ['UTC: the day’s last millisecond', '2026-11-25', '2026-11-25T23:59:59.999Z', 'UTC', 'date_not_ended'],
    ['UTC: its first millisecond after', '2026-11-25', '2026-11-26T00:00:00.000Z', 'UTC', 'ok'],
    ['Berlin: 23:59:59 local', '2026-11-25', '2026-11-25T22:59:59.000Z', 'Europe/Berlin', 'date_not_ended'],
    [
      'Berlin: 00:00 local, the UTC window still open',
      '2026-11-25',
      '2026-11-25T23:00:00.000Z',
      'Europe/Berlin',
      'date_not_ended',
    ],
    ['Berlin: 01:00 local, both closed', '2026-11-25', '2026-11-26T00:00:00.000Z', 'Europe/Berlin', 'ok'],
    ['Berlin: yesterday at 00:30 local', '2026-11-24', '2026-11-25T23:30:00.000Z', 'Europe/Berlin', 'ok'],
    [
      'Los Angeles: UTC has moved on, LA has not',
      '2026-11-25',
      '2026-11-26T07:59:59.000Z',
      'America/Los_Angeles',
      'date_not_ended',
    ],
    ['Los Angeles: midnight local', '2026-11-25', '2026-11-26T08:00:00.000Z', 'America/Los_Angeles', 'ok'],
    [
      'New York, the 25-hour day (DST ends): 23:59:59 EST',
      '2026-11-01',
      '2026-11-02T04:59:59.000Z',
      'America/New_York',
      'date_not_ended',
    ],
    ['New York, the 25-hour day: midnight EST', '2026-11-01', '2026-11-02T05:00:00.000Z', 'America/New_York', 'ok'],
    [
      'Kiritimati (UTC+14): ended there, UTC window open',
      '2026-11-25',
      '2026-11-25T10:00:00.000Z',
      'Pacific/Kiritimati',
      'date_not_ended',
    ],
    [
      'Kiritimati: today there is a day ahead of UTC',
      '2026-11-26',
      '2026-11-25T10:00:00.000Z',
      'Pacific/Kiritimati',
      'date_not_ended',
    ],
    // The lower bound counts from today in the zone.
    ['LA: 400 days before LA’s today', '2025-10-20', '2026-11-25T02:00:00.000Z', 'America/Los_Angeles', 'ok'],
    ['LA: 401 days before LA’s today', '2025-10-19', '2026-11-25T02:00:00.000Z', 'America/Los_Angeles', 'date_too_old'],
  ];

describe('reconciliation run date: the rule', () => {
  it('names its limit: 400 days back', () => {
    expect(RECONCILE_DAYS_BACK_MAX).toBe(400);
  });

  for (const [what, value, now, timeZone, expected] of CASES) {
    it(`${what}: ${JSON.stringify(value)} at ${now} in ${timeZone} → ${expected}`, () => {
      const clock = { now: new Date(now), timeZone };
      const refusal = runDateRefusal(value, clock);
      expect(refusal?.code ?? 'ok').toBe(expected);
      if (expected === 'ok') {
        expect(requireRunDate(value, clock)).toBe(value);
        return;
      }
      expect(() => requireRunDate(value, clock)).toThrow(InvalidRunDateError);
      expect(refusal).toBeInstanceOf(DomainError);
      expect([refusal!.name, refusal!.category, refusal!.param, refusal!.date]).toEqual([
        'InvalidRunDateError',
        'terminal',
        'date',
        value,
      ]);
    });
  }

  it('says why, in words a person can act on', () => {
    const clock = { now: new Date('2026-11-25T23:00:00.000Z'), timeZone: 'Europe/Berlin' };
    expect(runDateRefusal('2026-11-26', clock)?.message).toBe(
      '2026-11-26 has not ended: today is 2026-11-26 in Europe/Berlin (RECONCILE_TIMEZONE), and a day is reconciled only once it has ended',
    );
    expect(runDateRefusal('2026-11-25', clock)?.message).toBe(
      '2026-11-25 has ended in Europe/Berlin, but its payouts window (the UTC day of created_at) is open until 2026-11-26T00:00:00.000Z',
    );
    expect(runDateRefusal('2025-01-01', clock)?.message).toBe(
      '2025-01-01 is more than 400 days before today (2026-11-26 in Europe/Berlin); the oldest day accepted is 2025-10-22',
    );
    expect(runDateRefusal('2026-02-30', clock)?.message).toBe(
      'date must be a calendar date YYYY-MM-DD, got "2026-02-30"',
    );
  });

  it('refuses a zone that is not one, rather than quietly using UTC', () => {
    expect(() => runDateRefusal('2026-11-24', { now: new Date(NOON_UTC), timeZone: 'Mars/Olympus' })).toThrow(
      RangeError,
    );
  });

  it('knows calendar dates and today in a zone', () => {
    expect([
      isCalendarDate('2024-02-29'),
      isCalendarDate('2026-02-29'),
      isCalendarDate('2026-12-31'),
      isCalendarDate('2026-13-01'),
    ]).toEqual([true, false, true, false]);
    expect(todayIn(new Date('2026-11-25T23:30:00.000Z'), 'Europe/Berlin')).toBe('2026-11-26');
    expect(todayIn(new Date('2026-11-25T23:30:00.000Z'), 'UTC')).toBe('2026-11-25');
  });
});

describe('reconciliation run date: the nightly run’s day', () => {
  const LATEST: ReadonlyArray<readonly [now: string, timeZone: string, day: string]> = [
    ['2026-11-25T02:30:00Z', 'UTC', '2026-11-24'],
    ['2026-11-25T01:30:00Z', 'Europe/Berlin', '2026-11-24'],
    ['2026-03-01T09:00:00Z', 'America/Los_Angeles', '2026-02-28'],
    // 00:30 in Berlin on the 26th: the 25th has ended there, but its UTC window closes at 01:00 local.
    ['2026-11-25T23:30:00Z', 'Europe/Berlin', '2026-11-24'],
    // 02:30 in Tokyo on the 26th (17:30 UTC on the 25th): the 25th's UTC window is still open.
    ['2026-11-25T17:30:00Z', 'Asia/Tokyo', '2026-11-24'],
    ['2026-11-26T01:00:00Z', 'Asia/Tokyo', '2026-11-25'],
  ];
  for (const [now, timeZone, day] of LATEST) {
    it(`at ${now} in ${timeZone}: ${day}, which the rule accepts and whose next day it refuses`, () => {
      const clock = { now: new Date(now), timeZone };
      expect(latestEndedDay(clock)).toBe(day);
      expect(runDateRefusal(day, clock)).toBeUndefined();
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(runDateRefusal(next, clock)?.code).toBe('date_not_ended');
    });
  }
});
