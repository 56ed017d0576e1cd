import { describe, expect, it } from 'vitest';
import { CsvReader } from '../../../../functions/domain/reconciliation/csv-reader';
import { ReportRowReader, parseDecimalMinor, type ReportRow } from '../../../../functions/domain/reconciliation/report';
import { ReportFormatError } from '../../../../functions/domain/reconciliation/report-errors';
import { REPORT_HEADER } from '../../../../functions/domain/reconciliation/report-writer';
import { payout, reportCsv, rowFor } from '../../../support/reconciliation-fixtures';

function parse(bytes: Uint8Array, chunk = 5): ReportRow[] {
  const reader = new CsvReader();
  const rows = new ReportRowReader();
  const out: ReportRow[] = [];
  let last = 0;
  const take = (records: ReturnType<CsvReader['push']>) => {
    for (const r of records) {
      last = r.line;
      const row = rows.read(r);
      if (row) out.push(row);
    }
  };
  for (let i = 0; i < bytes.length; i += chunk) take(reader.push(bytes.subarray(i, i + chunk)));
  take(reader.end());
  rows.finish(last);
  return out;
}
const text = (s: string) => Buffer.from(s, 'utf8');
const good = reportCsv([rowFor(payout(1)), rowFor(payout(2)), rowFor(payout(3))]);

function failure(bytes: Uint8Array): ReportFormatError {
  try {
    parse(bytes);
  } catch (error) {
    if (error instanceof ReportFormatError) return error;
    throw error;
  }
  throw new Error('the report was accepted');
}

describe('provider report parser', () => {
  it('reads a well-formed report, whatever the chunking, with quoted fields and a BOM', () => {
    const rows = parse(text(good), 1);
    expect(rows.map((r) => [r.line, r.providerReference, r.grossMinor, r.feeMinor, r.currency])).toEqual([
      [2, 'sbx_000001', 10_001, 25, 'USD'],
      [3, 'sbx_000002', 10_002, 25, 'USD'],
      [4, 'sbx_000003', 10_003, 25, 'USD'],
    ]);
    const quoted = good.replace('sbx_000002', '"sbx_""00,0002"');
    expect(parse(text(`\uFEFF${quoted}`))[1]!.providerReference).toBe('sbx_"00,0002');
    const reader = new CsvReader();
    const records = [...reader.push(text('a,"multi\r\nline, ""quoted""",c\r\nd,e,f')), ...reader.end()];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'multi\nline, "quoted"', 'c'], terminated: true },
      { line: 3, fields: ['d', 'e', 'f'], terminated: false },
    ]);
    expect(parse(text(good.replaceAll('\r\n', '\n')))).toHaveLength(3);
  });

  it('converts decimal amounts by string arithmetic, per currency exponent', () => {
    expect(parseDecimalMinor('12.34', 'USD')).toBe(1234);
    expect(parseDecimalMinor('12.3', 'USD')).toBe(1230);
    expect(parseDecimalMinor('1000', 'JPY')).toBe(1000);
    expect(parseDecimalMinor('0.005', 'BHD')).toBe(5);
    expect(parseDecimalMinor('1.234', 'USD')).toBeUndefined();
    expect(parseDecimalMinor('1e3', 'USD')).toBeUndefined();
    expect(parseDecimalMinor('1.5', 'JPY')).toBeUndefined();
  });

  const lines = good.split('\r\n');
  const cases: Array<[string, string | Uint8Array, ReportFormatError['reportCode'], number]> = [
    ['a missing column in the header', good.replace('fee,', ''), 'report_missing_columns', 1],
    [
      'a record with a missing field',
      [lines[0], lines[1], lines[2]!.replace(/,[^,]*$/, ''), lines[3], ''].join('\r\n'),
      'report_missing_columns',
      3,
    ],
    ['a bad amount', good.replace('100.02', '100,02'), 'report_missing_columns', 3],
    ['an amount with too many decimals', good.replace('100.02', '100.025'), 'report_bad_amount', 3],
    ['an amount that is not a number', good.replace('100.03', 'abc'), 'report_bad_amount', 4],
    ['net that is not gross − fee', good.replace('99.78', '99.79'), 'report_bad_amount', 4],
    ['an unknown status', good.replace(',paid,usd', ',settled,usd'), 'report_bad_value', 2],
    [
      'a duplicate column in the header',
      REPORT_HEADER.replace('fee', 'gross') + lines.slice(1).join('\r\n'),
      'report_duplicate_header',
      1,
    ],
    [
      'the header repeated mid-file',
      [lines[0], lines[1], lines[0], lines[2], ''].join('\r\n'),
      'report_duplicate_header',
      3,
    ],
    [
      'an invalid UTF-8 byte',
      Buffer.concat([text([lines[0], lines[1], ''].join('\r\n')), Buffer.from([0x73, 0xff, 0x0d, 0x0a])]),
      'report_invalid_encoding',
      3,
    ],
    [
      'Latin-1 instead of UTF-8',
      Buffer.concat([
        text(`${lines[0]}\r\n`),
        Buffer.from(lines[1]!.replace('sbx_000001', 'sbx_caf\u00e9'), 'latin1'),
        text('\r\n'),
      ]),
      'report_invalid_encoding',
      2,
    ],
    ['a file cut mid-record', good.slice(0, good.length - 30), 'report_truncated', 4],
    ['a file cut inside a quoted field', `${lines[0]}\r\n"sbx_0001,po_1`, 'report_truncated', 2],
    ['an empty file', '', 'report_truncated', 1],
    ['a stray quote', good.replace('sbx_000002', 'sbx"000002'), 'report_malformed_csv', 3],
  ];
  it.each(cases)('refuses %s, naming the line', (_name, input, code, line) => {
    const error = failure(typeof input === 'string' ? text(input) : input);
    expect(error.reportCode).toBe(code);
    expect(error.line).toBe(line);
    expect(error.category).toBe('retryable');
    expect(error.message).toContain(`line ${line}`);
  });
});
