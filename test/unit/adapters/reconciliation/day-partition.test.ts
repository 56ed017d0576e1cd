import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_TABLES } from '../../../../functions/adapters/reconciliation/recon-queries';
import { writeDayPartitions } from '../../../../functions/adapters/reconciliation/day-partition';
import {
  classificationInputsSelect,
  orphansSelect,
  resolvedSelect,
  tableName,
  type PortableTables,
} from '../../../../functions/domain/reconciliation/portable-sql';
import { RECON_LAKE_TABLES, RECON_LAKE_TABLE_NAMES } from '../../../../functions/shared/recon-lake';
import { generateDay, insert } from '../../../support/recon-days';

// The day partition is the shared format: what the Lambda loaded, written as Parquet under
// recon/<table>/day=<date>/, read back the way Athena's Glue tables read it (hive partitions, the
// day a column), gives the portable SQL the same answers as the tables it was written from.

const DATE = '2026-11-24';
const OTHER_DATE = '2026-11-23';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
const root = mkdtempSync(join(tmpdir(), 'recon-lake-'));

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  connection = await instance.connect();
  for (const sql of CREATE_TABLES) await connection.run(sql);
  const sources = { payouts: 'payouts_in', looked_up: 'looked_up', ledger: 'ledger', report: 'report' };
  // Another day first, in the same tree: the day's reads must not see it.
  const other = generateDay(99);
  await insert(connection, 'payouts_in', other.payouts, true);
  await insert(connection, 'looked_up', other.lookedUp);
  await insert(connection, 'ledger', other.ledger);
  await insert(connection, 'report', other.report);
  await writeDayPartitions(connection, sources, OTHER_DATE, root);
  for (const table of ['payouts_in', 'looked_up', 'ledger', 'report']) await connection.run(`DELETE FROM ${table}`);
  const day = generateDay(3);
  await insert(connection, 'payouts_in', day.payouts, true);
  await insert(connection, 'looked_up', day.lookedUp);
  await insert(connection, 'ledger', day.ledger);
  await insert(connection, 'report', day.report);
  expect(await writeDayPartitions(connection, sources, DATE, root)).toEqual(
    RECON_LAKE_TABLE_NAMES.map((t) => `recon/${t}/day=${DATE}/part-0.parquet`),
  );
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  rmSync(root, { recursive: true, force: true });
});

const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS().map((r) => r.map(plain));

/** A table's day as Athena sees it: every partition under the table, filtered on the day column. */
const fromFiles = (table: string): string =>
  `(SELECT * FROM read_parquet('${join(root, 'recon', table)}/*/*.parquet', hive_partitioning = true)
    WHERE day = '${DATE}')`;

const FILES: PortableTables = {
  payouts: fromFiles('payouts'),
  lookedUp: fromFiles('looked_up'),
  ledger: fromFiles('ledger'),
  report: fromFiles('report'),
};
const TABLES: PortableTables = {
  payouts: tableName('payouts_in'),
  lookedUp: tableName('looked_up'),
  ledger: tableName('ledger'),
  report: tableName('report'),
};

describe('the day partition', () => {
  it("holds exactly the layout's columns, with its types", async () => {
    for (const table of RECON_LAKE_TABLE_NAMES) {
      const described = await rows(
        `DESCRIBE SELECT * FROM read_parquet('${join(root, 'recon', table, `day=${DATE}`, 'part-0.parquet')}', hive_partitioning = false)`,
      );
      const type = { string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN' } as const;
      expect(described.map((d) => [d[0], d[1]])).toEqual(RECON_LAKE_TABLES[table].map((c) => [c.name, type[c.type]]));
    }
  });

  it.each([
    ['resolution', (t: PortableTables) => `${resolvedSelect(t)} ORDER BY line`],
    ['classification inputs', (t: PortableTables) => `${classificationInputsSelect(t)} ORDER BY payout_id`],
    ['orphans', (t: PortableTables) => `${orphansSelect(t)} ORDER BY line`],
  ])('gives the portable SQL the same %s as the tables it was written from', async (_name, select) => {
    const fromTables = await rows(select(TABLES));
    expect(fromTables.length).toBeGreaterThan(20);
    expect(await rows(select(FILES))).toEqual(fromTables);
  });

  it('refuses a date that is not a day (it becomes a key prefix)', async () => {
    const sources = { payouts: 'payouts_in', looked_up: 'looked_up', ledger: 'ledger', report: 'report' };
    await expect(writeDayPartitions(connection, sources, '2026-11-24/../x', root)).rejects.toThrow(/not a day/);
  });
});
