// Runs every schedule of the template on its expression and time zone, and on demand. Like
// EventBridge Scheduler invoking Lambda asynchronously, a failed run is logged, not retried here.
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

/** The event a schedule delivers: its Input JSON, or `{}` when it declares none. */
export function scheduleEvent(spec: ScheduleSpec): unknown {
  return spec.input ? JSON.parse(spec.input) : {};
}

export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly states = new Map<string, ScheduleState>();
  private readonly startedMs = Date.now();
  private stopped = false;

  constructor(
    private readonly targets: ScheduledTarget[],
    private readonly invoke: (functionShortName: string, event: unknown) => Promise<unknown>,
    private readonly log: (line: string) => void = () => {},
  ) {
    for (const { spec, functionShortName } of targets) {
      this.states.set(spec.logicalId, { logicalId: spec.logicalId, functionShortName, expression: spec.expression, timezone: spec.timezone, nextRunAt: undefined, lastRunAt: undefined, lastOutcome: undefined });
    }
  }

  start(): void {
    for (const target of this.targets) if (target.spec.enabled) this.arm(target, Date.now());
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
    const delayMs = Math.min(TIMER_DELAY_MS_MAX, Math.max(0, runMs - Date.now()));
    const timer = setTimeout(() => {
      if (Date.now() + 1 < runMs) return this.arm(target, afterMs); // a long wait was clamped: re-arm
      void this.run(target).catch(() => undefined).finally(() => this.arm(target, runMs));
    }, delayMs);
    timer.unref();
    this.timers.set(target.spec.logicalId, timer);
  }

  private async run(target: ScheduledTarget): Promise<unknown> {
    const state = this.states.get(target.spec.logicalId)!;
    state.lastRunAt = new Date().toISOString();
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
    const matching = this.targets.filter((target) => target.functionShortName === functionShortName || target.spec.logicalId === functionShortName);
    if (matching.length === 0) return undefined;
    return Promise.all(matching.map((target) => this.run(target)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
