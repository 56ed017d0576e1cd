import { describe, expect, it } from 'vitest';
import { runSeedShare, shareOf, simSeeds, SIM_SEEDS_CI, SIM_SEEDS_LOCAL, SIM_SHARE_TIMEOUT_MS } from './seed-share';

// The first share of the suite's simulation run (seed-share.ts); seeds-2.test.ts runs the second
// in the other fork.
describe('the seeded simulation, share 1', () => {
  it(
    `runs seeds ${shareOf(simSeeds(), 1).firstSeed}.. with no invariant broken`,
    () => runSeedShare(1),
    SIM_SHARE_TIMEOUT_MS,
  );

  it('runs 10,000 seeds in CI and fewer locally, split into shares that cover every seed once', () => {
    expect(simSeeds({ CI: 'true' })).toBe(SIM_SEEDS_CI);
    expect(simSeeds({})).toBe(SIM_SEEDS_LOCAL);
    expect(simSeeds({ CI: 'true', SIM_SEEDS: '40' })).toBe(40);
    for (const total of [SIM_SEEDS_CI, SIM_SEEDS_LOCAL, 7]) {
      const [a, b] = [shareOf(total, 1), shareOf(total, 2)];
      expect(a.firstSeed).toBe(1);
      expect(b.firstSeed).toBe(a.firstSeed + a.seeds);
      expect(a.seeds + b.seeds).toBe(total);
    }
  });
});
