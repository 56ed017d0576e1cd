// Runs each function's bundle in worker threads, one invocation per worker at a time (as Lambda runs
// one per execution environment), at most WORKERS_PER_FUNCTION_MAX per function, created on demand
// and kept warm. A timeout terminates the worker, as Lambda discards an environment that timed out.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { InvocationError } from '../errors.js';
import type { FunctionSpec } from '../template/model.js';

/** Concurrency per function; enough to show concurrent behaviour on a 2-core laptop. */
export const WORKERS_PER_FUNCTION_MAX = 4;
const WORKER_PATH = new URL('./lambda-worker.mjs', import.meta.url);
const MS_PER_SECOND = 1000;

export interface LambdaFunction {
  spec: FunctionSpec;
  environment: Record<string, string>;
}

export interface LambdaRuntimeOptions {
  /** The twin's clock offset (twin-clock.ts), shared with every worker; absent: workers keep real time. */
  clockBuffer?: SharedArrayBuffer;
  /**
   * Where the functions' own log lines go: `inherit` (npm start: straight to the terminal, as
   * CloudWatch would show them) or `console` (through this process's console, line by line, so a
   * test runner can keep them with the test that caused them and drop them when it passes).
   */
  functionOutput?: FunctionOutput;
}

export type FunctionOutput = 'inherit' | 'console';

/** The environment variable that picks `functionOutput` when the caller does not (vitest sets it). */
export const FUNCTION_OUTPUT_ENV = 'TWIN_FUNCTION_OUTPUT';

export function functionOutputFromEnv(env: NodeJS.ProcessEnv = process.env): FunctionOutput {
  return env[FUNCTION_OUTPUT_ENV] === 'console' ? 'console' : 'inherit';
}

interface WorkerSlot {
  worker: Worker;
  busy: boolean;
}

interface Waiter {
  resolve(slot: WorkerSlot): void;
}

export interface InvokeOptions {
  requestId?: string;
}

export interface InvocationLog {
  functionName: string;
  requestId: string;
  durationMs: number;
  outcome: 'ok' | 'error' | 'timeout';
}

class FunctionPool {
  private readonly slots: WorkerSlot[] = [];
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly fn: LambdaFunction,
    private readonly clockBuffer: SharedArrayBuffer | undefined,
    private readonly output: FunctionOutput,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  private spawn(): WorkerSlot {
    const { spec, environment } = this.fn;
    const worker = new Worker(WORKER_PATH, {
      env: environment,
      workerData: {
        modulePath: spec.modulePath,
        exportName: spec.exportName,
        functionName: spec.name,
        memoryMb: spec.memoryMb,
        // Shared, not copied: an advance of the twin clock reaches this worker at its next Date reading.
        clockBuffer: this.clockBuffer,
      },
      // The bundles are ESM with their own createRequire banner; no TypeScript loader is needed.
      execArgv: [],
      stdout: this.output === 'console',
      stderr: this.output === 'console',
    });
    if (this.output === 'console') {
      worker.stdout.on('data', (chunk: Buffer) => console.log(chunk.toString('utf8').trimEnd()));
      worker.stderr.on('data', (chunk: Buffer) => console.error(chunk.toString('utf8').trimEnd()));
    }
    const slot = { worker, busy: false };
    this.slots.push(slot);
    return slot;
  }

  private acquire(): Promise<WorkerSlot> {
    const idle = this.slots.find((slot) => !slot.busy);
    const slot = idle ?? (this.slots.length < WORKERS_PER_FUNCTION_MAX ? this.spawn() : undefined);
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise((resolveSlot) =>
      this.waiters.push({
        resolve: (free) => {
          free.busy = true;
          resolveSlot(free);
        },
      }),
    );
  }

  private release(slot: WorkerSlot, keep: boolean): void {
    slot.busy = false;
    if (!keep) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      void slot.worker.terminate();
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(keep ? slot : this.spawn());
  }

  async invoke(event: unknown, requestId: string): Promise<unknown> {
    const { spec } = this.fn;
    const slot = await this.acquire();
    const timeoutMs = spec.timeoutSeconds * MS_PER_SECOND;
    return new Promise((resolveResult, reject) => {
      let settled = false;
      const finish = (keep: boolean, outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        slot.worker.off('message', onMessage);
        slot.worker.off('error', onError);
        slot.worker.off('exit', onExit);
        this.release(slot, keep);
        outcome();
      };
      const onMessage = (message: {
        requestId: string;
        ok: boolean;
        resultJson?: string;
        error?: { errorType: string; errorMessage: string };
        initFailed?: boolean;
      }) => {
        if (message.requestId !== requestId) return;
        if (message.ok) finish(true, () => resolveResult(JSON.parse(message.resultJson!)));
        else
          finish(!message.initFailed, () =>
            reject(new InvocationError(spec.shortName, message.error!.errorType, message.error!.errorMessage)),
          );
      };
      const onError = (error: Error) =>
        finish(false, () =>
          reject(new InvocationError(spec.shortName, error.name || 'Runtime.ExitError', error.message)),
        );
      const onExit = (code: number) =>
        finish(false, () =>
          reject(new InvocationError(spec.shortName, 'Runtime.ExitError', `worker exited with code ${code}`)),
        );
      const timer = setTimeout(
        () =>
          finish(false, () =>
            reject(
              new InvocationError(
                spec.shortName,
                'Sandbox.Timedout',
                `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`,
              ),
            ),
          ),
        timeoutMs,
      );
      slot.worker.on('message', onMessage);
      slot.worker.once('error', onError);
      slot.worker.once('exit', onExit);
      slot.worker.postMessage({ requestId, event, deadlineMs: Date.now() + timeoutMs });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }
}

export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly byName = new Map<string, LambdaFunction>();
  readonly invocations: InvocationLog[] = [];
  private static readonly INVOCATION_LOG_MAX = 200;

  constructor(functions: LambdaFunction[], options: LambdaRuntimeOptions = {}) {
    for (const fn of functions) {
      this.pools.set(
        fn.spec.logicalId,
        new FunctionPool(fn, options.clockBuffer, options.functionOutput ?? functionOutputFromEnv()),
      );
      for (const key of [fn.spec.logicalId, fn.spec.shortName, fn.spec.name]) this.byName.set(key, fn);
    }
  }

  /** Finds a function by logical id, short name (`create-payout`) or local name. */
  find(name: string): LambdaFunction | undefined {
    return this.byName.get(name);
  }

  get functions(): LambdaFunction[] {
    return [...new Set(this.byName.values())];
  }

  workerCount(name: string): number {
    const fn = this.find(name);
    return fn ? this.pools.get(fn.spec.logicalId)!.size : 0;
  }

  /** Invokes synchronously (RequestResponse); rejects with InvocationError like Lambda's error result. */
  async invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const fn = this.find(name);
    if (!fn) throw new InvocationError(name, 'ResourceNotFoundException', `function ${name} is not in the template`);
    const requestId = options.requestId ?? randomUUID();
    const startedMs = Date.now();
    let outcome: InvocationLog['outcome'] = 'ok';
    try {
      return await this.pools.get(fn.spec.logicalId)!.invoke(event, requestId);
    } catch (error) {
      outcome = error instanceof InvocationError && error.errorType === 'Sandbox.Timedout' ? 'timeout' : 'error';
      throw error;
    } finally {
      this.invocations.push({
        functionName: fn.spec.shortName,
        requestId,
        durationMs: Date.now() - startedMs,
        outcome,
      });
      if (this.invocations.length > LambdaRuntime.INVOCATION_LOG_MAX) this.invocations.shift();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }
}
