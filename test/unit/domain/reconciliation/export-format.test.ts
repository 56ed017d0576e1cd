import { describe, expect, it } from 'vitest';
import { classifyPayout } from '../../../../functions/domain/reconciliation/classify';
import { csvField } from '../../../../functions/domain/reconciliation/csv-writer';
import {
  EXCEPTIONS_CSV_COLUMNS,
  RECONCILIATION_CSV_COLUMNS,
  exceptionsCsvLine,
  reconciliationCsvLine,
} from '../../../../functions/domain/reconciliation/export-rows';
import { manifestJson } from '../../../../functions/domain/reconciliation/manifest';
import { SummaryAccumulator } from '../../../../functions/domain/reconciliation/summary';
import { csvObjects, payout, rowFor } from '../../../support/reconciliation-fixtures';

describe('export format', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas in text, never in numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(undefined)).toBe('');
  });

  it('writes minor units and a decimal column per currency exponent', () => {
    for (const [currency, amountMinor, decimal] of [
      ['USD', 12345, '123.45'],
      ['JPY', 1000, '1000'],
      ['BHD', 1005, '1.005'],
    ] as const) {
      const p = payout(1, { currency, amountMinor, feeMinor: 5 });
      const line = reconciliationCsvLine(
        classifyPayout(p, [{ ...rowFor(p), line: 2 }], 'provider_reference'),
        undefined,
      );
      const [row] = csvObjects(RECONCILIATION_CSV_COLUMNS.join(',') + '\r\n' + line);
      expect([
        row!.amount_minor,
        row!.amount,
        row!.provider_gross,
        row!.match_status,
        row!.mismatch_category,
        row!.report_line,
      ]).toEqual([String(amountMinor), decimal, decimal, 'matched', '', '2']);
      expect(line.endsWith('\r\n')).toBe(true);
    }
  });

  it('writes every mismatch of a row, dominant first, in the last column of both files', () => {
    // reconciliation.csv has failure_source after it (issue 11, generator 1.3.0), then the batch
    // identity (issue 13, 1.4.0): mismatches keeps its position, 31.
    expect([RECONCILIATION_CSV_COLUMNS.indexOf('mismatches'), EXCEPTIONS_CSV_COLUMNS.at(-1)]).toEqual([
      31,
      'mismatches',
    ]);
    const p = payout(1, { feeMinor: 25 });
    const row = classifyPayout(
      p,
      [{ ...rowFor(p, { status: 'in_transit', feeMinor: 26, settledAt: undefined }), line: 2 }],
      'provider_reference',
    );
    const exception = {
      exceptionId: 'exc_1',
      dedupKey: 'reconciliation:status_mismatch:payout:po_000001',
      category: 'status_mismatch' as const,
      owner: 'ops' as const,
      slaSeconds: 86_400,
    };
    const [recon] = csvObjects(RECONCILIATION_CSV_COLUMNS.join(',') + '\r\n' + reconciliationCsvLine(row, exception));
    const [exc] = csvObjects(EXCEPTIONS_CSV_COLUMNS.join(',') + '\r\n' + exceptionsCsvLine(row, exception));
    expect([recon!.mismatch_category, recon!.exception_owner, recon!.mismatches]).toEqual([
      'status_mismatch',
      'ops',
      'status_mismatch;fee_mismatch',
    ]);
    expect([exc!.category, exc!.owner, exc!.mismatches]).toEqual([
      'status_mismatch',
      'ops',
      'status_mismatch;fee_mismatch',
    ]);
    const matched = classifyPayout(p, [{ ...rowFor(p), line: 2 }], 'provider_reference');
    expect(
      csvObjects(RECONCILIATION_CSV_COLUMNS.join(',') + '\r\n' + reconciliationCsvLine(matched, undefined))[0]!
        .mismatches,
    ).toBe('');
  });

  it('adds failure_source after mismatches in reconciliation.csv and nowhere else', () => {
    // Last until generator 1.4.0 appended the batch identity after it; its position, 32, never moves.
    expect(RECONCILIATION_CSV_COLUMNS.indexOf('failure_source')).toBe(32);
    expect(EXCEPTIONS_CSV_COLUMNS).not.toContain('failure_source');
  });

  it("keeps finance's documented column order: earlier columns never move, the batch identity is appended", () => {
    // docs/finance.md, reconciliation.csv, in this order; a loader reading by position relies on it.
    expect(RECONCILIATION_CSV_COLUMNS).toEqual(
      [
        'payout_id,idempotency_key,batch_id,provider,provider_reference,our_status,provider_status,currency',
        'amount_minor,amount,fee_minor,fee,net_minor,net,provider_currency,provider_gross_minor,provider_gross',
        'provider_fee_minor,provider_fee,provider_net_minor,provider_net,created_at,last_event_at,settled_at',
        'match_status,matched_by,mismatch_category,detail,exception_id,exception_owner,report_line,mismatches',
        'failure_source,payout_batch_id,sender_batch_id',
      ]
        .join(',')
        .split(','),
    );
    expect(EXCEPTIONS_CSV_COLUMNS).not.toContain('payout_batch_id');
  });

  it.each([
    ['a payout of no batch', payout(1), '', ''],
    [
      'an item of a batch',
      payout(1, { payoutBatchId: 'bat_01JDX', senderBatchId: 'payroll-2026-11' }),
      'bat_01JDX',
      'payroll-2026-11',
    ],
    // A sender_batch_id may start with '-' (A-Z a-z 0-9 _ . -): a spreadsheet would read it as a formula.
    [
      'a sender_batch_id starting with -',
      payout(1, { payoutBatchId: 'bat_1', senderBatchId: '-2026-11' }),
      'bat_1',
      "'-2026-11",
    ],
  ] as const)('payout_batch_id and sender_batch_id of %s', (_name, p, batchId, senderBatchId) => {
    const row = classifyPayout(p, [{ ...rowFor(p), line: 2 }], 'provider_reference');
    const [recon] = csvObjects(RECONCILIATION_CSV_COLUMNS.join(',') + '\r\n' + reconciliationCsvLine(row, undefined));
    expect([recon!.payout_batch_id, recon!.sender_batch_id, recon!.batch_id]).toEqual([
      batchId,
      senderBatchId,
      'batch_1',
    ]);
  });

  it.each([
    ['a matched paid payout', payout(1), 'paid', ''],
    [
      'a failed payout whose bank account is closed',
      payout(1, { status: 'failed', statusReason: 'account_closed' }),
      'failed',
      'recipient',
    ],
    ['a failed payout without a code', payout(1, { status: 'failed' }), 'failed', 'provider'],
    [
      'a failed payout our balance could not fund',
      payout(1, { status: 'failed', statusReason: 'insufficient_funds: low' }),
      'failed',
      'platform',
    ],
    // A mismatch decides: the provider's report disagrees with us.
    ['a paid payout the provider reports in transit', payout(1), 'in_transit', 'provider'],
  ] as const)('failure_source of %s', (_name, p, providerStatus, source) => {
    const row = classifyPayout(p, [{ ...rowFor(p, { status: providerStatus }), line: 2 }], 'provider_reference');
    const [recon] = csvObjects(RECONCILIATION_CSV_COLUMNS.join(',') + '\r\n' + reconciliationCsvLine(row, undefined));
    expect(recon!.failure_source).toBe(source);
  });

  it('summarises per currency in a fixed key order, with no wall-clock time', () => {
    const summary = new SummaryAccumulator();
    const eur = payout(2, { currency: 'EUR', status: 'pending' });
    summary.add(classifyPayout(payout(1), [{ ...rowFor(payout(1)), line: 2 }], 'provider_reference'));
    summary.add(classifyPayout(eur, [], 'none'));
    const json = JSON.parse(summary.toJson('2026-11-24'));
    expect(Object.keys(json.currencies)).toEqual(['EUR', 'USD']);
    expect(json.currencies.USD.paid).toEqual({ count: 1, total_minor: 10_001, total: '100.01' });
    expect(json.currencies.EUR.in_transit.count).toBe(1);
    expect(json.currencies.EUR.categories.missing_at_provider).toBe(1);
    expect(summary.toJson('2026-11-24')).toBe(summary.toJson('2026-11-24'));
    const manifest = manifestJson({
      date: '2026-11-24',
      provider: 'sandbox',
      files: [
        { name: 'summary.json', rows: 0, bytes: 1, sha256: 'ab', contentType: 'application/json' },
        { name: 'exceptions.csv', rows: 0, bytes: 1, sha256: 'cd', contentType: 'text/csv' },
      ],
      inputs: [],
    });
    expect(JSON.parse(manifest).files.map((f: { name: string }) => f.name)).toEqual(['exceptions.csv', 'summary.json']);
  });
});
