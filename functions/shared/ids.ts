/**
 * Id formats both the code that mints an id and the code that reads one back must agree on.
 * Payout ids are `po_` + a ULID (Crockford base32, 26 characters), minted by create-payout.
 * A value outside the shape names no payout, so it is answered like an unknown one (404 on a
 * path, no match in a lookup) without a read: docs/payouts.md.
 */
export const PAYOUT_ID_PREFIX = 'po_';
export const PAYOUT_ID_PATTERN = /^po_[0-9A-HJKMNP-TV-Z]{26}$/;

export const isPayoutId = (value: unknown): value is string =>
  typeof value === 'string' && PAYOUT_ID_PATTERN.test(value);

/** Correction ids (manual corrections by operators): `cor_` + a ULID, minted by ops-corrections. */
export const CORRECTION_ID_PREFIX = 'cor_';
export const CORRECTION_ID_PATTERN = /^cor_[0-9A-HJKMNP-TV-Z]{26}$/;
