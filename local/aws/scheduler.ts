// Runs every schedule of the template on its expression and time zone, and on demand. Like
// EventBridge Scheduler invoking Lambda asynchronously, a failed run is logged, not retried here.
//
// Schedules run by the twin's clock (twin-clock.ts), the clock the functions read. A clock change
// is a jump, not a fast-forward: every schedule is re-armed for its next run after the new now, and
// the runs that fell due inside the jump are skipped and reported (`clockChanged()`), not replayed
// — so a drill can miss a nightly run on purpose, and runs one by POST /.twin/schedules/<fn>/run.
import type { ScheduleSpec } from '../template/model.js';
import { nextRunMs } from './schedule-expression.js';

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed. */
const TIMER_DELAY_MS_MAX = 2_147_483_647;

export interface ScheduledTarget {
  spec: ScheduleSpec;
  /** The function's short name (`sweep`, `reconcile`). */
  functionShortName: string;
}

export interface ScheduleState {
  logicalId: string;
  functionShortName: string;
  expression: string;
  timezone: string;
  nextRunAt: string | undefined;
  lastRunAt: string | undefined;
  lastOutcome: 'ok' | 'error' | undefined;
}

/** A run that fell due inside a jump of the twin clock and was skipped. */
export interface SkippedRun {
  logicalId: string;
  functionShortName: string;
  /** The first skipped run, ISO 8601 (twin time). */
  dueAt: string;
}

/** The event a schedule delivers: its Input JSON, or `{}` when it declares none. */
export function scheduleEvent(spec: ScheduleSpec): unknown {
  return spec.input ? JSON.parse(spec.input) : {};
}

export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly states = new Map<string, ScheduleState>();
  /** Timer runs in flight (by logical id): they re-arm themselves when they finish. */
  private readonly running = new Set<string>();
  private readonly startedMs: number;
  /** Bumped by every clock change: a run that started before it re-arms from the new now. */
  private clockGeneration = 0;
  private stopped = false;

  constructor(
    private readonly targets: ScheduledTarget[],
    private readonly invoke: (functionShortName: string, event: unknown) => Promise<unknown>,
    private readonly log: (line: string) => void = () => {},
    /** The twin's clock (epoch ms); timers wait real time, which runs at the same pace. */
    private readonly nowMs: () => number = Date.now,
  ) {
    this.startedMs = nowMs();
    for (const { spec, functionShortName } of targets) {
      this.states.set(spec.logicalId, {
        logicalId: spec.logicalId,
        functionShortName,
        expression: spec.expression,
        timezone: spec.timezone,
        nextRunAt: undefined,
        lastRunAt: undefined,
        lastOutcome: undefined,
      });
    }
  }

  start(): void {
    for (const target of this.targets) if (target.spec.enabled) this.arm(target, this.nowMs());
  }

  /**
   * After the twin clock jumped (forward or back): re-arms every schedule from the new now and
   * answers the runs skipped, one per schedule whose next run fell inside the jump.
   */
  clockChanged(): SkippedRun[] {
    if (this.stopped) return [];
    this.clockGeneration += 1;
    const nowMs = this.nowMs();
    const skipped: SkippedRun[] = [];
    for (const target of this.targets) {
      if (!target.spec.enabled) continue;
      const { logicalId } = target.spec;
      clearTimeout(this.timers.get(logicalId));
      this.timers.delete(logicalId);
      // A run in flight is its due run, not a skipped one; it re-arms from the new now when it ends.
      if (this.running.has(logicalId)) continue;
      const state = this.states.get(logicalId)!;
      if (state.nextRunAt !== undefined && Date.parse(state.nextRunAt) <= nowMs) {
        skipped.push({ logicalId, functionShortName: target.functionShortName, dueAt: state.nextRunAt });
      }
      this.arm(target, nowMs);
    }
    return skipped;
  }

  get state(): ScheduleState[] {
    return [...this.states.values()];
  }

  private arm(target: ScheduledTarget, afterMs: number): void {
    if (this.stopped) return;
    const runMs = nextRunMs(target.spec.expression, target.spec.timezone, afterMs, this.startedMs);
    const state = this.states.get(target.spec.logicalId)!;
    state.nextRunAt = runMs === undefined ? undefined : new Date(runMs).toISOString();
    if (runMs === undefined) return;
    const delayMs = Math.min(TIMER_DELAY_MS_MAX, Math.max(0, runMs - this.nowMs()));
    const timer = setTimeout(() => {
      if (this.nowMs() + 1 < runMs) return this.arm(target, afterMs); // a long wait was clamped: re-arm
      const { logicalId } = target.spec;
      const generation = this.clockGeneration;
      this.running.add(logicalId);
      void this.run(target)
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(logicalId);
          this.arm(target, generation === this.clockGeneration ? runMs : this.nowMs());
        });
    }, delayMs);
    timer.unref();
    this.timers.set(target.spec.logicalId, timer);
  }

  private async run(target: ScheduledTarget): Promise<unknown> {
    const state = this.states.get(target.spec.logicalId)!;
    state.lastRunAt = new Date(this.nowMs()).toISOString();
    try {
      const result = await this.invoke(target.functionShortName, scheduleEvent(target.spec));
      state.lastOutcome = 'ok';
      return result;
    } catch (error) {
      state.lastOutcome = 'error';
      this.log(`schedule ${target.spec.logicalId} → ${target.functionShortName} failed: ${(error as Error).message}`);
      throw error;
    }
  }

  /** `POST /.twin/schedules/<function>/run`: runs the schedule(s) targeting that function now. */
  async runNow(functionShortName: string): Promise<unknown[] | undefined> {
    const matching = this.targets.filter(
      (target) => target.functionShortName === functionShortName || target.spec.logicalId === functionShortName,
    );
    if (matching.length === 0) return undefined;
    return Promise.all(matching.map((target) => this.run(target)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
