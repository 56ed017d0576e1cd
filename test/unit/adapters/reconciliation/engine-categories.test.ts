import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine, type EnginePorts } from '../../../../functions/adapters/reconciliation/engine';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import {
  DATE,
  bytesOf,
  csvObjects,
  payout,
  reportCsv,
  rowFor,
  streamOf,
} from '../../../support/reconciliation-fixtures';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function ports(outOfWindow: ReconPayout[] = []): EnginePorts & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    openException: async (_row, ref) => {
      opened.push(ref.dedupKey);
      return `exc_${ref.dedupKey.replace(/[^a-z0-9_]/gi, '_')}`;
    },
    lookupPayouts: async (ids) => outOfWindow.filter((p) => ids.includes(p.payoutId)),
  };
}

async function run(payouts: ReconPayout[], csv: string, p = ports(), partitions = 4, chunkBytes = 7) {
  const outputDir = mkdtempSync(join(tmpdir(), 'recon-test-'));
  dirs.push(outputDir);
  const result = await runEngine(
    { date: DATE, report: bytesOf(csv, chunkBytes), payouts: streamOf(payouts), outputDir, partitions },
    p,
  );
  const rows = csvObjects(readFileSync(join(outputDir, 'reconciliation.csv'), 'utf8'));
  return { result, rows, outputDir, opened: p.opened };
}

describe('reconciliation engine: every category from a constructed report', () => {
  it('finds each injected mismatch in its own category, with owner and exception', async () => {
    const ok = payout(1);
    const noRef = payout(2, { providerReference: undefined });
    const omitted = payout(3);
    const amount = payout(4);
    const currency = payout(5);
    const fee = payout(6);
    const status = payout(7, { status: 'pending' });
    const duplicated = payout(8);
    const reversed = payout(9);
    const failed = payout(10, { status: 'failed', feeMinor: 0 });
    const batchItem = payout(11, { status: 'pending' });
    const awaitingApproval = payout(12, { status: 'requires_approval', providerReference: undefined });
    const ledger = payout(13, { ledgerAmountMinor: 999 });
    const csv = reportCsv([
      rowFor(ok),
      rowFor(noRef, { providerReference: 'sbx_found_by_id' }),
      rowFor(amount, { grossMinor: amount.amountMinor + 1 }),
      rowFor(currency, { currency: 'EUR' }),
      rowFor(fee, { feeMinor: 30 }),
      rowFor(status, { status: 'paid' }),
      rowFor(duplicated),
      rowFor(duplicated),
      rowFor(reversed, { status: 'reversed' }),
      rowFor(failed),
      rowFor(batchItem, { batchStatus: 'paid' }),
      rowFor(payout(99), { payoutId: undefined, providerReference: 'sbx_stranger' }),
      rowFor(ledger),
    ]);
    const { rows, opened, result } = await run(
      [
        ok,
        noRef,
        omitted,
        amount,
        currency,
        fee,
        status,
        duplicated,
        reversed,
        failed,
        batchItem,
        awaitingApproval,
        ledger,
      ],
      csv,
    );
    const byRef = (ref: string) => rows.find((r) => r.provider_reference === ref)!;
    const categoryOf = (p: ReconPayout) => rows.find((r) => r.payout_id === p.payoutId)?.mismatch_category;
    expect(categoryOf(ok)).toBe('');
    expect(rows.find((r) => r.payout_id === ok.payoutId)?.match_status).toBe('matched');
    expect(categoryOf(noRef)).toBe('missing_provider_reference');
    expect(categoryOf(omitted)).toBe('missing_at_provider');
    expect(categoryOf(amount)).toBe('amount_mismatch');
    expect(categoryOf(currency)).toBe('currency_mismatch');
    expect(categoryOf(fee)).toBe('fee_mismatch');
    expect(categoryOf(status)).toBe('status_mismatch');
    expect(categoryOf(duplicated)).toBe('duplicate_at_provider');
    expect(categoryOf(reversed)).toBe('reversed_after_paid');
    expect(categoryOf(failed)).toBe('failed');
    // The provider's batch (paid) against its own item (pending): its own category since issue 13.
    expect(categoryOf(batchItem)).toBe('batch_item_status_mismatch');
    expect(categoryOf(ledger)).toBe('amount_mismatch');
    expect(rows.find((r) => r.payout_id === awaitingApproval.payoutId)?.match_status).toBe('not_submitted');
    expect(byRef('sbx_stranger').mismatch_category).toBe('missing_internally');
    expect(rows).toHaveLength(14);
    expect(byRef(fee.providerReference!).exception_owner).toBe('finance');
    expect(byRef(omitted.providerReference!).exception_owner).toBe('ops');
    expect(byRef(duplicated.providerReference!).exception_owner).toBe('provider');
    expect(opened).toHaveLength(11);
    expect(result.counts.categories.failed).toBe(1);
    expect(result.reportRows).toBe(13);
  });

  it('matches by provider reference before payout id, and finds payouts from another day', async () => {
    const p = payout(1);
    const yesterday = payout(2, { createdAt: '2026-11-23T23:59:59.000Z' });
    const csv = reportCsv([rowFor(p, { payoutId: 'po_wrong' }), rowFor(yesterday)]);
    const { rows } = await run([p], csv, ports([yesterday]));
    expect(rows.map((r) => [r.payout_id, r.matched_by, r.match_status])).toEqual(
      expect.arrayContaining([
        [p.payoutId, 'provider_reference', 'matched'],
        [yesterday.payoutId, 'payout_id', 'matched'],
      ]),
    );
  });

  it('gives byte-identical files for the same inputs, whatever the chunking', async () => {
    const payouts = Array.from({ length: 300 }, (_, i) =>
      payout(i, { currency: i % 3 === 0 ? 'JPY' : 'USD', amountMinor: 1_000 + i }),
    );
    const csv = reportCsv(
      payouts.filter((_, i) => i % 7 !== 0).map((p) => rowFor(p, p.payoutId.endsWith('5') ? { feeMinor: 1 } : {})),
    );
    const a = await run(payouts, csv, ports(), 4, 101);
    const b = await run([...payouts].reverse(), csv, ports(), 4, 4096);
    for (const name of ['reconciliation.csv', 'exceptions.csv', 'summary.json']) {
      expect(readFileSync(join(b.outputDir, name))).toEqual(readFileSync(join(a.outputDir, name)));
    }
    expect(a.result.files.map((f) => f.sha256)).toEqual(b.result.files.map((f) => f.sha256));
  }, 30_000);
});

describe('reconciliation engine: a malformed report', () => {
  it('fails before any side effect: no exception opened, no export file written', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'recon-bad-'));
    dirs.push(outputDir);
    const p = ports();
    const csv = reportCsv([rowFor(payout(1)), rowFor(payout(2), { status: 'reversed' })]).replace('100.02', '1O0.02');
    await expect(
      runEngine(
        { date: DATE, report: bytesOf(csv), payouts: streamOf([payout(1), payout(2)]), outputDir, partitions: 4 },
        p,
      ),
    ).rejects.toMatchObject({
      name: 'ReportFormatError',
      line: 3,
      code: 'report_bad_amount',
    });
    expect(p.opened).toEqual([]);
    expect(readdirSync(outputDir)).toEqual([]);
  });
});

describe('reconciliation engine: exceptions', () => {
  it('opens one exception per dedup key, even for two provider rows of one unknown reference', async () => {
    const stranger = rowFor(payout(50), { payoutId: undefined, providerReference: 'sbx_twice' });
    const { rows, opened } = await run([], reportCsv([stranger, stranger]));
    expect(opened).toEqual(['reconciliation:missing_internally:provider_reference:sbx_twice']);
    expect(rows.map((r) => r.exception_id)).toEqual(
      Array(2).fill('exc_reconciliation_missing_internally_provider_reference_sbx_twice'),
    );
  });
});
