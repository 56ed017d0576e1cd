import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type RunDependencies } from '../../../functions/app/reconciliation/run';
import { payoutItem } from '../../../functions/adapters/payout-items';
import type { Payout } from '../../../functions/domain/payout';
import type { ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import { ENV } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { bytesOf, csvObjects, payout, reportCsv, rowFor } from '../../support/reconciliation-fixtures';
import { exceptionItems as exceptionItemsOf, runDependenciesOn } from './run-harness';

// Status beats money, end to end on DynamoDB Local + fauxqs S3, as an outside probe sees it: four payouts we
// hold `paid` that the provider reports in transit, three of them also one cent of fee apart. All
// four are status mismatches owned by ops — none is a rounding question for finance — and each row,
// its exceptions.csv line and its exception's evidence name every mismatch.

/** A day of its own, so no other test's payouts share the window. */
const DATE = '2026-11-18';
const FILES = ['reconciliation.csv', 'exceptions.csv', 'summary.json', 'manifest.json'];

let emulators: StartedEmulators;
let deps: RunDependencies;
let clock = Date.parse(`${DATE}T00:00:00.000Z`) + 3 * 86_400_000;

function asPayout(p: ReconPayout): Payout {
  return {
    ...p,
    tenantId: 'tenant-a',
    version: 1,
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'R' },
    requestIds: ['req-1'],
  } as Payout;
}

const paid = [1, 2, 3, 4].map((n) =>
  payout(n, { status: 'paid', feeMinor: 25, createdAt: `${DATE}T10:00:00.000Z`, lastEventAt: `${DATE}T10:05:00.000Z` }),
);
const inTransit = (p: ReconPayout, feeMinor: number) =>
  rowFor(p, { status: 'in_transit', settledAt: undefined, feeMinor });
const report = reportCsv([
  inTransit(paid[0]!, 25),
  inTransit(paid[1]!, 26),
  inTransit(paid[2]!, 26),
  inTransit(paid[3]!, 26),
]);

beforeAll(async () => {
  emulators = await startEmulators();
  const env = emulators.env;
  const client = emulators.clients.documentClient;
  for (const p of paid)
    await client.send(new PutCommand({ TableName: env[ENV.payoutsTable]!, Item: payoutItem(asPayout(p)) }));
  deps = runDependenciesOn(emulators, {
    fetchReport: async () => bytesOf(report, 4096),
    now: () => new Date((clock += 1_000)),
  });
});
afterAll(async () => emulators?.stop());

const exceptionItems = () => exceptionItemsOf(emulators);
const published = async () => Promise.all(FILES.map((name) => deps.store.readExportFile(DATE, name)));

describe('reconciliation: one row, several mismatches, the right owner (DynamoDB Local + fauxqs)', () => {
  it('paid here, in transit there, one cent of fee apart: status_mismatch for ops, with every mismatch named', async () => {
    const run = await runReconciliation(deps, DATE, 'cli');
    expect(run.state).toBe('succeeded');
    const [reconciliation, exceptions] = await published();
    const rows = csvObjects(reconciliation!.toString('utf8'));
    const view = (r: Record<string, string>) => [r.payout_id, r.mismatch_category, r.exception_owner, r.mismatches];
    expect(rows.map(view).sort()).toEqual([
      ['po_000001', 'status_mismatch', 'ops', 'status_mismatch'],
      ['po_000002', 'status_mismatch', 'ops', 'status_mismatch;fee_mismatch'],
      ['po_000003', 'status_mismatch', 'ops', 'status_mismatch;fee_mismatch'],
      ['po_000004', 'status_mismatch', 'ops', 'status_mismatch;fee_mismatch'],
    ]);
    expect(rows.find((r) => r.payout_id === 'po_000002')!.detail).toBe(
      'status_mismatch: ours paid, provider in_transit; fee_mismatch: ours 0.25, provider 0.26',
    );

    const exceptionRows = csvObjects(exceptions!.toString('utf8'));
    expect(exceptionRows.map((r) => [r.payout_id, r.category, r.owner, r.mismatches]).sort()).toEqual(
      rows.map(view).sort(),
    );

    // The stored exceptions, as the owner's queue shows them: ops, with both mismatches in the evidence.
    const stored = await exceptionItems();
    expect(
      stored.map((e) => [e['payoutId'], e['category'], e['owner'], e['state'], e['evidence']['mismatches']]).sort(),
    ).toEqual([
      ['po_000001', 'status_mismatch', 'ops', 'open', ['status_mismatch']],
      ['po_000002', 'status_mismatch', 'ops', 'open', ['status_mismatch', 'fee_mismatch']],
      ['po_000003', 'status_mismatch', 'ops', 'open', ['status_mismatch', 'fee_mismatch']],
      ['po_000004', 'status_mismatch', 'ops', 'open', ['status_mismatch', 'fee_mismatch']],
    ]);
    expect(stored.some((e) => e['category'] === 'fee_mismatch' || e['owner'] === 'finance')).toBe(false);
  });

  it('a re-run writes byte-identical files and opens no second exception', async () => {
    const before = await published();
    const exceptionsBefore = (await exceptionItems()).map((e) => e['exceptionId']).sort();
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
    const after = await published();
    after.forEach((bytes, i) => expect(bytes.equals(before[i]!), FILES[i]).toBe(true));
    expect((await exceptionItems()).map((e) => e['exceptionId']).sort()).toEqual(exceptionsBefore);
  });
});
