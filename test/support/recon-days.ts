import type { DuckDBConnection } from '@duckdb/node-api';
import { PAYOUT_STATUSES } from '../../functions/domain/lifecycle';
import { statusesAgree } from '../../functions/domain/reconciliation/classify';
import { PROVIDER_STATUSES } from '../../functions/domain/reconciliation/report';

// Generated reconciliation days as rows of the engine's tables (recon-queries.ts's CREATE_TABLES),
// for the portable-SQL and day-partition tests: duplicate payout rows (the last loaded wins),
// references shared by two payouts, reference-less payouts, provider rows found only by the echoed
// id, duplicate claims, orphans, other-day payouts (looked up or not), ledger sums of zero, and
// currencies of exponent 0, 2 and 3.

const CURRENCIES = ['JPY', 'USD', 'EUR', 'BHD', 'JOD'] as const;
export const PAYOUTS_PER_DAY = 300;

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

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export interface Day {
  payouts: Row[];
  lookedUp: Row[];
  ledger: Row[];
  report: Row[];
}

export function generateDay(seed: number): Day {
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
    // From the id, not the generator: the seeded days stay the days they were.
    payout_batch_id: id.endsWith('3') ? 'bat_3' : null,
    sender_batch_id: id.endsWith('3') ? 'payroll-3' : null,
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
      currency: chance(0.95) ? (p.currency as string) : pick(CURRENCIES),
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

export const sqlValue = (v: Value): string =>
  v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v);

export async function insert(connection: DuckDBConnection, table: string, rows: readonly Row[], seq = false) {
  if (rows.length === 0) return;
  const tuples = rows.map((row, i) => `(${[...(seq ? [i] : []), ...Object.values(row)].map(sqlValue).join(', ')})`);
  await connection.run(`INSERT INTO ${table} VALUES ${tuples.join(', ')}`);
}
