// The twin's scheduler on the twin's clock (local/aws/scheduler.ts): schedules fire by twin time,
// and a jump of the clock re-arms them from the new now, skipping (and reporting) what fell inside.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type ScheduledTarget } from '../../../local/aws/scheduler.js';
import { TwinClock } from '../../../local/aws/twin-clock.js';
import type { ScheduleSpec } from '../../../local/template/model.js';

const START_MS = Date.parse('2026-03-01T01:00:00.000Z');
const MINUTE_MS = 60_000;
const HOUR_SECONDS = 3600;

function target(logicalId: string, expression: string, functionShortName: string): ScheduledTarget {
  const functionLogicalId = `${functionShortName}Function`;
  const spec: ScheduleSpec = {
    logicalId,
    expression,
    timezone: 'UTC',
    enabled: true,
    input: undefined,
    functionLogicalId,
  };
  return { spec, functionShortName };
}

let clock: TwinClock;
let runs: Array<{ fn: string; atIso: string }>;
let scheduler: Scheduler;
/** While set, a run waits for it: a run in flight across a jump. */
let holdRun: Promise<void> | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: START_MS });
  clock = new TwinClock(() => Date.now());
  runs = [];
  holdRun = undefined;
  scheduler = new Scheduler(
    [target('SweepSchedule', 'rate(5 minutes)', 'sweep'), target('NightlySchedule', 'cron(30 2 * * ? *)', 'reconcile')],
    async (fn) => {
      runs.push({ fn, atIso: new Date(clock.nowMs()).toISOString() });
      await holdRun;
      return {};
    },
    () => {},
    () => clock.nowMs(),
  );
  scheduler.start();
});

afterEach(() => {
  scheduler.stop();
  vi.useRealTimers();
});

const nextRunOf = (logicalId: string) => scheduler.state.find((state) => state.logicalId === logicalId)?.nextRunAt;

describe('Scheduler on the twin clock', () => {
  it('fires by twin time while the clock does not jump', async () => {
    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS);
    expect(runs).toEqual([{ fn: 'sweep', atIso: '2026-03-01T01:05:00.000Z' }]);
  });

  it('after a jump forward: skips the runs that fell inside, reports them, and fires on from the new now', async () => {
    const skippedNightly = nextRunOf('NightlySchedule');
    expect(skippedNightly).toBe('2026-03-01T02:30:00.000Z');
    clock.advance(24 * HOUR_SECONDS);
    const skipped = scheduler.clockChanged();
    expect(skipped).toEqual([
      { logicalId: 'SweepSchedule', functionShortName: 'sweep', dueAt: '2026-03-01T01:05:00.000Z' },
      { logicalId: 'NightlySchedule', functionShortName: 'reconcile', dueAt: skippedNightly },
    ]);
    // Nothing replayed: the jump itself runs nothing.
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([]);
    expect(nextRunOf('SweepSchedule')).toBe('2026-03-02T01:05:00.000Z');
    expect(nextRunOf('NightlySchedule')).toBe('2026-03-02T02:30:00.000Z');
    // 90 real minutes later it is 02:30 twin time the next day: the nightly run fires.
    await vi.advanceTimersByTimeAsync(90 * MINUTE_MS);
    const nightly = runs.filter((run) => run.fn === 'reconcile');
    expect(nightly).toEqual([{ fn: 'reconcile', atIso: '2026-03-02T02:30:00.000Z' }]);
    expect(runs.filter((run) => run.fn === 'sweep')).toHaveLength(18);
  });

  it('after a reset: re-arms on real time and skips nothing', async () => {
    clock.advance(24 * HOUR_SECONDS);
    scheduler.clockChanged();
    clock.reset();
    expect(scheduler.clockChanged()).toEqual([]);
    expect(nextRunOf('NightlySchedule')).toBe('2026-03-01T02:30:00.000Z');
    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS);
    expect(runs).toEqual([{ fn: 'sweep', atIso: '2026-03-01T01:05:00.000Z' }]);
  });

  it('a run in flight across a jump re-arms from the new now when it ends, not from its own due time', async () => {
    let release = () => {};
    holdRun = new Promise((resolveRun) => (release = resolveRun));
    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS);
    expect(runs).toEqual([{ fn: 'sweep', atIso: '2026-03-01T01:05:00.000Z' }]);
    clock.advance(24 * HOUR_SECONDS);
    // The in-flight sweep is neither reported as skipped nor run twice.
    expect(scheduler.clockChanged().map((run) => run.logicalId)).toEqual(['NightlySchedule']);
    holdRun = undefined;
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    expect(nextRunOf('SweepSchedule')).toBe('2026-03-02T01:10:00.000Z');
  });
});
