/**
 * The reconciliation's day partitions in S3 (docs/reconciliation.md, "Past one Lambda"): the files
 * the Lambda writes with DuckDB's COPY and the Glue tables Athena reads, described once here so the
 * writer (functions/adapters/reconciliation/day-partition.ts) and the CDK tables
 * (lib/athena-reconciliation-construct.ts) cannot drift.
 *
 *   s3://<lake bucket>/recon/<table>/day=YYYY-MM-DD/part-0.parquet
 *
 * Parquet, not CSV: typed columns (no cast per query), compressed, and Athena reads only the
 * columns a query names, which is what its bytes-scanned price counts.
 */

/** The key prefix under which every table's partitions lie. */
export const RECON_LAKE_PREFIX = 'recon';
/** The partition column: the reconciliation day, as the run's date (YYYY-MM-DD). */
export const RECON_LAKE_DAY_COLUMN = 'day';
/** Where Athena writes its query results and UNLOAD output (expired by the bucket's lifecycle). */
export const RECON_ATHENA_RESULTS_PREFIX = 'athena-results';

/** Glue (Hive) column types the partitions use; DuckDB writes the matching Parquet types. */
export type LakeColumnType = 'string' | 'bigint' | 'int' | 'boolean';
export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
}

const PAYOUT_COLUMNS: readonly LakeColumn[] = [
  { name: 'payout_id', type: 'string' },
  { name: 'idempotency_key', type: 'string' },
  { name: 'batch_id', type: 'string' },
  { name: 'provider', type: 'string' },
  { name: 'provider_reference', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'amount_minor', type: 'bigint' },
  { name: 'fee_minor', type: 'bigint' },
  { name: 'currency', type: 'string' },
  { name: 'created_at', type: 'string' },
  { name: 'last_event_at', type: 'string' },
  { name: 'ledger_amount_minor', type: 'bigint' },
  { name: 'ledger_fee_minor', type: 'bigint' },
  { name: 'status_reason', type: 'string' },
  { name: 'payout_batch_id', type: 'string' },
  { name: 'sender_batch_id', type: 'string' },
];

/**
 * The tables, named as portable-sql.ts's PortableTables reads them. `payouts` carries `seq`, the
 * load order, because the last payout loaded for an id or a reference wins.
 */
export const RECON_LAKE_TABLES = {
  payouts: [{ name: 'seq', type: 'bigint' }, ...PAYOUT_COLUMNS],
  looked_up: PAYOUT_COLUMNS,
  ledger: [
    { name: 'payout_id', type: 'string' },
    { name: 'sent_minor', type: 'bigint' },
    { name: 'fee_minor', type: 'bigint' },
  ],
  // The provider report as the Lambda typed and checked it (the raw file stays in the evidence bucket).
  report: [
    { name: 'line', type: 'int' },
    { name: 'provider_reference', type: 'string' },
    { name: 'payout_id', type: 'string' },
    { name: 'batch_id', type: 'string' },
    { name: 'batch_status', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'currency', type: 'string' },
    { name: 'gross_minor', type: 'bigint' },
    { name: 'fee_minor', type: 'bigint' },
    { name: 'net_minor', type: 'bigint' },
    { name: 'created_at', type: 'string' },
    { name: 'settled_at', type: 'string' },
  ],
} as const satisfies Record<string, readonly LakeColumn[]>;

export type ReconLakeTable = keyof typeof RECON_LAKE_TABLES;
export const RECON_LAKE_TABLE_NAMES = Object.keys(RECON_LAKE_TABLES) as ReconLakeTable[];

/** The key prefix of one table's partition for one day, with its trailing slash. */
export function reconLakeDayPrefix(table: ReconLakeTable, date: string): string {
  return `${RECON_LAKE_PREFIX}/${table}/${RECON_LAKE_DAY_COLUMN}=${date}/`;
}

/** The prefix above a table's partitions (its Glue location), with its trailing slash. */
export function reconLakeTablePrefix(table: ReconLakeTable): string {
  return `${RECON_LAKE_PREFIX}/${table}/`;
}
