import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type RunDependencies } from '../../../functions/app/reconciliation/run';
import { payoutItem } from '../../../functions/adapters/payout-items';
import type { Payout } from '../../../functions/domain/payout';
import type { ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import { reconciliationRunSchema } from '../../../functions/http/reconciliation-schemas';
import { ENV } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { bytesOf, csvObjects, payout, reportCsv, rowFor } from '../../support/reconciliation-fixtures';
import { exceptionItems as exceptionItemsOf, runDependenciesOn } from './run-harness';

// A batch of ours in the real run, on DynamoDB Local + fauxqs S3: six items (five USD, one EUR), some
// failed, and a provider report whose settlement batch is `paid` while some of its items are not.
// The day is read through the gsi4 day index, so the batch identity reaches the export only if the
// index projects it. Every item is on reconciliation.csv with its batch; the batch contradicting
// its items is batch_item_status_mismatch (provider), apart from a plain status_mismatch; summary.json
// and the run record give the batch's totals and its failed slice.

const DATE = '2026-11-12';
const FILES = ['reconciliation.csv', 'exceptions.csv', 'summary.json', 'manifest.json'];
const BATCH = { batchId: 'bat_01JDXRECONBATCH0000000000', senderBatchId: 'payroll-2026-11' };

let emulators: StartedEmulators;
let deps: RunDependencies;
let clock = Date.parse(`${DATE}T00:00:00.000Z`) + 3 * 86_400_000;

const at = { createdAt: `${DATE}T10:00:00.000Z`, lastEventAt: `${DATE}T10:05:00.000Z` };
const paid1 = payout(1, at);
const paid2 = payout(2, at);
const failedAgreed = payout(3, { ...at, status: 'failed', feeMinor: 0 });
const failedInPaidBatch = payout(4, { ...at, status: 'failed', feeMinor: 0 });
const pendingInPaidBatch = payout(5, { ...at, status: 'pending' });
const paidHereFailedThere = payout(6, { ...at, currency: 'EUR' });
const notABatchItem = payout(7, at);
const items = [paid1, paid2, failedAgreed, failedInPaidBatch, pendingInPaidBatch, paidHereFailedThere];

function asPayout(p: ReconPayout, n?: number): Payout {
  return {
    ...p,
    tenantId: 'tenant-a',
    version: 1,
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'R' },
    requestIds: ['req-1'],
    ...(n === undefined ? {} : { batch: { ...BATCH, senderItemId: `item-${n}` } }),
  } as Payout;
}

const settled = { batchId: 'sbx_settlement_1112', batchStatus: 'paid' as const };
const report = reportCsv([
  rowFor(paid1, settled),
  rowFor(paid2, settled),
  rowFor(failedAgreed, { batchId: undefined }), // refused before any settlement batch
  rowFor(failedInPaidBatch, settled), // the batch says paid; its item failed
  rowFor(pendingInPaidBatch, { ...settled, status: 'in_transit', settledAt: undefined }),
  rowFor(paidHereFailedThere, { ...settled, status: 'failed' }),
  rowFor(notABatchItem, settled),
]);

beforeAll(async () => {
  emulators = await startEmulators();
  const env = emulators.env;
  const client = emulators.clients.documentClient;
  const all = [...items.map((p, i) => asPayout(p, i + 1)), asPayout(notABatchItem)];
  for (const p of all) await client.send(new PutCommand({ TableName: env[ENV.payoutsTable]!, Item: payoutItem(p) }));
  deps = runDependenciesOn(emulators, {
    fetchReport: async () => bytesOf(report, 4096),
    now: () => new Date((clock += 1_000)),
  });
});
afterAll(async () => emulators?.stop());

const exceptionItems = () => exceptionItemsOf(emulators);
const published = async () => Promise.all(FILES.map((name) => deps.store.readExportFile(DATE, name)));
const sum = (ps: ReconPayout[]) => ps.reduce((total, p) => total + p.amountMinor, 0);

describe('reconciliation of a batch: its items, the batch against them (DynamoDB Local + fauxqs)', () => {
  it('puts every item on the export with payout_batch_id and sender_batch_id, and the new category', async () => {
    const run = await runReconciliation(deps, DATE, 'cli');
    expect(run.state).toBe('succeeded');
    const [reconciliation, exceptions, , manifest] = await published();
    const rows = csvObjects(reconciliation!.toString('utf8'));
    const view = (r: Record<string, string>) => [
      r.payout_id,
      r.payout_batch_id,
      r.sender_batch_id,
      r.mismatch_category,
      r.exception_owner,
      r.mismatches,
    ];
    const b = [BATCH.batchId, BATCH.senderBatchId];
    expect(rows.map(view).sort()).toEqual([
      ['po_000001', ...b, '', '', ''],
      ['po_000002', ...b, '', '', ''],
      ['po_000003', ...b, 'failed', '', ''],
      ['po_000004', ...b, 'batch_item_status_mismatch', 'provider', 'batch_item_status_mismatch'],
      ['po_000005', ...b, 'batch_item_status_mismatch', 'provider', 'batch_item_status_mismatch'],
      ['po_000006', ...b, 'status_mismatch', 'ops', 'status_mismatch;batch_item_status_mismatch'],
      ['po_000007', '', '', '', '', ''],
    ]);
    // The provider's settlement batch stays in batch_id, as before.
    expect(rows.find((r) => r.payout_id === 'po_000004')!.batch_id).toBe('sbx_settlement_1112');
    expect(rows.find((r) => r.payout_id === 'po_000004')!.detail).toBe(
      'provider batch sbx_settlement_1112 is paid while the item is failed',
    );
    expect(JSON.parse(manifest!.toString('utf8')).generator_version).toBe('1.6.0');

    const exceptionRows = csvObjects(exceptions!.toString('utf8'));
    expect(exceptionRows.map((r) => [r.payout_id, r.category, r.owner]).sort()).toEqual([
      ['po_000004', 'batch_item_status_mismatch', 'provider'],
      ['po_000005', 'batch_item_status_mismatch', 'provider'],
      ['po_000006', 'status_mismatch', 'ops'],
    ]);
    const stored = await exceptionItems();
    expect(stored.map((e) => [e['payoutId'], e['category'], e['owner'], e['state']]).sort()).toEqual([
      ['po_000004', 'batch_item_status_mismatch', 'provider', 'open'],
      ['po_000005', 'batch_item_status_mismatch', 'provider', 'open'],
      ['po_000006', 'status_mismatch', 'ops', 'open'],
    ]);
  });

  it('gives the batch its per-currency totals and its failed slice, in summary.json and the run record', async () => {
    const [, , summaryBytes] = await published();
    const summary = JSON.parse(summaryBytes!.toString('utf8'));
    const usdItems = items.filter((p) => p.currency === 'USD');
    // USD and EUR both have two decimals.
    const bucket = (count: number, minor: number) => ({ count, total_minor: minor, total: (minor / 100).toFixed(2) });
    expect(summary.batches).toEqual({
      [BATCH.batchId]: {
        sender_batch_id: BATCH.senderBatchId,
        currencies: {
          EUR: {
            ...bucket(1, paidHereFailedThere.amountMinor),
            paid: bucket(1, paidHereFailedThere.amountMinor),
            failed: bucket(0, 0),
          },
          USD: {
            ...bucket(5, sum(usdItems)),
            paid: bucket(2, sum([paid1, paid2])),
            failed: bucket(2, sum([failedAgreed, failedInPaidBatch])),
          },
        },
        failed_items: { count: 2, payout_ids: ['po_000003', 'po_000004'], truncated: false },
      },
    });
    expect(summary.currencies.USD.categories.batch_item_status_mismatch).toBe(2);

    // What GET /reconciliations/{date} shows: the run record's counts, in the route's schema.
    const run = (await deps.runs.get(DATE))!;
    expect(run.counts!.batchesTotal).toBe(1);
    expect(run.counts!.batches).toEqual(summary.batches);
    expect(reconciliationRunSchema.shape.counts.parse(run.counts)).toEqual(run.counts);
  });

  it('a re-run writes byte-identical files and opens no second exception', async () => {
    const before = await published();
    const exceptionsBefore = (await exceptionItems()).map((e) => e['exceptionId']).sort();
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
    const after = await published();
    after.forEach((bytes, i) => expect(bytes!.equals(before[i]!), FILES[i]).toBe(true));
    expect((await exceptionItems()).map((e) => e['exceptionId']).sort()).toEqual(exceptionsBefore);
  });
});
