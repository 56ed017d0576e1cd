import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './faults';
import { runSeeds } from './runner';

// CI's run of the simulation: SIM_SEEDS seeds (10,000 unless set, as `npm run sim -- --seeds 10000`)
// in this process, every invariant after every step, and not one may fail. The budget on the 2-core
// machine is SIM_BUDGET_SECONDS; the test reports seeds/s and the faults injected by kind.
const SEEDS = Number(process.env['SIM_SEEDS'] ?? 10_000);
const SIM_BUDGET_SECONDS = 600;

describe('the seeded simulation', () => {
  it(`runs ${SEEDS} seeds with no invariant broken`, async () => {
    const summary = await runSeeds({ seeds: SEEDS, firstSeed: 1, steps: 30, stopAtFirstFailure: false, shrink: true });
    console.log(
      `${summary.seeds} seeds in ${(summary.elapsedMs / 1_000).toFixed(1)} s (${summary.seedsPerSecond.toFixed(1)} seeds/s)`,
    );
    console.log(`faults: ${FAULT_KINDS.map((k) => `${k} ${summary.faults[k]}`).join(', ')}`);
    const failures = summary.failed.map(
      (f) => `${f.replay}: ${f.failure.invariant}: ${f.failure.violations[0]}\n${f.shrunk?.history.join('\n') ?? ''}`,
    );
    expect(failures).toEqual([]);
    expect(summary.seeds).toBe(SEEDS);
    // Every fault of the table fired somewhere: a fault that never fires tests nothing.
    if (SEEDS >= 1_000) for (const kind of FAULT_KINDS) expect(summary.faults[kind], kind).toBeGreaterThan(0);
    expect(summary.elapsedMs / 1_000).toBeLessThan(SIM_BUDGET_SECONDS);
  });
});
