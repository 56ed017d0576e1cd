// The twin's clock: real time plus an offset that only moves forward (or back to zero on reset).
// The offset lives in a SharedArrayBuffer handed to every Lambda worker (lambda-runtime.ts), whose
// Date reads it on every call (shifted-date.mjs): an advance reaches warm workers at once, with no
// message and no restart. Code in functions/ never knows — it reads Date as it does on AWS.
//
// The twin's own process keeps the real Date (timers, the JWT authorizer checking tokens minted
// by real-clock callers); what must agree with the functions reads `nowMs()` here instead.
import { TwinError } from '../errors.js';

const MS_PER_SECOND = 1000;
const SECONDS_PER_DAY = 86_400;

/**
 * Largest single advance, in seconds: 400 days. Reconciliation reaches 400 days back
 * (RECONCILE_DAYS_BACK_MAX), so one step can carry a drill across any window the platform knows
 * (a day's end, 72 h approval expiry, a month's close); a bigger number is a unit slip (ms for s).
 */
export const CLOCK_ADVANCE_SECONDS_MAX = 400 * SECONDS_PER_DAY;
/** Largest total offset, in seconds (ten years): far past any drill, and ISO years stay 4 digits. */
export const CLOCK_OFFSET_SECONDS_MAX = 3650 * SECONDS_PER_DAY;

/** Largest body of POST /.twin/clock/advance, in bytes: `{"seconds": N}` is a few dozen. */
export const CLOCK_BODY_BYTES_MAX = 1024;

export type ClockAdvanceRefusal =
  'body_too_large' | 'invalid_json' | 'field_unknown' | 'parameter_invalid' | 'clock_offset_too_large';

/** The one error of this module: an advance the clock refuses; nothing moved. */
export class ClockAdvanceError extends TwinError {
  constructor(
    readonly code: ClockAdvanceRefusal,
    message: string,
    readonly param?: string,
  ) {
    super(message, { fix: `send {"seconds": N} with 0 < N ≤ ${CLOCK_ADVANCE_SECONDS_MAX}, or reset the clock first` });
    this.name = 'ClockAdvanceError';
  }
}

/**
 * The `seconds` of a POST /.twin/clock/advance body: a JSON object with that one member.
 * Refusals, in this order: `body_too_large`, `invalid_json`, `field_unknown` (names every
 * unknown field, `param` the first); the value itself is checked by `TwinClock.advance`.
 */
export function parseAdvanceBody(body: Buffer | null): unknown {
  // null: a body too large to have been buffered at all.
  if (body === null || body.length > CLOCK_BODY_BYTES_MAX) {
    throw new ClockAdvanceError('body_too_large', `the body exceeds ${CLOCK_BODY_BYTES_MAX} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ClockAdvanceError('invalid_json', 'the body must be JSON: {"seconds": N}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ClockAdvanceError('invalid_json', 'the body must be a JSON object: {"seconds": N}');
  }
  const unknown = Object.keys(parsed).filter((name) => name !== 'seconds');
  if (unknown.length > 0) {
    const message = `unknown field(s) ${unknown.join(', ')}: POST /.twin/clock/advance takes only {"seconds": N}`;
    throw new ClockAdvanceError('field_unknown', message, unknown[0]);
  }
  return (parsed as { seconds?: unknown }).seconds;
}

export interface ClockReading {
  /** The twin's now, ISO 8601. */
  now: string;
  offset_ms: number;
}

export class TwinClock {
  /** One BigInt64 slot: the offset in ms (Atomics keep a read from seeing half a write). */
  readonly buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  private readonly offset = new BigInt64Array(this.buffer);

  /** `realNowMs` is the real clock; injected so tests control it. */
  constructor(private readonly realNowMs: () => number = Date.now) {}

  get offsetMs(): number {
    return Number(Atomics.load(this.offset, 0));
  }

  /** The twin's now, epoch ms: what `Date.now()` answers inside every function. */
  nowMs(): number {
    return this.realNowMs() + this.offsetMs;
  }

  reading(): ClockReading {
    return { now: new Date(this.nowMs()).toISOString(), offset_ms: this.offsetMs };
  }

  /**
   * Moves the clock forward by `seconds` (> 0, at most CLOCK_ADVANCE_SECONDS_MAX, rounded to the
   * millisecond). Refusals, in this order: `parameter_invalid`, `clock_offset_too_large`.
   */
  advance(seconds: unknown): ClockReading {
    const inRange = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0;
    if (!inRange || seconds > CLOCK_ADVANCE_SECONDS_MAX) {
      const shown = seconds === undefined ? 'missing' : JSON.stringify(seconds);
      const range = `a number of seconds greater than 0 and at most ${CLOCK_ADVANCE_SECONDS_MAX} (400 days)`;
      throw new ClockAdvanceError('parameter_invalid', `seconds must be ${range}; got ${shown}`, 'seconds');
    }
    const stepMs = Math.round(seconds * MS_PER_SECOND);
    if (stepMs === 0) {
      throw new ClockAdvanceError('parameter_invalid', `seconds must be at least 0.001; got ${seconds}`, 'seconds');
    }
    const offsetMs = this.offsetMs + stepMs;
    if (offsetMs > CLOCK_OFFSET_SECONDS_MAX * MS_PER_SECOND) {
      const ahead = `it is ${this.offsetMs / MS_PER_SECOND} s ahead`;
      const message = `the twin clock may run at most ${CLOCK_OFFSET_SECONDS_MAX} s ahead; ${ahead}`;
      throw new ClockAdvanceError('clock_offset_too_large', `${message}: POST /.twin/clock/reset first`, 'seconds');
    }
    Atomics.store(this.offset, 0, BigInt(offsetMs));
    return this.reading();
  }

  /** Back to real time. */
  reset(): ClockReading {
    Atomics.store(this.offset, 0, 0n);
    return this.reading();
  }
}
