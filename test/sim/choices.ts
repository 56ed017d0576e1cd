import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Every decision of a simulated history — which operation runs, with which arguments, which task
 * the scheduler resumes, whether a fault fires, how far the clock moves — is one draw from here.
 *
 * A history is therefore a sequence of integers (Hypothesis' "choice sequence"): a seed expands to
 * one through pure-rand's xoroshiro128+, and the shrinker edits the sequence itself. Every draw is
 * read modulo its bound, so any edited sequence is still a valid history, and 0 is always the
 * simplest choice (the first option, no fault, no wait), so shrinking towards 0 removes faults and
 * interleavings. Past the end of a given sequence every draw is 0.
 */
export const DRAW_BOUND_MAX = 0x1_0000_0000;

export class Choices {
  private readonly recorded: number[] = [];
  private readonly rng: ReturnType<typeof xoroshiro128plus> | undefined;
  private readonly given: readonly number[] | undefined;
  private index = 0;

  private constructor(seed: number | undefined, given: readonly number[] | undefined) {
    this.rng = seed === undefined ? undefined : xoroshiro128plus(seed);
    this.given = given;
  }

  static fromSeed(seed: number): Choices {
    return new Choices(seed, undefined);
  }

  /** Replays a (possibly edited) sequence; draws past its end are 0. */
  static fromSequence(sequence: readonly number[]): Choices {
    return new Choices(undefined, sequence);
  }

  /** A raw draw in [0, DRAW_BOUND_MAX). */
  private raw(): number {
    const value =
      this.given !== undefined ? (this.given[this.index] ?? 0) : uniformInt(this.rng!, 0, DRAW_BOUND_MAX - 1);
    this.index += 1;
    this.recorded.push(value);
    return value;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    if (bound <= 1) return 0;
    return this.raw() % bound;
  }

  /** An integer in [min, max]; 0 of the draw is `min`. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /**
   * True with probability `p`. Read as `raw ≥ (1 − p)·bound`, so a draw of 0 is always false: a
   * zeroed draw is a fault that did not fire.
   */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.raw() >= (1 - p) * DRAW_BOUND_MAX;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Choices.pick: nothing to pick from');
    return items[this.int(items.length)]!;
  }

  /** Weighted pick; weights are non-negative, at least one positive. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    const weights = items.map(weightOf);
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (total <= 0) throw new Error('Choices.weighted: no positive weight');
    let point = this.int(Math.round(total * 1_000)) / 1_000;
    for (let i = 0; i < items.length; i += 1) {
      point -= weights[i]!;
      if (point < 0 && weights[i]! > 0) return items[i]!;
    }
    return items[weights.findLastIndex((w) => w > 0)]!;
  }

  /** The draws made so far: the history, as the shrinker edits it. */
  sequence(): number[] {
    return [...this.recorded];
  }

  get drawn(): number {
    return this.index;
  }
}
