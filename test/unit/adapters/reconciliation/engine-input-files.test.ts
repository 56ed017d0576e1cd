import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine, type EngineRows } from '../../../../functions/adapters/reconciliation/engine';
import type { LedgerFact, ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import {
  DATE,
  bytesOf,
  csvObjects,
  payout,
  reportCsv,
  rowFor,
  streamOf,
} from '../../../support/reconciliation-fixtures';

/**
 * Our side reaches DuckDB as NDJSON files it reads itself (read_json), whether the caller hands the
 * file or a stream the engine writes out: both must give the same exports, byte for byte, and the
 * file keeps what the stream meant (the last payout loaded for an id or a reference wins).
 */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

const ndjson = <T>(name: string, rows: readonly T[]): { ndjsonPath: string } => {
  const path = join(tempDir('recon-in-'), name);
  writeFileSync(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  return { ndjsonPath: path };
};

async function run(payouts: EngineRows<ReconPayout>, ledger: EngineRows<LedgerFact>, csv: string) {
  const outputDir = tempDir('recon-out-');
  const result = await runEngine(
    { date: DATE, report: bytesOf(csv, 64), payouts, ledger, outputDir, partitions: 4 },
    {
      openException: async (_row, ref) => `exc_${ref.dedupKey.replace(/[^a-z0-9_]/gi, '_')}`,
      lookupPayouts: async () => [],
    },
  );
  const text = readFileSync(join(outputDir, 'reconciliation.csv'), 'utf8');
  return { result, rows: csvObjects(text), hashes: result.files.map((f) => `${f.name}:${f.sha256}`) };
}

// A day with what the load must keep: duplicates (last wins), optional fields absent, text that
// needs quoting or is not ASCII outside the id, a ledger fold, a failed payout's reason, an orphan.
const first = payout(1, { amountMinor: 5_000 });
const PAYOUTS: ReconPayout[] = [
  first,
  payout(2, { providerReference: undefined, feeMinor: undefined }),
  payout(3, { idempotencyKey: 'clé "quoted", with comma', batchId: 'batch_é' }),
  payout(4, { status: 'failed', statusReason: 'insufficient_funds', feeMinor: 0 }),
  payout(5, { ledgerAmountMinor: 10_005 }),
  { ...first, amountMinor: 10_001 },
];
const LEDGER: LedgerFact[] = [
  { payoutId: 'po_000005', sentMinor: 9_000, feeMinor: 25 },
  { payoutId: 'po_000005', sentMinor: 1_005, feeMinor: 0 },
  { payoutId: 'po_000001', sentMinor: 10_001, feeMinor: 25 },
];
const CSV = reportCsv([
  ...[1, 2, 3, 4, 5].map((n) => rowFor(payout(n))),
  rowFor(payout(99), { payoutId: undefined, providerReference: 'sbx_stranger' }),
]);

describe('engine input from NDJSON files (read_json)', () => {
  it('gives the same bytes from a file as from a stream, for every export', async () => {
    const fromStream = await run(streamOf(PAYOUTS), streamOf(LEDGER), CSV);
    const fromFile = await run(ndjson('payouts.ndjson', PAYOUTS), ndjson('ledger.ndjson', LEDGER), CSV);
    expect(fromFile.hashes).toEqual(fromStream.hashes);
    expect(fromFile.result).toMatchObject({ payoutRows: 6, ledgerRows: 3, reportRows: 6 });
    expect(fromStream.result).toMatchObject({ payoutRows: 6, ledgerRows: 3, reportRows: 6 });
    expect(fromFile.rows.find((r) => r['payout_id'] === 'po_000003')?.['idempotency_key']).toBe(
      'clé "quoted", with comma',
    );
  });

  it.each([
    ['the later line wins', PAYOUTS, '10001', 'matched'],
    ['order reversed: the earlier amount wins', [...PAYOUTS].reverse(), '5000', 'unmatched'],
  ])('a payout id loaded twice: %s', async (_name, payouts, amount, status) => {
    const { rows } = await run(ndjson('payouts.ndjson', payouts), [], CSV);
    const row = rows.filter((r) => r['payout_id'] === 'po_000001');
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({ amount_minor: amount, match_status: status });
  });

  it('an empty day: empty files read as no rows, only the report is left to classify', async () => {
    const { result, rows } = await run(ndjson('payouts.ndjson', []), ndjson('ledger.ndjson', []), CSV);
    expect(result).toMatchObject({ payoutRows: 0, ledgerRows: 0, reportRows: 6 });
    expect(rows.every((r) => r['match_status'] === 'unmatched')).toBe(true);
  });

  // recon_fnv (SQL) equals export-order.ts's FNV-1a only on ASCII: a run refuses rather than misorders.
  it('refuses a payout id that is not ASCII instead of bucketing it differently from the domain', async () => {
    const odd = payout(7, { payoutId: 'po_00000é' });
    await expect(run(streamOf([...PAYOUTS, odd]), [], CSV)).rejects.toThrow(/payout id is not ASCII: po_00000é/);
  });
});
