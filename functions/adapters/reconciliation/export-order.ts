/**
 * The row order of reconciliation.csv and exceptions.csv: by bucket (FNV-1a of the row's payout id,
 * else `ref:<provider reference>`, modulo the bucket count), then by key in UTF-16 code-unit order.
 *
 * Why buckets survive the move to DuckDB: finance and the drill compare exports across runs by
 * SHA-256, and the exports were always written in this order; keeping it keeps every earlier run's
 * export byte-identical to a re-run. Buckets also bound what the writer holds at once (one bucket's
 * rows) and batch the exception writes and `onMatched` calls per bucket.
 */
export const BUCKET_COUNT_DEFAULT = 256;

/** FNV-1a, 32 bit, over UTF-16 code units: stable across runs and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function bucketOf(key: string, count: number): number {
  return fnv1a(key) % count;
}

/** The bucket of a provider row no payout claims: its echoed payout id, else its reference. */
export function orphanBucketKey(payoutId: string | undefined, providerReference: string): string {
  return payoutId === undefined || payoutId === '' ? `ref:${providerReference}` : payoutId;
}

/** The sort key of a provider row no payout claims, within its bucket. */
export function orphanSortKey(payoutId: string | undefined, providerReference: string, line: number): string {
  return `${payoutId ?? ''}\u0000${providerReference}\u0000${String(line).padStart(12, '0')}`;
}

/** Code-unit order, not localeCompare: the same on every machine and locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
