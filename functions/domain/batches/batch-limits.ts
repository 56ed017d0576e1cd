/**
 * The batch rules' limits (issue 13), named with their units. PayPal Payouts is the documented
 * anchor: up to 15,000 items per call, and a `sender_batch_id` reused within 30 days is refused.
 */

/** Items in one batch, inclusive; 0 and BATCH_ITEMS_MAX + 1 reject the whole batch. */
export const BATCH_ITEMS_MAX = 15_000;

/** A `sender_batch_id` names one batch of its tenant for this many days after acceptance. */
export const BATCH_ID_WINDOW_DAYS = 30;

const MS_PER_DAY = 86_400_000;
export const BATCH_ID_WINDOW_MS = BATCH_ID_WINDOW_DAYS * MS_PER_DAY;

/**
 * Client ids of a batch and of its items: letters, digits, `_`, `.` and `-` only. No `/`, so the
 * item identity `<sender_batch_id>/<sender_item_id>` reads back unambiguously (batch-identity.ts).
 */
export const SENDER_BATCH_ID_CHARS_MAX = 100;
export const SENDER_ITEM_ID_CHARS_MAX = 63;
export const SENDER_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Item indices an error names at most; the count says how many more there were. */
export const BATCH_ERROR_INDICES_MAX = 100;
