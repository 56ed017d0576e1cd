import type { Choices } from './choices';
import type { FaultKind, FaultPlan } from './faults';
import { SimCrash, type Gate } from './gate';

/**
 * A seeded scheduler for concurrent operations (FoundationDB's deterministic simulation, in small).
 * Each operation is a task; every store, queue and provider call inside it is a yield point
 * (Gate.point). Only one task runs at a time: at each step the scheduler picks, by the history's
 * choices, one task waiting at a point and resumes it — or crashes it there. So the interleaving of
 * concurrent operations, and where a process dies, are part of the seed, and a seed replays exactly.
 */

/** Resumptions per scheduler run before we call it a livelock (a retry loop that never ends). */
export const POINTS_PER_RUN_MAX = 20_000;

interface Waiting {
  label: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type TaskState = 'running' | 'done' | 'failed' | 'crashed';

export class Task<T = unknown> {
  state: TaskState = 'running';
  result: T | undefined;
  error: unknown;
  crashedAt: string | undefined;
  readonly waiting: Waiting[] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {}

  get finished(): boolean {
    return this.state !== 'running';
  }

  /** Resolves at the task's next yield point or when it ends (a task busy with real I/O, e.g. /tmp files). */
  signal(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export class Scheduler {
  private readonly tasks: Task[] = [];
  private nextId = 1;
  resumptions = 0;

  constructor(
    private readonly choices: Choices,
    private readonly faults: FaultPlan,
  ) {}

  /** Starts a task; its body begins at a yield point, so even the start order is scheduled. */
  spawn<T>(name: string, body: (gate: Gate) => Promise<T>): Task<T> {
    const task = new Task<T>(this.nextId++, name);
    const gate = this.gateOf(task);
    this.tasks.push(task as Task);
    void (async () => {
      try {
        await gate.point('start');
        task.result = await body(gate);
        task.state = task.crashedAt === undefined ? 'done' : 'crashed';
      } catch (error) {
        task.error = error;
        task.state = task.crashedAt === undefined ? 'failed' : 'crashed';
      }
      task.notify();
    })();
    return task;
  }

  private gateOf(task: Task): Gate {
    return {
      point: (label) => {
        if (task.crashedAt !== undefined) return Promise.reject(new SimCrash(task.crashedAt));
        return new Promise<void>((resolve, reject) => {
          task.waiting.push({ label, resolve, reject });
          task.notify();
        });
      },
      fault: (kind: FaultKind, where: string) =>
        task.crashedAt === undefined && this.faults.fire(kind, `${task.name}:${where}`),
    };
  }

  /**
   * Runs every spawned task to its end, interleaved by the choices; returns them. Only the resumed
   * task can move (every other one waits at a point), and JavaScript's microtask order is fixed by
   * the code, so waiting for that task to reach its next point (or end) is enough for a
   * deterministic schedule — no event-loop turn, except for a task with several branches waiting
   * (one may end without a next point) or inside real I/O (reconciliation's spill files, which
   * only runs with no other task).
   */
  async run(): Promise<Task[]> {
    for (let runs = 0; ; runs += 1) {
      const live = this.tasks.filter((t) => !t.finished);
      if (live.length === 0) break;
      const ready = live.filter((t) => t.waiting.length > 0);
      if (ready.length === 0) {
        await Promise.race(live.map((t) => t.signal()));
        continue;
      }
      if (runs > POINTS_PER_RUN_MAX)
        throw new Error(
          `livelock: ${POINTS_PER_RUN_MAX} resumptions in one step (${ready.map((t) => t.name).join(', ')})`,
        );
      const task = ready.length === 1 ? ready[0]! : ready[this.choices.int(ready.length)]!;
      const waiting = task.waiting.shift()!;
      this.resumptions += 1;
      // With other branches of the task waiting too (a Promise.all), the resumed branch may end
      // without reaching a point: then let every microtask run instead of waiting for a point.
      const branches = task.waiting.length;
      const moved = task.signal();
      if (waiting.label !== 'start' && this.faults.fire('crash', `${task.name}:${waiting.label}`)) {
        task.crashedAt = waiting.label;
        const crash = new SimCrash(waiting.label);
        waiting.reject(crash);
        for (const other of task.waiting.splice(0)) other.reject(crash);
      } else {
        waiting.resolve();
      }
      await (branches > 0 ? settle() : moved);
    }
    return this.tasks.splice(0);
  }
}

/** One macrotask turn: every microtask queued so far has run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
