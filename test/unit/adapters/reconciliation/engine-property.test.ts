import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEngine } from '../../../../functions/adapters/reconciliation/engine';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import type { ReportRow } from '../../../../functions/domain/reconciliation/report';
import {
  DATE,
  bytesOf,
  csvObjects,
  payout,
  reportCsv,
  rowFor,
  streamOf,
} from '../../../support/reconciliation-fixtures';

// Random payouts, each given one random perturbation of its report row (or none); the engine must
// put every perturbed payout in the category of its perturbation and every other one in matched.
const PERTURBATIONS = {
  none: '',
  omit: 'missing_at_provider',
  amount: 'amount_mismatch',
  fee: 'fee_mismatch',
  currency: 'currency_mismatch',
  duplicate: 'duplicate_at_provider',
  status: 'status_mismatch',
  reverse: 'reversed_after_paid',
  drop_reference: 'missing_provider_reference',
  failed: 'failed',
} as const;
type Perturbation = keyof typeof PERTURBATIONS;

function apply(
  p: ReconPayout,
  perturbation: Perturbation,
  delta: number,
): { ours: ReconPayout; rows: Omit<ReportRow, 'line'>[] } {
  switch (perturbation) {
    case 'none':
      return { ours: p, rows: [rowFor(p)] };
    case 'omit':
      return { ours: p, rows: [] };
    case 'amount':
      return { ours: p, rows: [rowFor(p, { grossMinor: p.amountMinor + delta })] };
    case 'fee':
      return { ours: p, rows: [rowFor(p, { feeMinor: (p.feeMinor ?? 0) + delta })] };
    case 'currency':
      return { ours: p, rows: [rowFor(p, { currency: p.currency === 'USD' ? 'EUR' : 'USD' })] };
    case 'duplicate':
      return { ours: p, rows: [rowFor(p), rowFor(p)] };
    case 'status':
      return { ours: p, rows: [rowFor(p, { status: 'pending' })] };
    case 'reverse':
      return { ours: p, rows: [rowFor(p, { status: 'reversed' })] };
    case 'drop_reference':
      return { ours: { ...p, providerReference: undefined }, rows: [rowFor(p)] };
    case 'failed': {
      const failed = { ...p, status: 'failed' as const };
      return { ours: failed, rows: [rowFor(failed)] };
    }
  }
}

const arbitraryCase = fc.record({
  payouts: fc.array(
    fc.record({
      amountMinor: fc.integer({ min: 1, max: 10_000_000 }),
      feeMinor: fc.integer({ min: 0, max: 500 }),
      currency: fc.constantFrom('USD' as const, 'EUR' as const, 'GBP' as const),
      perturbation: fc.constantFrom(...(Object.keys(PERTURBATIONS) as Perturbation[])),
      delta: fc.integer({ min: 1, max: 1_000 }),
    }),
    { maxLength: 60 },
  ),
  strangers: fc.integer({ min: 0, max: 3 }),
  order: fc.array(fc.nat(), { maxLength: 80 }),
});

describe('reconciliation engine, property', () => {
  it('finds every injected mismatch in its category and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryCase, async ({ payouts, strangers, order }) => {
        const ours: ReconPayout[] = [];
        const rows: Omit<ReportRow, 'line'>[] = [];
        const expected = new Map<string, string>();
        payouts.forEach((spec, i) => {
          const base = payout(i, { amountMinor: spec.amountMinor, feeMinor: spec.feeMinor, currency: spec.currency });
          const applied = apply(base, spec.perturbation, spec.delta);
          ours.push(applied.ours);
          rows.push(...applied.rows);
          expected.set(base.payoutId, PERTURBATIONS[spec.perturbation]);
        });
        for (let s = 0; s < strangers; s += 1)
          rows.push(rowFor(payout(10_000 + s), { payoutId: undefined, providerReference: `sbx_stranger_${s}` }));
        // Shuffle the report deterministically from the generated order.
        const shuffled = rows
          .map((row, i) => ({ row, k: order[i % Math.max(order.length, 1)] ?? i }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.row);
        const outputDir = mkdtempSync(join(tmpdir(), 'recon-prop-'));
        try {
          await runEngine(
            { date: DATE, report: bytesOf(reportCsv(shuffled), 97), payouts: streamOf(ours), outputDir, partitions: 3 },
            { openException: async (_r, ref) => ref.dedupKey },
          );
          const out = csvObjects(readFileSync(join(outputDir, 'reconciliation.csv'), 'utf8'));
          const byPayout = new Map(
            out
              .filter((r) => r.payout_id?.startsWith('po_0') && !r.provider_reference?.startsWith('sbx_stranger'))
              .map((r) => [r.payout_id!, r]),
          );
          for (const [payoutId, category] of expected) {
            const row = byPayout.get(payoutId);
            expect(row, payoutId).toBeDefined();
            const seen = row!.mismatch_category === '' && row!.match_status === 'matched' ? '' : row!.mismatch_category;
            expect([payoutId, seen]).toEqual([payoutId, category]);
            expect(row!.exception_id === '').toBe(category === '' || category === 'failed');
          }
          const orphans = out.filter((r) => r.mismatch_category === 'missing_internally');
          expect(orphans.map((r) => r.provider_reference).sort()).toEqual(
            Array.from({ length: strangers }, (_, s) => `sbx_stranger_${s}`),
          );
          expect(out).toHaveLength(payouts.length + strangers);
        } finally {
          rmSync(outputDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
    // Sixty whole runs, each a fresh DuckDB database with its SQL planned anew (~60 ms on an idle
    // core): the default 5 s is too tight on the shared 2-core machine.
  }, 60_000);
});
