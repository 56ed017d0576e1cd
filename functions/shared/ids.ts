import { ulid } from 'ulidx';

/**
 * Id formats both the code that mints an id and the code that reads one back must agree on, in one
 * file: the generator and the pattern that validates it.
 * Payout ids are `po_` + a ULID (Crockford base32, 26 characters), minted by create-payout.
 * A value outside the shape names no payout, so it is answered like an unknown one (404 on a
 * path, no match in a lookup) without a read: docs/payouts.md.
 */
export const PAYOUT_ID_PREFIX = 'po_';
/** Crockford base32 as a ULID writes it: no I, L, O or U. */
const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';
export const PAYOUT_ID_PATTERN = new RegExp(`^${PAYOUT_ID_PREFIX}${ULID_PATTERN}$`);

/**
 * Exception ids are `exc_` + the first 32 hex digits of the SHA-256 of the exception's dedup key
 * (domain/exceptions.ts `exceptionIdOf`); any other value names no exception (404 without a read).
 */
export const EXCEPTION_ID_PATTERN = /^exc_[0-9a-f]{32}$/;

export const isPayoutId = (value: unknown): value is string =>
  typeof value === 'string' && PAYOUT_ID_PATTERN.test(value);

/** Reversal request ids are `rev_` + a ULID, minted by payout-actions when a reversal is requested. */
export const REVERSAL_ID_PREFIX = 'rev_';
export const REVERSAL_ID_PATTERN = /^rev_[0-9A-HJKMNP-TV-Z]{26}$/;

/** A new payout id; create-payout stores it before the provider ever sees the payout (DESIGN §5). */
export function newPayoutId(): string {
  return `${PAYOUT_ID_PREFIX}${ulid()}`;
}

/** Correction ids (manual corrections by operators): `cor_` + a ULID, minted by ops-corrections. */
export const CORRECTION_ID_PREFIX = 'cor_';
export const CORRECTION_ID_PATTERN = new RegExp(`^${CORRECTION_ID_PREFIX}${ULID_PATTERN}$`);

/** Batch ids (issue 13): `bat_` + a ULID, minted by POST /batches before anything is written. */
export const BATCH_ID_PREFIX = 'bat_';
export const BATCH_ID_PATTERN = new RegExp(`^${BATCH_ID_PREFIX}${ULID_PATTERN}$`);
export const newBatchId = (): string => `${BATCH_ID_PREFIX}${ulid()}`;
