// The twin's clock (local/aws/twin-clock.ts): only forward, bounded, and refusals change nothing.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_ADVANCE_SECONDS_MAX,
  CLOCK_BODY_BYTES_MAX,
  CLOCK_OFFSET_SECONDS_MAX,
  ClockAdvanceError,
  TwinClock,
  parseAdvanceBody,
} from '../../../local/aws/twin-clock.js';

const REAL_NOW_MS = Date.parse('2026-03-01T12:00:00.000Z');
const DAY_SECONDS = 86_400;

function fixedClock() {
  return new TwinClock(() => REAL_NOW_MS);
}

function refusalOf(run: () => unknown): { code: string; param: string | undefined } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof ClockAdvanceError)) throw error;
    return { code: error.code, param: error.param };
  }
}

describe('TwinClock', () => {
  it('starts on real time', () => {
    expect(fixedClock().reading()).toEqual({ now: '2026-03-01T12:00:00.000Z', offset_ms: 0 });
  });

  it('advances forward, adding up, rounded to the millisecond, and resets to real time', () => {
    const clock = fixedClock();
    expect(clock.advance(DAY_SECONDS)).toEqual({ now: '2026-03-02T12:00:00.000Z', offset_ms: DAY_SECONDS * 1000 });
    expect(clock.advance(0.0015).offset_ms).toBe(DAY_SECONDS * 1000 + 2);
    expect(clock.nowMs()).toBe(REAL_NOW_MS + DAY_SECONDS * 1000 + 2);
    expect(clock.reset()).toEqual({ now: '2026-03-01T12:00:00.000Z', offset_ms: 0 });
  });

  it('shares its offset through the buffer it hands to the workers', () => {
    const clock = fixedClock();
    clock.advance(60);
    expect(Number(Atomics.load(new BigInt64Array(clock.buffer), 0))).toBe(60_000);
  });

  it.each([
    ['missing', undefined],
    ['a string', '60'],
    ['zero', 0],
    ['backwards', -60],
    ['not finite', Number.POSITIVE_INFINITY],
    ['NaN', Number.NaN],
    ['under a millisecond', 0.0001],
    ['over the largest advance', CLOCK_ADVANCE_SECONDS_MAX + 1],
  ])('refuses %s as parameter_invalid and moves nothing', (_name, seconds) => {
    const clock = fixedClock();
    clock.advance(10);
    expect(refusalOf(() => clock.advance(seconds))).toEqual({ code: 'parameter_invalid', param: 'seconds' });
    expect(clock.offsetMs).toBe(10_000);
  });

  it('accepts the largest advance, and refuses one that would pass the largest offset', () => {
    const clock = fixedClock();
    const steps = Math.floor(CLOCK_OFFSET_SECONDS_MAX / CLOCK_ADVANCE_SECONDS_MAX);
    for (let step = 0; step < steps; step += 1) clock.advance(CLOCK_ADVANCE_SECONDS_MAX);
    const before = clock.offsetMs;
    const refusal = refusalOf(() => clock.advance(CLOCK_ADVANCE_SECONDS_MAX));
    expect(refusal).toEqual({ code: 'clock_offset_too_large', param: 'seconds' });
    expect(clock.offsetMs).toBe(before);
  });
});

describe('parseAdvanceBody', () => {
  it('answers the seconds of {"seconds": N}', () => {
    expect(parseAdvanceBody(Buffer.from('{"seconds": 90000}'))).toBe(90_000);
    expect(parseAdvanceBody(Buffer.from('{}'))).toBeUndefined(); // then TwinClock.advance refuses it
  });

  // In the documented order of precedence: size, JSON, unknown members.
  it.each([
    ['too large', Buffer.alloc(CLOCK_BODY_BYTES_MAX + 1, ' '), 'body_too_large', undefined],
    ['not buffered at all', null, 'body_too_large', undefined],
    ['empty', Buffer.from(''), 'invalid_json', undefined],
    ['not JSON', Buffer.from('seconds=60'), 'invalid_json', undefined],
    ['an array', Buffer.from('[60]'), 'invalid_json', undefined],
    ['null', Buffer.from('null'), 'invalid_json', undefined],
    ['a bare number', Buffer.from('60'), 'invalid_json', undefined],
    ['an unknown member', Buffer.from('{"seconds": 60, "ms": 1}'), 'field_unknown', 'ms'],
  ])('refuses a body %s', (_name, body, code, param) => {
    expect(refusalOf(() => parseAdvanceBody(body))).toEqual({ code, param });
  });
});
