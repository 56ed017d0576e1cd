import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPayout } from '../../../../functions/domain/reconciliation/classify';
import { reconciliationCsvLine } from '../../../../functions/domain/reconciliation/export-rows';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import { PAYOUT_STATUSES } from '../../../../functions/domain/lifecycle';
import { CURRENCY_EXPONENTS, formatDecimal, type CurrencyCode } from '../../../../functions/domain/money';
import {
  PROVIDER_STATUSES,
  parseDecimalMinor,
  type ReportRow,
} from '../../../../functions/domain/reconciliation/report';
import { CLEAN_LINE, CLEAN_MATCH, RECON_MACROS } from '../../../../functions/domain/reconciliation/recon-sql';
import { payout, rowFor } from '../../../support/reconciliation-fixtures';

// The shared SQL (recon-sql.ts) run on DuckDB against the domain, case by case: SQL may call a row
// "clean" (and write its line) exactly when classifyPayout finds nothing wrong with it, and the line
// it writes is reconciliationCsvLine's, byte for byte. Every payout status × provider status × batch
// status, under each way a single claim can differ.

type Case = { payout: ReconPayout; claim: ReportRow; byReference: boolean };

const VARIANTS: Record<string, (p: ReconPayout, r: ReportRow) => Case> = {
  agreeing: (p, r) => ({ payout: p, claim: r, byReference: true }),
  'gross differs': (p, r) => ({ payout: p, claim: { ...r, grossMinor: r.grossMinor + 1 }, byReference: true }),
  'currency differs': (p, r) => ({ payout: p, claim: { ...r, currency: 'EUR' }, byReference: true }),
  'fee differs': (p, r) => ({ payout: p, claim: { ...r, feeMinor: r.feeMinor + 1 }, byReference: true }),
  'our fee unknown': (p, r) => ({ payout: { ...p, feeMinor: undefined }, claim: r, byReference: true }),
  'ledger amount differs': (p, r) => ({
    payout: { ...p, ledgerAmountMinor: p.amountMinor - 1 },
    claim: r,
    byReference: true,
  }),
  'ledger amount agrees': (p, r) => ({
    payout: { ...p, ledgerAmountMinor: p.amountMinor },
    claim: r,
    byReference: true,
  }),
  'ledger fee differs': (p, r) => ({ payout: { ...p, ledgerFeeMinor: 99 }, claim: r, byReference: true }),
  'found by payout id': (p, r) => ({ payout: p, claim: { ...r, providerReference: 'sbx_other' }, byReference: false }),
  'no reference of ours': (p, r) => ({ payout: { ...p, providerReference: undefined }, claim: r, byReference: false }),
  'cells to quote and escape': (p, r) => ({
    payout: { ...p, idempotencyKey: '=sum(1,"2")', batchId: '-b,1', currency: 'JPY', amountMinor: 7, feeMinor: 0 },
    claim: { ...r, currency: 'JPY', grossMinor: 7, feeMinor: 0, netMinor: 7, providerReference: '@ref' },
    byReference: true,
  }),
  // failure_source of a clean failed or reversed row comes from its code, in SQL as in failure-source.ts.
  'a recipient failure code with its message': (p, r) => ({
    payout: { ...p, statusReason: 'account_closed: the account is closed' },
    claim: r,
    byReference: true,
  }),
  'a failure code nobody listed': (p, r) => ({
    payout: { ...p, statusReason: 'something_new' },
    claim: r,
    byReference: true,
  }),
  // An item of one of our batches: payout_batch_id and sender_batch_id, the latter to quote and escape.
  'a batch item': (p, r) => ({
    payout: { ...p, payoutBatchId: 'bat_01JDX', senderBatchId: '-payroll,"11"' },
    claim: r,
    byReference: true,
  }),
  'three-decimal currency, negative net': (p, r) => ({
    payout: { ...p, currency: 'BHD', amountMinor: 5, feeMinor: 9 },
    claim: { ...r, currency: 'BHD', grossMinor: 5, feeMinor: 9, netMinor: -4 },
    byReference: true,
  }),
};

function cases(): { name: string; c: Case }[] {
  const out: { name: string; c: Case }[] = [];
  for (const status of PAYOUT_STATUSES)
    for (const providerStatus of PROVIDER_STATUSES)
      for (const batchStatus of [undefined, ...PROVIDER_STATUSES])
        for (const [variant, make] of Object.entries(VARIANTS)) {
          const p = payout(out.length, { status, providerReference: `sbx_${out.length}` });
          const base = rowFor(p, { status: providerStatus, batchStatus, providerReference: p.providerReference! });
          const r: ReportRow = { ...base, line: out.length + 2 };
          const c = make(p, r);
          const claim = c.claim;
          const name = `${status} / ${providerStatus} / batch ${batchStatus ?? '-'} / ${variant}`;
          out.push({ name, c: { ...c, claim: { ...claim, netMinor: claim.grossMinor - claim.feeMinor } } });
        }
  return out;
}

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const sql of RECON_MACROS) await connection.run(sql);
  await connection.run(`CREATE TABLE o (case_no INTEGER, payout_id VARCHAR, idempotency_key VARCHAR, batch_id VARCHAR,
    provider VARCHAR, provider_reference VARCHAR, status VARCHAR, amount_minor BIGINT, fee_minor BIGINT,
    currency VARCHAR, created_at VARCHAR, last_event_at VARCHAR, ledger_amount BIGINT, ledger_fee BIGINT, exp INTEGER,
    status_reason VARCHAR, payout_batch_id VARCHAR, sender_batch_id VARCHAR)`);
  await connection.run(`CREATE TABLE r (case_no INTEGER, line INTEGER, provider_reference VARCHAR, payout_id VARCHAR,
    batch_id VARCHAR, batch_status VARCHAR, status VARCHAR, currency VARCHAR, gross_minor BIGINT, fee_minor BIGINT,
    net_minor BIGINT, created_at VARCHAR, settled_at VARCHAR, exp INTEGER)`);
  await connection.run(`CREATE TABLE c (case_no INTEGER, claims INTEGER, by_ref BOOLEAN)`);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function load(all: readonly Case[]): Promise<void> {
  const o = await connection.createAppender('o');
  const r = await connection.createAppender('r');
  const c = await connection.createAppender('c');
  const text = (a: typeof o, v: string | undefined) => (v === undefined ? a.appendNull() : a.appendVarchar(v));
  const int = (a: typeof o, v: number | undefined) => (v === undefined ? a.appendNull() : a.appendBigInt(BigInt(v)));
  all.forEach(({ payout: p, claim: q, byReference }, n) => {
    o.appendInteger(n);
    [p.payoutId, p.idempotencyKey, p.batchId, p.provider, p.providerReference, p.status].forEach((v) => text(o, v));
    int(o, p.amountMinor);
    int(o, p.feeMinor);
    [p.currency, p.createdAt, p.lastEventAt].forEach((v) => text(o, v));
    int(o, p.ledgerAmountMinor);
    int(o, p.ledgerFeeMinor);
    o.appendInteger(CURRENCY_EXPONENTS[p.currency]);
    text(o, p.statusReason);
    text(o, p.payoutBatchId);
    text(o, p.senderBatchId);
    o.endRow();
    r.appendInteger(n);
    r.appendInteger(q.line);
    [q.providerReference, q.payoutId, q.batchId, q.batchStatus, q.status, q.currency].forEach((v) => text(r, v));
    [q.grossMinor, q.feeMinor, q.netMinor].forEach((v) => int(r, v));
    [q.createdAt, q.settledAt].forEach((v) => text(r, v));
    r.appendInteger(CURRENCY_EXPONENTS[q.currency]);
    r.endRow();
    c.appendInteger(n);
    c.appendInteger(1);
    c.appendBoolean(byReference);
    c.endRow();
  });
  for (const a of [o, r, c]) a.closeSync();
}

describe('the shared reconciliation SQL agrees with the domain classifier', () => {
  it('calls a row clean exactly when classifyPayout finds nothing wrong, and writes its line byte for byte', async () => {
    const all = cases();
    await load(all.map((x) => x.c));
    const result = await connection.runAndReadAll(`SELECT o.case_no, ${CLEAN_MATCH} AS clean,
      CASE WHEN ${CLEAN_MATCH} THEN ${CLEAN_LINE} END AS line
      FROM o JOIN r ON r.case_no = o.case_no JOIN c ON c.case_no = o.case_no ORDER BY o.case_no`);
    const rows = result.getRowsJS() as [number, boolean, string | null][];
    expect(rows).toHaveLength(all.length);
    let clean = 0;
    for (const [n, sqlClean, line] of rows) {
      const { name, c } = all[n]!;
      const row = classifyPayout(c.payout, [c.claim], c.byReference ? 'provider_reference' : 'payout_id');
      const agreed = row.matchStatus === 'matched' && row.mismatches.length === 0;
      expect([name, sqlClean]).toEqual([name, agreed]);
      if (!agreed) continue;
      clean += 1;
      expect([name, `${line}\n`]).toEqual([name, reconciliationCsvLine(row, undefined)]);
    }
    // The table exercises both verdicts, and clean rows of every kind the variants make.
    expect(clean).toBeGreaterThan(100);
    expect(clean).toBeLessThan(all.length);
  });
});

// The money macros on their own, value by value against the domain's functions: the boundaries of
// a JavaScript safe integer, signs, zero, short and long fractions, for every exponent we know.
describe('the money macros agree with formatDecimal and parseDecimalMinor', () => {
  const EXPONENT_CURRENCIES = [
    ...new Map(Object.entries(CURRENCY_EXPONENTS).map(([currency, e]) => [e, currency as CurrencyCode])).values(),
  ];
  const SAFE = Number.MAX_SAFE_INTEGER;
  const MINORS = [
    0,
    1,
    -1,
    5,
    -5,
    9,
    10,
    99,
    100,
    -100,
    101,
    999,
    1_000,
    1_001,
    123_456,
    -123_456,
    SAFE,
    -SAFE,
    SAFE - 1,
  ];

  it('recon_decimal prints what formatDecimal prints', async () => {
    for (const currency of EXPONENT_CURRENCIES) {
      const e = CURRENCY_EXPONENTS[currency];
      const values = MINORS.map((m) => `(${m}::BIGINT)`).join(', ');
      const rows = (
        await connection.runAndReadAll(`SELECT m, recon_decimal(m, ${e}) FROM (VALUES ${values}) t(m) ORDER BY m`)
      ).getRowsJS() as [bigint, string][];
      for (const [m, text] of rows)
        expect([currency, Number(m), text]).toEqual([currency, Number(m), formatDecimal(Number(m), currency)]);
    }
  });

  // parseDecimalMinor reads '-0' as -0; a BIGINT has one zero.
  const zeroed = (minor: number | undefined) => (minor === undefined ? undefined : minor + 0);

  it('recon_minor with recon_safe accepts exactly what parseDecimalMinor accepts, with the same value', async () => {
    const TEXTS = [
      '0',
      '-0',
      '1',
      '-1',
      '12.5',
      '12.50',
      '12.505',
      '-0.01',
      '0.001',
      '00012.30',
      String(SAFE),
      `-${SAFE}`,
      String(SAFE + 1),
      '90071992547409.91',
      '90071992547409.92',
      '9007199254740.991',
      '9999999999999999',
      '9999999999999999.999',
      '12345678901234567',
      '1e3',
      '+1',
      ' 1',
      '1 ',
      '1.',
      '.5',
      '-',
      '',
      '12.3.4',
      '١٢',
    ];
    for (const currency of EXPONENT_CURRENCIES) {
      const e = CURRENCY_EXPONENTS[currency];
      const values = TEXTS.map((t) => `('${t}')`).join(', ');
      const rows = (
        await connection.runAndReadAll(
          `SELECT t, CASE WHEN recon_safe(recon_minor(t, ${e})) THEN recon_minor(t, ${e})::DOUBLE END FROM (VALUES ${values}) v(t)`,
        )
      ).getRowsJS() as [string, number | null][];
      for (const [text, minor] of rows)
        expect([currency, text, minor ?? undefined]).toEqual([
          currency,
          text,
          zeroed(parseDecimalMinor(text, currency)),
        ]);
    }
  });
});
