import fc from 'fast-check';
import { Choices, DRAW_BOUND_MAX } from './choices';
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
  /** Replays the shrinker may spend on the failure (SHRINK_RUNS_MAX unless set). */
  shrinkRunsMax?: number;
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
  /** The tenant actions' answers by action, status and error code (actions.ts). */
  actionAnswers: Record<string, number>;
  /** Known findings the invariants reported instead of failing, with their seed (invariants.ts). */
  knownFindings: Array<{ seed: number; finding: string }>;
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
  const actionAnswers: Record<string, number> = {};
  const knownFindings: RunSummary['knownFindings'] = [];
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
    for (const [answer, count] of result.actionAnswers) actionAnswers[answer] = (actionAnswers[answer] ?? 0) + count;
    for (const finding of result.knownFindings) knownFindings.push({ seed, finding });
    if (result.failure !== undefined) {
      const failure: SeedFailure = { seed, failure: result.failure, replay: replayCommand(seed, options.steps) };
      if (options.shrink !== false)
        failure.shrunk = await shrink(result, { ...options.config, steps: options.steps }, options.shrinkRunsMax);
      failed.push(failure);
      if (options.stopAtFirstFailure === true) break;
    }
    if (done % 500 === 0) options.onProgress?.(done, performance.now() - started);
  }
  const elapsedMs = performance.now() - started;
  const seedsPerSecond = done / (elapsedMs / 1_000);
  return { seeds: done, failed, elapsedMs, seedsPerSecond, faults, thrown, actionAnswers, knownFindings, resumptions };
}

/** Replays a seed with its full history kept. */
export function replaySeed(seed: number, config: SimConfig): Promise<HistoryResult> {
  return runHistory(Choices.fromSeed(seed), { ...config, keepHistory: true });
}

/**
 * The simulation's speed budget, the issue's: 10,000 seeds in 10 minutes on the 2-core machine,
 * so 60 ms of CPU per seed with both cores busy. Printed by npm run sim and the suite's shares.
 */
export const SIM_BUDGET_MS_PER_SEED = 60;

/** Replays of candidate histories the shrinker may spend on one failure. */
export const SHRINK_RUNS_MAX = 400;

/**
 * A history as fast-check sees it: how many steps, and the draws (choices.ts). fast-check's own
 * shrinkers do the work — the integer towards 1 step, the array by dropping chunks of draws and
 * moving each draw towards 0 (no fault, the first option, no interleaving) — so the simulation
 * does not carry a shrinker of its own.
 */
const historyArbitrary = (steps: number, draws: number) =>
  fc.tuple(
    fc.integer({ min: 1, max: Math.max(1, steps) }),
    fc.array(fc.nat({ max: DRAW_BOUND_MAX - 1 }), { maxLength: Math.max(1, draws) }),
  );

/**
 * Shrinks a failing history to a shorter one that breaks the same invariant, greedily: it walks
 * fast-check's shrink stream of (steps, draws) and moves to the first candidate that still fails,
 * until no candidate fails or `runsMax` replays are spent.
 */
export async function shrink(
  failing: HistoryResult,
  config: SimConfig,
  runsMax: number = SHRINK_RUNS_MAX,
): Promise<{ steps: number; history: string[]; failure: Failure; runs: number }> {
  const invariant = failing.failure!.invariant;
  // The failure was seen after step `at`: later steps are not needed for it, so start from there.
  const at = failing.failure!.at;
  const firstSteps = at !== 'quiet' && at < config.steps ? at : config.steps;
  const arbitrary = historyArbitrary(config.steps, failing.sequence.length);
  let best = new fc.Value<[number, number[]]>([firstSteps, failing.sequence], undefined);
  let runs = 0;
  const fails = async ([steps, sequence]: [number, number[]]): Promise<boolean> => {
    runs += 1;
    const result = await runHistory(Choices.fromSequence(sequence), { ...config, steps, keepHistory: false });
    return result.failure?.invariant === invariant;
  };
  if (firstSteps !== config.steps && !(await fails(best.value_)))
    best = new fc.Value<[number, number[]]>([config.steps, failing.sequence], undefined);
  let moved = true;
  while (moved && runs < runsMax) {
    moved = false;
    for (const candidate of arbitrary.shrink(best.value_, best.context)) {
      if (runs >= runsMax) break;
      if (await fails(candidate.value_)) {
        best = candidate;
        moved = true;
        break;
      }
    }
  }
  const [steps, sequence] = best.value_;
  const final = await runHistory(Choices.fromSequence(sequence), { ...config, steps, keepHistory: true });
  return { steps, history: final.history, failure: final.failure ?? failing.failure!, runs };
}
