// Adyen's Balance Platform Accounting Report → ReportRows: a hand-written day of lines as the report
// carries them (columns: local/providers/adyen/report.ts, with an extra column Adyen may add), and every
// refusal with its line.
import { describe, expect, it } from 'vitest';
import { parseAdyenAccountingReport } from '../../../../functions/domain/reconciliation/adyen-accounting-report';
import { ACCOUNTING_REPORT_HEADER } from '../../../../local/providers/adyen/report';

const HEADER = [...ACCOUNTING_REPORT_HEADER, 'Counterparty Balance Account Id'].join(',');
type L = {
  id: string;
  txn?: string;
  cat?: string;
  status: string;
  type?: string;
  at: string;
  tz?: string;
  cur?: string;
  bal: string;
  ref?: string;
};
const line = (l: L) =>
  [
    'YOUR_BALANCE_PLATFORM',
    'AH1',
    'BA1',
    l.id,
    l.txn ?? '',
    l.cat ?? 'bank',
    l.status,
    l.type ?? 'bankTransfer',
    l.at,
    l.tz ?? 'UTC',
    l.at,
    l.tz ?? 'UTC',
    l.cur ?? 'EUR',
    '0',
    '0',
    l.bal,
    l.ref ?? `po_${l.id}`,
    'd',
    '',
    '',
  ].join(',');
const parse = (...lines: L[]) =>
  parseAdyenAccountingReport([new TextEncoder().encode(`${HEADER}\n${lines.map(line).join('\n')}\n`)]);

describe('adyen accounting report', () => {
  it('reads a paid, a failed and a returned payout, ignoring other categories', async () => {
    const rows = await parse(
      { id: 'T1', status: 'received', at: '2026-11-30 09:00:00', bal: '0.00' },
      { id: 'T1', txn: 'X1', status: 'booked', at: '2026-11-30 10:00:00', tz: 'CET', bal: '-100.00' },
      { id: 'T1', txn: 'X2', status: 'booked', type: 'fee', at: '2026-11-30 10:00:00', bal: '-0.25' },
      {
        id: 'C9',
        txn: 'X3',
        cat: 'platformPayment',
        status: 'captured',
        type: 'capture',
        at: '2026-11-30 10:00:00',
        bal: '5.00',
      },
      { id: 'T2', status: 'failed', at: '2026-11-30 11:00:00', tz: 'CEST', bal: '-50.00' },
      { id: 'T3', txn: 'X4', status: 'booked', at: '2026-11-30 12:00:00', bal: '-7', cur: 'JPY' },
      { id: 'T3', txn: 'X5', status: 'returned', at: '2026-11-30 13:00:00', bal: '7', cur: 'JPY' },
    );
    expect(rows).toEqual([
      {
        line: 3,
        providerReference: 'T1',
        payoutId: 'po_T1',
        status: 'paid',
        currency: 'EUR',
        grossMinor: 10000,
        feeMinor: 25,
        netMinor: 9975,
        createdAt: '2026-11-30T09:00:00Z',
        settledAt: '2026-11-30T09:00:00Z',
      },
      {
        line: 6,
        providerReference: 'T2',
        payoutId: 'po_T2',
        status: 'failed',
        currency: 'EUR',
        grossMinor: 5000,
        feeMinor: 0,
        netMinor: 5000,
        createdAt: '2026-11-30T09:00:00Z',
        settledAt: '2026-11-30T09:00:00Z',
      },
      {
        line: 7,
        providerReference: 'T3',
        payoutId: 'po_T3',
        status: 'reversed',
        currency: 'JPY',
        grossMinor: 7,
        feeMinor: 0,
        netMinor: 7,
        createdAt: '2026-11-30T12:00:00Z',
        settledAt: '2026-11-30T13:00:00Z',
      },
    ]);
  });

  it('a transfer booked twice is two rows (the engine calls it a duplicate)', async () => {
    const booked = { id: 'T1', txn: 'X1', status: 'booked', at: '2026-11-30 10:00:00', bal: '-1.00' };
    expect(await parse(booked, { ...booked, txn: 'X2' })).toHaveLength(2);
  });

  it.each([
    [
      'an unknown bank status',
      { id: 'T1', status: 'settled', at: '2026-11-30 10:00:00', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
    [
      'an amount with too many decimals',
      { id: 'T1', status: 'booked', at: '2026-11-30 10:00:00', bal: '-1.001' },
      'report_bad_amount',
      2,
    ],
    [
      'a time zone we cannot read',
      { id: 'T1', status: 'booked', at: '2026-11-30 10:00:00', tz: 'PST', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
    [
      'a date in another format',
      { id: 'T1', status: 'booked', at: '30/11/2026 10:00', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
    [
      'an unsupported currency',
      { id: 'T1', status: 'booked', at: '2026-11-30 10:00:00', cur: 'XXX', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
    [
      'a fee for a payout not settled',
      { id: 'T1', status: 'booked', type: 'fee', at: '2026-11-30 10:00:00', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
    [
      'an empty Transfer Id',
      { id: '', status: 'booked', at: '2026-11-30 10:00:00', bal: '-1.00' },
      'report_bad_value',
      2,
    ],
  ] as const)('refuses %s, naming the line', async (_name, l, code, lineNumber) =>
    expect(parse(l)).rejects.toMatchObject({ reportCode: code, line: lineNumber }),
  );

  it('refuses a header without the columns it reads, and a report without a header', async () => {
    const noStatus = HEADER.replace('Status,', 'State,');
    await expect(parseAdyenAccountingReport([new TextEncoder().encode(`${noStatus}\n`)])).rejects.toMatchObject({
      reportCode: 'report_missing_columns',
    });
    await expect(parseAdyenAccountingReport([])).rejects.toMatchObject({ reportCode: 'report_truncated' });
  });

  it('reads the same rows whatever the chunking', async () => {
    const text = `${HEADER}\n${line({ id: 'T1', txn: 'X', status: 'booked', at: '2026-11-30 10:00:00', bal: '-1.00' })}\n`;
    const bytes = new TextEncoder().encode(text);
    const oneByteChunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await parseAdyenAccountingReport(oneByteChunks)).toEqual(await parseAdyenAccountingReport([bytes]));
  });
});
