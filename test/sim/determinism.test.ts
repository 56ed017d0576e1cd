import { describe, expect, it } from 'vitest';
import { Choices } from './choices';
import { runHistory } from './simulation';

// A seed is one history: the same seed, run twice in one process, draws the same choices, takes the
// same steps, injects the same faults and ends in the same verdict. And a recorded choice sequence
// replays its seed exactly (what the shrinker relies on).
describe('a seed is one deterministic history', () => {
  it.each([7, 4242, 9001])('seed %i replays exactly', async (seed) => {
    const first = await runHistory(Choices.fromSeed(seed), { steps: 30 });
    const second = await runHistory(Choices.fromSeed(seed), { steps: 30 });
    const fromSequence = await runHistory(Choices.fromSequence(first.sequence), { steps: 30 });
    for (const again of [second, fromSequence]) {
      expect(again.sequence).toEqual(first.sequence);
      expect(again.history).toEqual(first.history);
      expect(again.faults).toEqual(first.faults);
      expect(again.failure).toEqual(first.failure);
    }
    expect(first.history.length).toBeGreaterThan(10);
  });

  it('an all-zero choice sequence is a quiet, valid history', async () => {
    const result = await runHistory(Choices.fromSequence([]), { steps: 10 });
    expect(result.failure).toBeUndefined();
    expect(Object.values(result.faults).every((n) => n === 0)).toBe(true);
  });
});
