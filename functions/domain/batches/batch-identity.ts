import { createHash } from 'node:crypto';
import { canonicalSha256 } from '../audit-canonical';
import { BATCH_ID_WINDOW_MS } from './batch-limits';

/**
 * Identities of a batch and of its items (issue 13). An item's identity is (tenant,
 * sender_batch_id, sender_item_id), for ever: it maps to ONE payout id and ONE idempotency key,
 * computed, not stored, so a redelivered fan-out chunk, a resubmission after the 30-day window and a
 * retry all name the same payout, and the payout's never-expiring key lock refuses a second one.
 */

/** Crockford base32, as a ULID writes it: the payout id keeps the `po_` + 26-character shape. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PAYOUT_ID_CHARS = 26;

export interface BatchItemIdentity {
  readonly tenantId: string;
  readonly senderBatchId: string;
  readonly senderItemId: string;
}

/**
 * The payout id of an item: `po_` + 26 Crockford characters of SHA-256 over the identity (130
 * bits, collisions no practical concern). The first character is kept under `8`, so the id is also
 * a well-formed ULID (a ULID's first character holds 3 bits) and passes every payout id check.
 */
export function batchItemPayoutId(identity: BatchItemIdentity): string {
  const digest = createHash('sha256')
    .update(`${identity.tenantId}\u0000${identity.senderBatchId}\u0000${identity.senderItemId}`, 'utf8')
    .digest();
  let chars = '';
  for (let i = 0; i < PAYOUT_ID_CHARS; i++) {
    const value = digest[i]! % 32;
    chars += CROCKFORD[i === 0 ? value % 8 : value];
  }
  return `po_${chars}`;
}

/**
 * The item payout's idempotency key, under the same never-expiring (tenant, key) lock as POST
 * /payouts. A client could send this text as an Idempotency-Key; the fan-out checks that the lock
 * holds the item's own payout id, so such a collision rejects the item, never pays it twice.
 */
export function batchItemIdempotencyKey(identity: Omit<BatchItemIdentity, 'tenantId'>): string {
  return `batch/${identity.senderBatchId}/${identity.senderItemId}`;
}

/** What a batch's content is: its items, each as the client sent it (validated, normalised). */
export interface BatchContentItem {
  readonly sender_item_id: string;
  readonly [field: string]: unknown;
}

/**
 * The canonical content hash of a batch (RFC 8785 JSON, SHA-256). Items are sorted by
 * `sender_item_id`, their identity: the same items in another order are the same batch, while any
 * changed field of any item is different content (409 batch_id_reused).
 */
export function batchContentHash(items: readonly BatchContentItem[]): string {
  const sorted = [...items].sort((a, b) =>
    a.sender_item_id < b.sender_item_id ? -1 : a.sender_item_id > b.sender_item_id ? 1 : 0,
  );
  return canonicalSha256(sorted);
}

/** Until when a batch accepted at `acceptedAt` holds its `sender_batch_id` (exclusive). */
export function batchIdWindowEndsAt(acceptedAtIso: string): string {
  return new Date(Date.parse(acceptedAtIso) + BATCH_ID_WINDOW_MS).toISOString();
}

/** True while `now` is inside the window of the batch accepted at `acceptedAt`. */
export function isWithinBatchIdWindow(acceptedAtIso: string, nowIso: string): boolean {
  return Date.parse(nowIso) < Date.parse(batchIdWindowEndsAt(acceptedAtIso));
}
