import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYOUT_STATUSES } from '../../../../functions/domain/lifecycle';
import { statusesAgree } from '../../../../functions/domain/reconciliation/classify';
import { PROVIDER_STATUSES } from '../../../../functions/domain/reconciliation/report';
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

// The portable SQL (portable-sql.ts: what Athena would run) on DuckDB, beside the Lambda engine's
// own statements (recon-queries.ts) over the same generated day: every provider row must resolve
// to the same payout by the same path, and every payout get the same ledger fold, claim count,
// first claim and clean verdict. Days are generated from seeds: duplicate payout rows (the last
// loaded wins), references shared by two payouts, reference-less payouts, provider rows found only
// by the echoed id, duplicate claims, orphans, other-day payouts (looked up or not), ledger sums of
// zero, and currencies of exponent 0, 2 and 3.

const CURRENCIES = ['JPY', 'USD', 'EUR', 'BHD', 'JOD'] as const;
const SEEDS = [1, 2, 3, 4, 5, 6];
const PAYOUTS_PER_DAY = 300;

/** mulberry32: a small seeded generator, so a failing seed replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Value = string | number | boolean | null;
type Row = Record<string, Value>;

interface Day {
  payouts: Row[];
  lookedUp: Row[];
  ledger: Row[];
  report: Row[];
}

function generateDay(seed: number): Day {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const day: Day = { payouts: [], lookedUp: [], ledger: [], report: [] };
  const payoutRow = (id: string, ref: string | null): Row => ({
    payout_id: id,
    idempotency_key: `key-${id}`,
    batch_id: chance(0.5) ? 'batch_1' : null,
    provider: 'sandbox',
    provider_reference: ref,
    status: pick(PAYOUT_STATUSES),
    amount_minor: 1 + Math.floor(rnd() * 1_000_000),
    fee_minor: chance(0.9) ? Math.floor(rnd() * 300) : null,
    currency: pick(CURRENCIES),
    created_at: '2026-11-24T10:00:00.000Z',
    last_event_at: '2026-11-24T10:05:00.000Z',
    ledger_amount_minor: chance(0.1) ? Math.floor(rnd() * 1_000_000) : null,
    ledger_fee_minor: chance(0.1) ? Math.floor(rnd() * 300) : null,
    status_reason: chance(0.2) ? 'account_closed: closed' : null,
    bucket: 0,
  });
  let line = 1;
  const claim = (p: Row, ref: string, echoed: string | null): void => {
    const agreeing = PROVIDER_STATUSES.filter((s) => statusesAgree(p.status as never, s));
    const status = agreeing.length > 0 && chance(0.8) ? pick(agreeing) : pick(PROVIDER_STATUSES);
    const gross = chance(0.85) ? (p.amount_minor as number) : (p.amount_minor as number) + 1;
    const fee = chance(0.85) ? ((p.fee_minor as number | null) ?? 0) : 7;
    day.report.push({
      line: (line += 1),
      provider_reference: ref,
      payout_id: echoed,
      batch_id: 'batch_1',
      batch_status: chance(0.3) ? pick(PROVIDER_STATUSES) : null,
      status,
      currency: chance(0.95) ? p.currency : pick(CURRENCIES),
      gross_minor: gross,
      fee_minor: fee,
      net_minor: gross - fee,
      created_at: '2026-11-24T10:00:00.000Z',
      settled_at: null,
      orphan_bucket: null,
      ok: true,
    });
  };
  for (let i = 0; i < PAYOUTS_PER_DAY; i += 1) {
    const id = `po_${seed}_${i}`;
    // 10% without a reference of ours; 3% sharing the previous payout's reference.
    const ref = chance(0.1) ? null : chance(0.03) && i > 0 ? `sbx_${seed}_${i - 1}` : `sbx_${seed}_${i}`;
    const p = payoutRow(id, ref);
    day.payouts.push(p);
    // 5% loaded twice: the second, different, row is the one that counts.
    if (chance(0.05)) day.payouts.push({ ...payoutRow(id, chance(0.5) ? ref : `sbx_re_${seed}_${i}`) });
    if (chance(0.3)) {
      const sent = chance(0.2) ? 0 : (p.amount_minor as number);
      day.ledger.push({ payout_id: id, sent_minor: sent, fee_minor: chance(0.5) ? 0 : 25 });
      if (chance(0.3)) day.ledger.push({ payout_id: id, sent_minor: -sent, fee_minor: 0 });
    }
    if (chance(0.12)) continue; // never reported
    const byRef = ref !== null && chance(0.8);
    claim(p, byRef ? ref : `sbx_unknown_${seed}_${i}`, byRef && chance(0.3) ? null : id);
    if (chance(0.05)) claim(p, ref ?? `sbx_dup_${seed}_${i}`, id); // a duplicate claim
  }
  for (let k = 0; k < 20; k += 1) {
    const oldId = `po_old_${seed}_${k}`;
    const old = payoutRow(oldId, `sbx_old_${seed}_${k}`);
    if (k % 2 === 0) day.lookedUp.push(old); // half the other-day ids are found by the lookup
    claim(old, `sbx_old_${seed}_${k}`, oldId);
    claim(old, `sbx_orphan_${seed}_${k}`, null); // names nobody: an orphan
  }
  // A lookup answer for an id the day holds already: the day's row wins.
  day.lookedUp.push(payoutRow(`po_${seed}_0`, 'sbx_shadow'));
  return day;
}

const sqlValue = (v: Value): string =>
  v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v);

async function insert(connection: DuckDBConnection, table: string, rows: readonly Row[], seq = false) {
  if (rows.length === 0) return;
  const tuples = rows.map((row, i) => `(${[...(seq ? [i] : []), ...Object.values(row)].map(sqlValue).join(', ')})`);
  await connection.run(`INSERT INTO ${table} VALUES ${tuples.join(', ')}`);
}

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

describe('the per-dialect table', () => {
  it('materializes a SELECT on DuckDB as a temporary table', async () => {
    await connection.run(DIALECT.duckdb.materialize('dialect_probe', 'SELECT 1 AS one', ''));
    expect(await rows(connection, 'SELECT one FROM temp.dialect_probe')).toEqual([[1]]);
  });

  it('writes an Athena CTAS as Parquet at the given location', () => {
    expect(DIALECT.athena.materialize('"recon"."run_1"', 'SELECT 1', "s3://b/recon/runs/it's/")).toBe(
      `CREATE TABLE "recon"."run_1" WITH (format = 'PARQUET', external_location = 's3://b/recon/runs/it''s/') AS SELECT 1`,
    );
  });
});
