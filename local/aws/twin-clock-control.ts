// What the twin's clock endpoints do (api-server.ts serves them): move the clock, then what runs on
// it. The functions see the new time at their next Date reading (shared offset); the scheduler
// re-arms from the new now and reports the runs the jump skipped; the sandbox provider, whose clock
// is built on the twin's (twin.ts passes `clock.nowMs` as its wall clock), moves by the same amount
// and applies the states that fell due at once — their webhooks follow, signed with twin time.
import type { ClockBackend } from './api-server.js';
import type { SandboxProvider } from '../sandbox/sandbox-process.js';
import type { Scheduler, SkippedRun } from './scheduler.js';
import type { ClockReading, TwinClock } from './twin-clock.js';

/** The parts that move with the clock; attached as the twin starts them. */
export interface ClockFollowers {
  scheduler?: Pick<Scheduler, 'clockChanged'>;
  sandbox?: Pick<SandboxProvider, 'advance' | 'nowMs'>;
}

export interface ClockChange extends ClockReading {
  /** The sandbox provider's clock after the change (its own test advances stay on top of it). */
  sandbox_now: string | undefined;
  /** Sandbox payouts that changed state because of the change. */
  sandbox_changed: number;
  /** One per schedule whose next run fell inside the jump: skipped, not replayed. */
  skipped_schedule_runs: Array<{ schedule: string; function: string; due_at: string }>;
}

function skippedView(runs: SkippedRun[]): ClockChange['skipped_schedule_runs'] {
  return runs.map((run) => ({ schedule: run.logicalId, function: run.functionShortName, due_at: run.dueAt }));
}

export class TwinClockControl implements ClockBackend {
  private readonly followers: ClockFollowers = {};

  constructor(private readonly clock: TwinClock) {}

  attach(followers: ClockFollowers): void {
    Object.assign(this.followers, followers);
  }

  read(): ClockReading {
    return this.clock.reading();
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  /** Throws ClockAdvanceError (from the clock) before anything moves. */
  advance(seconds: unknown): ClockChange {
    const reading = this.clock.advance(seconds);
    return this.follow(reading);
  }

  reset(): ClockChange {
    return this.follow(this.clock.reset());
  }

  private follow(reading: ClockReading): ClockChange {
    const { scheduler, sandbox } = this.followers;
    const skipped = scheduler?.clockChanged() ?? [];
    // advance(0) is the sandbox's tick: it applies what fell due by its (now moved) clock.
    const changed = sandbox?.advance(0) ?? [];
    return {
      ...reading,
      sandbox_now: sandbox ? new Date(sandbox.nowMs()).toISOString() : undefined,
      sandbox_changed: changed.length,
      skipped_schedule_runs: skippedView(skipped),
    };
  }
}
