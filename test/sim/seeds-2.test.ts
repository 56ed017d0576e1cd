import { describe, it } from 'vitest';
import { runSeedShare, shareOf, simSeeds, SIM_SHARE_TIMEOUT_MS } from './seed-share';

// The second share of the suite's simulation run (seed-share.ts), in vitest's other fork.
describe('the seeded simulation, share 2', () => {
  it(
    `runs seeds ${shareOf(simSeeds(), 2).firstSeed}.. with no invariant broken`,
    () => runSeedShare(2),
    SIM_SHARE_TIMEOUT_MS,
  );
});
