import { expect } from 'vitest';
import { FAULT_KINDS } from './faults';
import { runSeeds } from './runner';

// The test suite's run of the simulation, split in two shares (seeds.test.ts, seeds-2.test.ts) so
// vitest's two forks (maxWorkers 2) run them at once and the wall time halves. CI (CI=true) runs
// SIM_SEEDS_CI seeds — the issue's "CI runs the 10,000 seeds" — and a local run SIM_SEEDS_LOCAL;
// SIM_SEEDS overrides both. Every invariant after every step, and not one may fail. The budget is
// SIM_BUDGET_MS_PER_SEED of each fork's CPU time (10,000 seeds in 10 minutes on the 2-core machine,
// the issue's budget): CPU, not wall time, because the machine is shared and a neighbour's load
// would otherwise fail this test for nothing.
export const SIM_SEEDS_CI = 10_000;
export const SIM_SEEDS_LOCAL = 1_000;
export const SIM_SEED_SHARES = 2;
export const SIM_BUDGET_MS_PER_SEED = 60;
/**
 * Wall-clock limit of one share. The budget above is CPU; on a 2-core machine shared by other jobs
 * a share of 5,000 seeds (about 230 s of CPU) did not finish inside the sim project's 900 s
 * testTimeout (load average 14, each fork at about 14 % of a core), so the share's own limit is
 * wider and the CPU assertion stays the judge.
 */
export const SIM_SHARE_TIMEOUT_MS = 1_800_000;
/** Below this many seeds in a share, a fault of the table may honestly never fire. */
const FAULTS_ALL_FIRE_SEEDS_MIN = 500;

export function simSeeds(env: NodeJS.ProcessEnv = process.env): number {
  if (env['SIM_SEEDS'] !== undefined) return Number(env['SIM_SEEDS']);
  return env['CI'] === 'true' || env['CI'] === '1' ? SIM_SEEDS_CI : SIM_SEEDS_LOCAL;
}

/** Seeds of share `share` (1-based) of `total`: contiguous, the last share takes the remainder. */
export function shareOf(total: number, share: number): { firstSeed: number; seeds: number } {
  const size = Math.floor(total / SIM_SEED_SHARES);
  const firstSeed = 1 + (share - 1) * size;
  return { firstSeed, seeds: share === SIM_SEED_SHARES ? total - (SIM_SEED_SHARES - 1) * size : size };
}

export async function runSeedShare(share: number): Promise<void> {
  const { firstSeed, seeds } = shareOf(simSeeds(), share);
  const cpuBefore = process.cpuUsage();
  const summary = await runSeeds({ seeds, firstSeed, steps: 30, stopAtFirstFailure: false, shrink: true });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  console.log(
    `share ${share}: seeds ${firstSeed}..${firstSeed + seeds - 1} in ${(summary.elapsedMs / 1_000).toFixed(1)} s ` +
      `(${summary.seedsPerSecond.toFixed(1)} seeds/s), CPU ${(cpuMs / 1_000).toFixed(1)} s ` +
      `(${(cpuMs / summary.seeds).toFixed(1)} ms/seed)`,
  );
  console.log(`faults: ${FAULT_KINDS.map((k) => `${k} ${summary.faults[k]}`).join(', ')}`);
  console.log(
    `known findings: ${summary.knownFindings.length} in seeds ${summary.knownFindings.map((k) => k.seed).join(', ')}`,
  );
  const failures = summary.failed.map(
    (f) => `${f.replay}: ${f.failure.invariant}: ${f.failure.violations[0]}\n${f.shrunk?.history.join('\n') ?? ''}`,
  );
  expect(failures).toEqual([]);
  expect(summary.seeds).toBe(seeds);
  // Every fault of the table fired somewhere: a fault that never fires tests nothing.
  if (seeds >= FAULTS_ALL_FIRE_SEEDS_MIN)
    for (const kind of FAULT_KINDS) expect(summary.faults[kind], kind).toBeGreaterThan(0);
  // Every tenant action answered at least once with a success: a row that never succeeds tests nothing.
  if (seeds >= FAULTS_ALL_FIRE_SEEDS_MIN)
    for (const action of ['approve 200', 'reject 200', 'cancel 200', 'approve 403 self_approval_forbidden'])
      expect(summary.actionAnswers[action] ?? 0, action).toBeGreaterThan(0);
  expect(cpuMs).toBeLessThan(seeds * SIM_BUDGET_MS_PER_SEED);
}
