import { Choices } from './choices';
import { FAULT_KINDS, type FaultKind } from './faults';
import { runHistory, STEPS_DEFAULT, type Failure, type HistoryResult, type SimConfig } from './simulation';

/**
 * Many seeds, one after another in this process, and the shrinker for the first that fails. A
 * failure is reported with the one line that replays it and the shortest history found that still
 * breaks the same invariant.
 */
export interface RunOptions {
  seeds: number;
  /** The first seed; seeds run from here upwards. */
  firstSeed: number;
  steps: number;
  config?: Omit<SimConfig, 'steps'>;
  /** Stop at the first failing seed (the planted-bug test and the CLI's default). */
  stopAtFirstFailure?: boolean;
  shrink?: boolean;
  onProgress?: (done: number, elapsedMs: number) => void;
}

export interface SeedFailure {
  seed: number;
  failure: Failure;
  replay: string;
  shrunk?: { steps: number; history: string[]; failure: Failure; runs: number };
}

export interface RunSummary {
  seeds: number;
  failed: SeedFailure[];
  elapsedMs: number;
  seedsPerSecond: number;
  faults: Record<FaultKind, number>;
  /** Operations' thrown errors by name (5xx answers, conflicts, provider timeouts): retried, not failures. */
  thrown: Record<string, number>;
  resumptions: number;
}

export const replayCommand = (seed: number, steps: number): string =>
  `npm run sim -- --seed ${seed}${steps === STEPS_DEFAULT ? '' : ` --steps ${steps}`}`;

/**
 * Stack frames captured per Error while seeds run in bulk. The use cases throw on purpose (a 409,
 * a stored 5xx, a provider timeout) thousands of times a run, and capturing ten frames was a fifth
 * of the simulation's time; a failing seed is replayed with `--seed`, with full stacks.
 */
export const BULK_STACK_TRACE_LIMIT = 1;

export async function runSeeds(options: RunOptions): Promise<RunSummary> {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = BULK_STACK_TRACE_LIMIT;
  try {
    return await runSeedsWithin(options);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function runSeedsWithin(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const thrown: Record<string, number> = {};
  const failed: SeedFailure[] = [];
  let resumptions = 0;
  let done = 0;
  for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed += 1) {
    const result = await runHistory(Choices.fromSeed(seed), {
      ...options.config,
      steps: options.steps,
      keepHistory: false,
    });
    done += 1;
    resumptions += result.resumptions;
    for (const kind of FAULT_KINDS) faults[kind] += result.faults[kind];
    for (const [name, count] of result.failures) thrown[name] = (thrown[name] ?? 0) + count;
    if (result.failure !== undefined) {
      const failure: SeedFailure = { seed, failure: result.failure, replay: replayCommand(seed, options.steps) };
      if (options.shrink !== false) failure.shrunk = await shrink(result, { ...options.config, steps: options.steps });
      failed.push(failure);
      if (options.stopAtFirstFailure === true) break;
    }
    if (done % 500 === 0) options.onProgress?.(done, performance.now() - started);
  }
  const elapsedMs = performance.now() - started;
  return { seeds: done, failed, elapsedMs, seedsPerSecond: done / (elapsedMs / 1_000), faults, thrown, resumptions };
}

/** Replays a seed with its full history kept. */
export function replaySeed(seed: number, config: SimConfig): Promise<HistoryResult> {
  return runHistory(Choices.fromSeed(seed), { ...config, keepHistory: true });
}

/** Replays of candidate histories the shrinker may spend on one failure. */
export const SHRINK_RUNS_MAX = 400;

/**
 * Shrinks a failing history to a shorter one that breaks the same invariant: first fewer steps
 * (the longest prefix it needs), then draws set to 0 (a fault that does not fire, the first option,
 * no interleaving) and runs of draws deleted, in passes from large chunks to single draws.
 */
export async function shrink(
  failing: HistoryResult,
  config: SimConfig,
): Promise<{ steps: number; history: string[]; failure: Failure; runs: number }> {
  const invariant = failing.failure!.invariant;
  let runs = 0;
  let best = { sequence: failing.sequence, steps: config.steps, result: failing };
  const attempt = async (sequence: number[], steps: number): Promise<boolean> => {
    if (runs >= SHRINK_RUNS_MAX) return false;
    runs += 1;
    const result = await runHistory(Choices.fromSequence(sequence), { ...config, steps, keepHistory: false });
    if (result.failure?.invariant !== invariant) return false;
    best = { sequence: result.sequence, steps, result };
    return true;
  };
  // Fewer steps: the failure was seen after step `at`, so later steps are not needed for it.
  const at = failing.failure!.at;
  if (at !== 'quiet' && at < best.steps) await attempt(best.sequence, at);
  for (let low = 1, high = best.steps - 1; low <= high;) {
    const middle = Math.floor((low + high) / 2);
    if (await attempt(best.sequence, middle)) high = middle - 1;
    else low = middle + 1;
  }
  for (let chunk = 16; chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let start = best.sequence.length - chunk; start >= 0 && runs < SHRINK_RUNS_MAX; start -= chunk) {
      const current = best.sequence;
      if (current.slice(start, start + chunk).every((v) => v === 0)) continue;
      const zeroed = [...current.slice(0, start), ...new Array<number>(chunk).fill(0), ...current.slice(start + chunk)];
      if (await attempt(zeroed, best.steps)) continue;
      await attempt([...current.slice(0, start), ...current.slice(start + chunk)], best.steps);
    }
  }
  const final = await runHistory(Choices.fromSequence(best.sequence), {
    ...config,
    steps: best.steps,
    keepHistory: true,
  });
  return { steps: best.steps, history: final.history, failure: final.failure ?? best.result.failure!, runs };
}
