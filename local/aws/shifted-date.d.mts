// Types of shifted-date.mjs (plain JavaScript, loaded by the Lambda worker without a TS loader).

/** A subclass of `OriginalDate` whose current time is `OriginalDate.now() + offsetMs()`. */
export function shiftedDateClass(OriginalDate: DateConstructor, offsetMs: () => number): DateConstructor;

/** Reads the offset (ms) stored in the first BigInt64 slot of `buffer`. */
export function sharedOffsetReader(buffer: SharedArrayBuffer): () => number;

/** Replaces `globalThis.Date`; answers the real clock (epoch ms) for the runtime's own use. */
export function installShiftedDate(buffer: SharedArrayBuffer): () => number;
