import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  RECON_LAKE_TABLES,
  RECON_LAKE_TABLE_NAMES,
  reconLakeDayPrefix,
  type ReconLakeTable,
} from '../../shared/recon-lake';

/**
 * Writes one day's partitions (functions/shared/recon-lake.ts) from tables DuckDB already holds:
 * what the day reads loaded (payouts with their load order, looked-up payouts, ledger facts, the
 * typed report) becomes `<root>/recon/<table>/day=<date>/part-0.parquet`, the layout Athena's Glue
 * tables read. The caller uploads the tree under the lake bucket with the same keys.
 *
 * Only the layout's columns are written, in its order and with its types: the engine's own
 * columns (export bucket, fast-path verdict) are the Lambda's business, not the shared format's.
 */

/** One file per table and day: a day of tens of millions of rows is still a few hundred MB of Parquet. */
export const DAY_PARTITION_FILE_NAME = 'part-0.parquet';

const DUCKDB_TYPE = { string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN' } as const;

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The COPY of one table's day, from `source` (a DuckDB relation holding at least the layout's columns). */
export function copyDayPartitionSql(table: ReconLakeTable, source: string, path: string): string {
  const cells = RECON_LAKE_TABLES[table]
    .map((c) => `CAST(${identifier(c.name)} AS ${DUCKDB_TYPE[c.type]}) AS ${identifier(c.name)}`)
    .join(', ');
  return `COPY (SELECT ${cells} FROM ${source}) TO ${quoted(path)} (FORMAT parquet, COMPRESSION zstd)`;
}

/** Writes one table's partition for `date` under `root`; returns its file, relative to `root` (the S3 key). */
export async function writeDayPartition(
  connection: DuckDBConnection,
  table: ReconLakeTable,
  source: string,
  date: string,
  root: string,
): Promise<string> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`writeDayPartitions: not a day: '${date}'`);
  const key = `${reconLakeDayPrefix(table, date)}${DAY_PARTITION_FILE_NAME}`;
  mkdirSync(join(root, reconLakeDayPrefix(table, date)), { recursive: true });
  await connection.run(copyDayPartitionSql(table, source, join(root, key)));
  return key;
}

/** Writes every table's partition for `date` under `root`; returns the files, relative to `root` (the S3 keys). */
export async function writeDayPartitions(
  connection: DuckDBConnection,
  sources: Record<ReconLakeTable, string>,
  date: string,
  root: string,
): Promise<string[]> {
  const keys: string[] = [];
  for (const table of RECON_LAKE_TABLE_NAMES)
    keys.push(await writeDayPartition(connection, table, sources[table], date, root));
  return keys;
}
