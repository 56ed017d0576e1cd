import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECON_MACROS } from '../../../../functions/domain/reconciliation/recon-sql';
import {
  ADD_LOOKED_UP,
  CLASSIFY,
  CREATE_TABLES,
  RESOLVE,
  UNKNOWN_IDS,
} from '../../../../functions/adapters/reconciliation/recon-queries';
import {
  DIALECT,
  classificationInputsSelect,
  orphansSelect,
  resolvedSelect,
  tableName,
  unknownIdsSelect,
} from '../../../../functions/domain/reconciliation/portable-sql';
import { PAYOUTS_PER_DAY, generateDay, insert } from '../../../support/recon-days';

// The portable SQL (portable-sql.ts: what Athena would run) on DuckDB, beside the Lambda engine's
// own statements (recon-queries.ts) over the same generated day: every provider row must resolve
// to the same payout by the same path, and every payout get the same ledger fold, claim count,
// first claim and clean verdict. Days are generated from seeds (test/support/recon-days.ts).

const SEEDS = [1, 2, 3, 4, 5, 6];

const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRowsJS().map((r) => r.map(plain));
}

const TABLES = {
  payouts: tableName('payouts_in'),
  lookedUp: tableName('looked_up'),
  ledger: tableName('ledger'),
  report: tableName('report'),
};

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  connection = await instance.connect();
  for (const sql of RECON_MACROS) await connection.run(sql);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** Loads a day into the engine's tables, runs the portable SQL, then the engine's own statements. */
async function runBoth(seed: number): Promise<void> {
  for (const t of ['payouts_in', 'looked_up', 'ledger', 'report', 'js_lines', 'payouts', 'resolved'])
    await connection.run(`DROP TABLE IF EXISTS ${t}`);
  for (const t of ['cand', 'claims', 'clean_lines', 'orphans']) await connection.run(`DROP TABLE IF EXISTS ${t}`);
  for (const t of ['p_resolved', 'p_unknown', 'p_inputs', 'p_orphans'])
    await connection.run(`DROP TABLE IF EXISTS temp.${t}`);
  for (const sql of CREATE_TABLES) await connection.run(sql);
  const day = generateDay(seed);
  await insert(connection, 'payouts_in', day.payouts, true);
  await insert(connection, 'looked_up', day.lookedUp);
  await insert(connection, 'ledger', day.ledger);
  await insert(connection, 'report', day.report);
  const duck = DIALECT.duckdb;
  await connection.run(duck.materialize('p_resolved', resolvedSelect(TABLES), ''));
  await connection.run(duck.materialize('p_unknown', unknownIdsSelect(TABLES), ''));
  await connection.run(duck.materialize('p_inputs', classificationInputsSelect(TABLES), ''));
  await connection.run(duck.materialize('p_orphans', orphansSelect(TABLES), ''));
  for (const sql of RESOLVE) await connection.run(sql);
  await connection.run(`CREATE TABLE engine_unknown AS ${UNKNOWN_IDS}`);
  await connection.run(ADD_LOOKED_UP);
  for (const sql of CLASSIFY(4)) await connection.run(sql);
}

describe.each(SEEDS)('portable SQL agrees with the engine on generated day %i', (seed) => {
  beforeAll(async () => {
    await connection.run('DROP TABLE IF EXISTS engine_unknown');
    await runBoth(seed);
  });

  it('resolves every provider row to the same payout, by the same path', async () => {
    const ours = await rows(connection, 'SELECT line, resolved_id, by_ref FROM p_resolved ORDER BY line');
    const engine = await rows(connection, 'SELECT line, resolved_id, by_ref FROM resolved ORDER BY line');
    expect(ours.length).toBeGreaterThan(PAYOUTS_PER_DAY / 2);
    expect(ours).toEqual(engine);
    // The day exercises both paths and the orphans.
    expect(new Set(ours.map((r) => r[2]))).toEqual(new Set([true, false]));
  });

  it('asks for the same other-day payouts', async () => {
    const ours = await rows(connection, 'SELECT resolved_id FROM p_unknown ORDER BY 1');
    expect(ours.length).toBe(20);
    expect(ours).toEqual(await rows(connection, 'SELECT resolved_id FROM engine_unknown ORDER BY 1'));
  });

  it('gives every payout the same ledger fold, claims and first claim', async () => {
    const ours = await rows(
      connection,
      `SELECT payout_id, looked_up, ledger_amount, ledger_fee FROM p_inputs ORDER BY payout_id`,
    );
    const engine = await rows(
      connection,
      `SELECT payout_id, looked_up, ledger_amount, ledger_fee FROM cand ORDER BY payout_id`,
    );
    expect(ours).toEqual(engine);
    const claims = `SELECT payout_id, claims, first_line, by_ref FROM p_inputs WHERE claims > 0 ORDER BY payout_id`;
    const engineClaims = `SELECT c.resolved_id, c.claims, c.first_line, c.by_ref FROM claims c
      JOIN cand o ON o.payout_id = c.resolved_id ORDER BY 1`;
    expect(await rows(connection, claims)).toEqual(await rows(connection, engineClaims));
  });

  it('calls the same payouts clean, with the same summary fee', async () => {
    const ours = await rows(
      connection,
      `SELECT payout_id, first_line, by_ref, summary_fee FROM p_inputs WHERE clean ORDER BY payout_id`,
    );
    const engine = await rows(
      connection,
      `SELECT payout_id, first_line, by_ref, summary_fee FROM clean_lines ORDER BY payout_id`,
    );
    expect(ours.length).toBeGreaterThan(10);
    expect(ours).toEqual(engine);
  });

  it('finds the same orphans', async () => {
    const ours = await rows(connection, 'SELECT line FROM p_orphans ORDER BY line');
    expect(ours.length).toBeGreaterThanOrEqual(30);
    expect(ours).toEqual(await rows(connection, 'SELECT line FROM orphans ORDER BY line'));
  });
});

describe('the portable dialect', () => {
  // What portable-sql.ts says it avoids, checked on the text: DuckDB-only syntax, the engine's
  // macros, string functions Trino names otherwise, and `/` (integer division in Trino only).
  const DUCKDB_ONLY: Record<string, RegExp> = {
    QUALIFY: /\bQUALIFY\b/i,
    EXCLUDE: /\bEXCLUDE\b/i,
    'ANTI JOIN': /\bANTI\s+JOIN\b/i,
    ':: casts': /::/,
    division: /\/(?![*])/,
    'recon_ macros': /\brecon_\w+\s*\(/i,
    'DuckDB string functions': /\b(contains|left|regexp_full_match|list_\w+|split)\s*\(/i,
    'GROUP BY ALL': /\bGROUP\s+BY\s+ALL\b/i,
  };
  const statements = {
    resolvedSelect: resolvedSelect(TABLES),
    unknownIdsSelect: unknownIdsSelect(TABLES),
    classificationInputsSelect: classificationInputsSelect(TABLES),
    orphansSelect: orphansSelect(TABLES),
  };
  it.each(Object.entries(statements))('%s uses none of the DuckDB-only constructs', (_name, sql) => {
    // String literals ('paid/paid' in the status lists) are data, not syntax.
    const code = sql.replace(/'(?:[^']|'')*'/g, "''");
    for (const [construct, pattern] of Object.entries(DUCKDB_ONLY)) expect(code, construct).not.toMatch(pattern);
  });
});

describe('the per-dialect table', () => {
  it('materializes a SELECT on DuckDB as a temporary table', async () => {
    await connection.run(DIALECT.duckdb.materialize('dialect_probe', 'SELECT 1 AS one', ''));
    expect(await rows(connection, 'SELECT one FROM temp.dialect_probe')).toEqual([[1]]);
  });

  it('UNLOADs on Athena as Parquet at the given location (files only: no Glue table to write)', () => {
    expect(DIALECT.athena.materialize('ignored', 'SELECT 1', "s3://b/athena-results/it's/")).toBe(
      `UNLOAD (SELECT 1) TO 's3://b/athena-results/it''s/' WITH (format = 'PARQUET', compression = 'ZSTD')`,
    );
  });
});
