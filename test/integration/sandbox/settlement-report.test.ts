// The sandbox's settlement report over HTTP: every report_* trigger perturbs its payout's row, and
// our engine, given our side of the same payouts (all paid, as our books would say), puts each one
// in the category docs/sandbox-provider.md promises.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEngine } from '../../../functions/adapters/reconciliation/engine';
import type { ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process.js';
import { csvObjects, streamOf } from '../../support/reconciliation-fixtures';
import { advanceSandbox, postPayout, sandboxRequest } from '../../support/sandbox-client.js';

const STEP_SECONDS = 60;
const EXPECTED: Record<string, { category: string; reportRows: number }> = {
  paid: { category: '', reportRows: 1 },
  failed: { category: 'failed', reportRows: 1 },
  returned: { category: 'reversed_after_paid', reportRows: 1 },
  report_omitted: { category: 'missing_at_provider', reportRows: 0 },
  report_amount_changed: { category: 'amount_mismatch', reportRows: 1 },
  report_fee_changed: { category: 'fee_mismatch', reportRows: 1 },
  report_duplicated: { category: 'duplicate_at_provider', reportRows: 2 },
  report_status_changed: { category: 'status_mismatch', reportRows: 1 },
};

let sandbox: SandboxProvider;
let stateDir: string;
let outputDir: string;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sandbox-report-'));
  outputDir = mkdtempSync(join(tmpdir(), 'sandbox-report-out-'));
  sandbox = await startSandboxProvider({ port: 0, stateDir, stepSeconds: STEP_SECONDS });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(outputDir, { recursive: true, force: true });
});

describe('sandbox settlement report', () => {
  it('refuses a malformed date', async () => {
    const response = await fetch(`${sandbox.url}/v1/reports/settlement?date=2026-13-01`);
    expect(response.status).toBe(400);
  });

  it('produces every report category on purpose through its test triggers', async () => {
    const ours: ReconPayout[] = [];
    for (const trigger of Object.keys(EXPECTED)) {
      const payoutId = `po_report_${trigger}`;
      const created = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, trigger));
      expect(created.status).toBe(200);
      const p = created.body;
      ours.push({
        payoutId,
        idempotencyKey: `key-${trigger}`,
        provider: 'sandbox',
        providerReference: p.id,
        status: trigger === 'failed' ? 'failed' : 'paid',
        amountMinor: p.amount,
        feeMinor: trigger === 'failed' ? 0 : p.fee,
        currency: 'EUR',
        createdAt: p.created,
        lastEventAt: p.created,
      });
    }
    await advanceSandbox(sandbox.url, 10 * STEP_SECONDS);
    const date = String(ours[0]!.createdAt).slice(0, 10);
    const response = await fetch(`${sandbox.url}/v1/reports/settlement?date=${date}`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = await response.text();
    const reportRows = csvObjects(csv);
    for (const [trigger, { reportRows: count }] of Object.entries(EXPECTED)) {
      expect(
        reportRows.filter((r) => r['metadata[payout_id]'] === `po_report_${trigger}`),
        trigger,
      ).toHaveLength(count);
    }
    // A failed payout carries no fee at the sandbox either way; ours says 0 so fees agree.
    await runEngine(
      { date, report: Readable.from([Buffer.from(csv, 'utf8')]), payouts: streamOf(ours), outputDir, partitions: 2 },
      { openException: async (_r, ref) => ref.dedupKey },
    );
    const rows = csvObjects(readFileSync(join(outputDir, 'reconciliation.csv'), 'utf8'));
    const seen = Object.fromEntries(
      rows.map((r) => [r['payout_id']!.replace('po_report_', ''), r['mismatch_category']]),
    );
    expect(seen).toEqual(Object.fromEntries(Object.entries(EXPECTED).map(([t, e]) => [t, e.category])));
  });
});
