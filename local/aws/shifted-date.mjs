// The twin's clock inside a Lambda worker: a Date whose "now" is the real time plus the twin's
// offset. Only the readings of the current time move — `Date.now()`, `new Date()` and `Date()` —
// so a handler sees time that moves on without waiting (drills: a day that has ended, an approval
// that expired), while every date it builds from a value (`new Date(ms)`, `Date.UTC`, `Date.parse`)
// means what it means on AWS. Plain JavaScript: the worker runs without a TypeScript loader.

/**
 * A subclass of `OriginalDate` whose current time is `OriginalDate.now() + offsetMs()`.
 * `offsetMs` is read on every reading, so a change reaches a warm worker at once.
 */
export function shiftedDateClass(OriginalDate, offsetMs) {
  const nowMs = () => OriginalDate.now() + offsetMs();

  class ShiftedDate extends OriginalDate {
    constructor(...args) {
      // Only the no-argument form reads the clock; `new Date(undefined)` stays an Invalid Date.
      if (args.length === 0) super(nowMs());
      else super(...args);
    }

    static now() {
      return nowMs();
    }

    // Dates made before the swap, or by Node's internals (fs.Stats, which use the original Date),
    // are still Dates: `instanceof Date` is about the value, not about which class built it.
    // A subclass of ours keeps the ordinary rule.
    static [Symbol.hasInstance](value) {
      if (this === ShiftedDate || this === shifted) return value instanceof OriginalDate;
      return Function.prototype[Symbol.hasInstance].call(this, value);
    }
  }
  Object.defineProperty(ShiftedDate, 'name', { value: OriginalDate.name });
  Object.defineProperty(ShiftedDate, 'length', { value: OriginalDate.length });

  // `Date()` called without `new` answers the current time as a string; a class cannot be called,
  // so a Proxy answers the call and forwards everything else (construct, statics, subclassing).
  const shifted = new Proxy(ShiftedDate, {
    apply: () => new ShiftedDate().toString(),
  });
  Object.defineProperty(ShiftedDate.prototype, 'constructor', { value: shifted, writable: true, configurable: true });
  return shifted;
}

/** Reads the offset, in ms, that the twin's runtime shares with every worker (lambda-runtime.ts). */
export function sharedOffsetReader(buffer) {
  const view = new BigInt64Array(buffer);
  return () => Number(Atomics.load(view, 0));
}

/** Replaces `globalThis.Date` with the shifted class; answers the real clock for the runtime's own use. */
export function installShiftedDate(buffer) {
  const OriginalDate = globalThis.Date;
  const realNowMs = OriginalDate.now.bind(OriginalDate);
  globalThis.Date = shiftedDateClass(OriginalDate, sharedOffsetReader(buffer));
  return realNowMs;
}
