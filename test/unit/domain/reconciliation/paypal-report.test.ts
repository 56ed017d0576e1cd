// PayPal's Transaction Detail Report → the engine's rows (issue 14): statuses by T-code, minor units,
// times, any chunking, and every refusal with its line.
import { describe, expect, it } from 'vitest';
import { parsePaypalReport, trrTimeToIso } from '../../../../functions/domain/reconciliation/paypal-report';
import type { ReportRow } from '../../../../functions/domain/reconciliation/report';
import { renderPaypalReport } from '../../../../local/providers/paypal/report';

const row = (status: ReportRow['status'], overrides: Partial<ReportRow> = {}): ReportRow => ({
  line: 5,
  providerReference: 'I000000000001',
  payoutId: 'po_1',
  status,
  currency: 'USD',
  grossMinor: 1_234,
  feeMinor: 25,
  netMinor: 1_209,
  createdAt: '2026-11-30T10:00:00Z',
  settledAt: '2026-11-30T12:00:00Z',
  ...overrides,
});
const collect = async (chunks: Uint8Array[]) => {
  const rows: ReportRow[] = [];
  for await (const parsed of parsePaypalReport(chunks)) rows.push(parsed);
  return rows;
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('PayPal TRR', () => {
  it.each(['paid', 'pending', 'failed', 'reversed', 'canceled'] as const)(
    'a %s row survives render → parse',
    async (status) => {
      const original = row(status, status === 'failed' ? { feeMinor: 0, netMinor: 1_234 } : {});
      expect(await collect([bytes(renderPaypalReport([original]))])).toEqual([original]);
    },
  );

  it('the reference is PayPal Reference ID; a different Transaction ID is kept beside it and survives render → parse', async () => {
    const original = row('paid', { providerReference: '7TX00000000000001', reportTransactionId: '5UX12345AB6789012' });
    const text = renderPaypalReport([original]);
    expect(text).toContain('"SB","5UX12345AB6789012","","7TX00000000000001","TXN"');
    expect(await collect([bytes(text)])).toEqual([original]);
    // A report printing the same id in both columns carries no separate line id.
    expect((await collect([bytes(renderPaypalReport([row('paid')]))]))[0]).not.toHaveProperty('reportTransactionId');
  });

  it('reads the same rows whatever the chunking (one byte at a time)', async () => {
    const text = renderPaypalReport([row('paid'), row('reversed', { line: 6, providerReference: 'I2' })]);
    const whole = await collect([bytes(text)]);
    const bytewise = await collect([...bytes(text)].map((b) => Uint8Array.of(b)));
    expect(bytewise).toEqual(whole);
    expect(whole.map((r) => r.line)).toEqual([5, 6]);
  });

  it('JPY amounts are minor units already (no decimal point in the file)', async () => {
    const yen = row('paid', { currency: 'JPY', grossMinor: 10_000, feeMinor: 0, netMinor: 10_000 });
    const text = renderPaypalReport([yen]);
    expect(text).toContain(',10000,"JPY"');
    expect(await collect([bytes(text)])).toEqual([yen]);
  });

  it('in_transit has no TRR form: rendering it is refused', () => {
    expect(() => renderPaypalReport([row('in_transit')])).toThrow(RangeError);
  });

  it.each([
    ['the first line', (t: string) => t.slice(t.indexOf('\n') + 1), 'report_truncated'],
    ['the footer', (t: string) => t.slice(0, t.lastIndexOf('"FF"')), 'report_truncated'],
    ['a body row (the FF count no longer matches)', (t: string) => t.replace(/"SB"[^\n]*\n/, ''), 'report_truncated'],
    ['the CH columns', (t: string) => t.replace('"Custom Field"', '"Custom"'), 'report_missing_columns'],
    [
      'the direction of a payout',
      (t: string) =>
        t.replace(
          '"T0001",2026/11/30 10:00:00 +0000,2026/11/30 12:00:00 +0000,"DR"',
          '"T0001",2026/11/30 10:00:00 +0000,2026/11/30 12:00:00 +0000,"CR"',
        ),
      'report_bad_value',
    ],
    ['the status to an unknown one', (t: string) => t.replace('"S","po_1"', '"X","po_1"'), 'report_bad_value'],
    ['an amount to a decimal', (t: string) => t.replace(',1234,', ',12.34,'), 'report_bad_amount'],
    ['the fee currency', (t: string) => t.replace(',25,"USD"', ',25,"EUR"'), 'report_bad_value'],
  ])('a report that lost or changed %s is refused (%s)', async (_name, change, code) => {
    const text = change(renderPaypalReport([row('paid')]));
    await expect(collect([bytes(text)])).rejects.toMatchObject({ reportCode: code });
  });

  it.each([
    ['2026/11/30 10:00:00 +0000', '2026-11-30T10:00:00Z'],
    ['2026/11/30 02:00:00 -0800', '2026-11-30T10:00:00Z'],
    ['2026/11/30 15:30:00 +0530', '2026-11-30T10:00:00Z'],
    ['2026-11-30T10:00:00Z', undefined],
  ])('time %s is %s', (text, iso) => {
    expect(trrTimeToIso(text)).toBe(iso);
  });
});
