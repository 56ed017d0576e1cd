/**
 * manifest.json, written last: a reader that finds it knows every file it lists is complete. It
 * names the inputs (the raw report's S3 key and ETag) so a run can be traced to its evidence, and
 * holds no wall-clock time, so the same inputs give the same bytes.
 */
export const GENERATOR = 'payout-platform/reconcile';
/**
 * Bumped when the export format changes; finance's loaders key on it. 1.1.0: the `mismatches`
 * column at the end of reconciliation.csv and exceptions.csv (an addition; nothing else moved).
 * 1.2.0: audit.jsonl, the day's audit trail, and its `audit_trail` input (additions).
 * 1.3.0: the `failure_source` column at the end of reconciliation.csv (an addition; nothing else moved).
 * 1.4.0: batches (issue 13): `payout_batch_id` and `sender_batch_id` at the end of reconciliation.csv,
 * the `batch_item_status_mismatch` category, and summary.json's `batches` (additions; nothing else moved).
 * 1.5.0: held-payouts.csv (issue 15), the payouts held before funds move at the end of the day, and its
 * `holds_queue` input (additions; the other files' bytes do not move).
 * 1.6.0: a PayPal row's `provider_reference` is the item's `transaction_id` once the payout knows it (the id
 * PayPal's Transaction Detail Report prints), not its `payout_item_id`; no column moved, other providers' bytes
 * unchanged.
 */
export const GENERATOR_VERSION = '1.6.0';

export interface ManifestFile {
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly contentType: string;
}
export interface ManifestInput {
  readonly role: 'provider_settlement_report' | 'payouts' | 'ledger_postings' | 'audit_trail' | 'holds_queue';
  readonly source: string;
  readonly key?: string;
  readonly etag?: string;
  readonly rows: number;
}

export function manifestJson(args: {
  date: string;
  provider: string;
  files: readonly ManifestFile[];
  inputs: readonly ManifestInput[];
}): string {
  const body = {
    generator: GENERATOR,
    generator_version: GENERATOR_VERSION,
    date: args.date,
    provider: args.provider,
    files: [...args.files]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => ({ name: f.name, rows: f.rows, bytes: f.bytes, sha256: f.sha256, content_type: f.contentType })),
    inputs: args.inputs.map((i) => ({
      role: i.role,
      source: i.source,
      ...(i.key === undefined ? {} : { key: i.key }),
      ...(i.etag === undefined ? {} : { etag: i.etag }),
      rows: i.rows,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
