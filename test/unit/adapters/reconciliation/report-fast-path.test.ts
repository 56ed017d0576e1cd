import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine } from '../../../../functions/adapters/reconciliation/engine';
import { ReportFormatError } from '../../../../functions/domain/reconciliation/report-errors';
import { bytesOf, DATE, payout, reportCsv, rowFor, streamOf } from '../../../support/reconciliation-fixtures';

// DuckDB reads the report itself when a byte gate and its typed checks accept it; anything else
// goes to the strict JS reader. Both paths must write the same bytes, and a bad row must still get
// the JS reader's exact error and line.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const ours = [payout(1), payout(2, { idempotencyKey: '=1+2,"x"' }), payout(3, { status: 'failed', feeMinor: 0 })];
const plain = reportCsv([rowFor(ours[0]!), rowFor(ours[1]!), rowFor(ours[2]!, { feeMinor: 0 })]);

async function run(csv: string) {
  const outputDir = mkdtempSync(join(tmpdir(), 'recon-fast-'));
  dirs.push(outputDir);
  const result = await runEngine(
    { date: DATE, report: bytesOf(csv, 64), payouts: streamOf(ours), outputDir, partitions: 4 },
    { openException: async (_row, ref) => `exc_${ref.dedupKey.length}` },
  );
  const files = ['reconciliation.csv', 'exceptions.csv', 'summary.json'].map((name) =>
    readFileSync(join(outputDir, name), 'utf8'),
  );
  return { result, files };
}

const CASES: { name: string; csv: string; fast: boolean }[] = [
  { name: 'a plain CRLF report', csv: plain, fast: true },
  { name: 'the same with LF line ends', csv: plain.replaceAll('\r\n', '\n'), fast: true },
  { name: 'a quoted field (the gate refuses quotes)', csv: plain.replace('batch_1', '"batch_1"'), fast: false },
  { name: 'a BOM', csv: `\uFEFF${plain}`, fast: false },
  { name: 'a blank line between records', csv: plain.replace('\r\nsbx_000002', '\r\n\r\nsbx_000002'), fast: false },
  {
    name: 'a time JS accepts and SQL does not (24:00)',
    csv: plain.replace('T10:00:00.000Z', 'T24:00:00.000Z'),
    fast: false,
  },
];

describe('reconciliation engine: the report read by DuckDB, or by the strict reader', () => {
  it.each(CASES)('$name → fast path $fast, the same classification as the strict reader', async ({ csv, fast }) => {
    const { result, files } = await run(csv);
    expect(result.reportFastPath).toBe(fast);
    expect(result.reportRows).toBe(3);
    const reference = await run(csv.replace(/,batch_1,/, ',"batch_1",')); // a quote: the strict reader's
    expect(reference.result.reportFastPath).toBe(false);
    expect(files).toEqual(reference.files);
  });

  it('a row SQL refuses still gets the strict reader error, with its line', async () => {
    const bad = plain.replace('100.02', '100.0x');
    const error = await run(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportFormatError);
    expect((error as ReportFormatError).reportCode).toBe('report_bad_amount');
    expect((error as ReportFormatError).line).toBe(3);
  });
});
