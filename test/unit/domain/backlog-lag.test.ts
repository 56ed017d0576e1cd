import { describe, expect, it } from 'vitest';
import { RECON_DAY_SHARDS } from '../../../functions/adapters/payout-items';
import {
  ageSeconds,
  lookbackDays,
  oldestOf,
  UNRECONCILED_LOOKBACK_DAYS,
  UNRECONCILED_READS_MAX,
  UNRECONCILED_SHARDS_PER_DAY,
  unreconciledDays,
  unreconciledFigure,
  type DayRunState,
} from '../../../functions/domain/backlog-lag';

const at = (iso: string) => Date.parse(iso);

describe('lookbackDays', () => {
  it.each([
    { now: '2026-12-01T00:00:00.000Z', count: 3, days: ['2026-11-29', '2026-11-30', '2026-12-01'] },
    { now: '2026-12-01T23:59:59.999Z', count: 2, days: ['2026-11-30', '2026-12-01'] },
    { now: '2026-03-01T08:00:00.000Z', count: 2, days: ['2026-02-28', '2026-03-01'] },
    { now: '2027-01-01T01:00:00.000Z', count: 1, days: ['2027-01-01'] },
  ])('$now, $count days → $days (UTC, today last)', ({ now, count, days }) => {
    expect(lookbackDays(at(now), count)).toEqual(days);
  });

  it('reads UNRECONCILED_LOOKBACK_DAYS by default, ending today', () => {
    const days = lookbackDays(at('2026-12-01T12:00:00.000Z'));
    expect(days).toHaveLength(UNRECONCILED_LOOKBACK_DAYS);
    expect(days.at(-1)).toBe('2026-12-01');
    expect(days[0]).toBe('2026-11-18');
  });
});

describe('unreconciledDays', () => {
  const days = (runs: DayRunState[]) => runs.map((run, i) => ({ date: `2026-11-2${i}`, run }));
  it.each<{ runs: DayRunState[]; waiting: string[] }>([
    { runs: ['succeeded', 'succeeded', 'none'], waiting: ['2026-11-22'] },
    // A failed day before a later success is still waiting: the last success alone would hide it.
    { runs: ['succeeded', 'failed', 'succeeded', 'none'], waiting: ['2026-11-21', '2026-11-23'] },
    { runs: ['queued', 'running', 'none'], waiting: ['2026-11-20', '2026-11-21', '2026-11-22'] },
    { runs: ['succeeded', 'succeeded'], waiting: [] },
  ])('$runs → $waiting', ({ runs, waiting }) => {
    expect(unreconciledDays(days(runs))).toEqual(waiting);
  });
});

describe('unreconciledFigure', () => {
  const nowMs = at('2026-11-23T12:00:00.000Z');
  it.each<{ first: DayRunState; oldest: string | null; age: number | null; mayBeOlder: boolean }>([
    { first: 'succeeded', oldest: '2026-11-22T00:00:00.000Z', age: 36 * 3_600, mayBeOlder: false },
    { first: 'none', oldest: '2026-11-20T00:00:00.000Z', age: 3.5 * 86_400, mayBeOlder: true },
    { first: 'failed', oldest: null, age: null, mayBeOlder: true },
    { first: 'succeeded', oldest: null, age: null, mayBeOlder: false },
  ])('first day $first, oldest $oldest → age $age, may be older $mayBeOlder', ({ first, oldest, age, mayBeOlder }) => {
    const days = [
      { date: '2026-11-20', run: first },
      { date: '2026-11-21', run: 'none' as const },
    ];
    expect(unreconciledFigure({ days, oldestCreatedAt: oldest, nowMs })).toEqual({
      oldestCreatedAt: oldest,
      ageSeconds: age,
      examinedFrom: '2026-11-20',
      mayBeOlder,
    });
  });

  it('needs a day', () => {
    expect(() => unreconciledFigure({ days: [], oldestCreatedAt: null, nowMs })).toThrow(RangeError);
  });
});

describe('ageSeconds and oldestOf', () => {
  it.each([
    { from: '2026-12-01T00:00:00.000Z', now: '2026-12-01T00:01:01.900Z', age: 61 },
    // A reader's clock slightly behind the writer's never shows a negative age.
    { from: '2026-12-01T00:00:05.000Z', now: '2026-12-01T00:00:00.000Z', age: 0 },
  ])('$from at $now → $age s', ({ from, now, age }) => {
    expect(ageSeconds(from, at(now))).toBe(age);
  });

  it.each([
    { values: [], oldest: null },
    { values: [null, undefined], oldest: null },
    { values: ['2026-12-01T00:00:02.000Z', null, '2026-12-01T00:00:01.000Z'], oldest: '2026-12-01T00:00:01.000Z' },
  ])('$values → $oldest', ({ values, oldest }) => {
    expect(oldestOf(values)).toBe(oldest);
  });
});

it('the read bound uses the day index’s real shard count', () => {
  expect(UNRECONCILED_SHARDS_PER_DAY).toBe(RECON_DAY_SHARDS);
  expect(UNRECONCILED_READS_MAX).toBe(UNRECONCILED_LOOKBACK_DAYS * (1 + RECON_DAY_SHARDS));
});
