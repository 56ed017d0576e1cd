import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchItemObjects } from '../../../functions/adapters/batch-item-objects';
import { BatchesRepository } from '../../../functions/adapters/batches-repository';
import { acceptBatch, type AcceptBatchDeps } from '../../../functions/app/batches/accept-batch';
import { chunkItemsFromObject } from '../../../functions/app/batches/batch-items-object';
import type { StoredBatchItem } from '../../../functions/adapters/batch-items';
import type { Batch } from '../../../functions/domain/batches/batch';
import { noUploads } from '../../support/no-uploads';
import { parseApprovalPolicies } from '../../../functions/domain/approval';
import { BATCH_ID_WINDOW_DAYS, BATCH_ITEMS_MAX } from '../../../functions/domain/batches/batch-limits';
import { batchItemPayoutId } from '../../../functions/domain/batches/batch-identity';
import { newBatchId } from '../../../functions/shared/ids';
import approvalPolicyFile from '../../../config/approval-policy.json';
import { ledgerSums, scanAll } from '../payouts/helpers';
import { item, postBatch, startBatchesHarness, type BatchesHarness } from './harness';

let h: BatchesHarness;

beforeAll(async () => {
  h = await startBatchesHarness();
});
afterAll(async () => h?.emulators.stop());
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(h.emulators.clients.documentClient, h.tables.ledger)))
    expect(sum).toBe(0);
});

async function fromObject(objects: BatchItemObjects, batch: Batch): Promise<StoredBatchItem[]> {
  const items: StoredBatchItem[] = [];
  for await (const stored of chunkItemsFromObject(objects, batch, 0)) items.push(stored);
  return items;
}
const itemCount = async () => (await scanAll(h.emulators.clients.documentClient, h.tables.payouts)).length;
const getBatch = (batchId: string, options: { tenant?: string } = {}) =>
  h.api({ method: 'GET', path: `/batches/${batchId}`, routePath: '/batches/{batchId}', ...options });
/** INR and JPY have no threshold in the policy: a batch with them needs its approval (fail closed). */
async function approve(batchId: string) {
  const response = await h.api({
    method: 'POST',
    path: `/batches/${batchId}/approve`,
    routePath: '/batches/{batchId}/approve',
    role: 'approver',
    scopes: ['payouts:approve', 'payouts:read'],
    clientId: 'client-approver',
  });
  expect(response.statusCode).toBe(200);
}
const listItems = (batchId: string, query?: Record<string, string>) =>
  h.api({
    method: 'GET',
    path: `/batches/${batchId}/items`,
    routePath: '/batches/{batchId}/items',
    ...(query ? { query } : {}),
  });

describe('POST /batches: whole-batch errors, nothing written', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => item({ sender_item_id: `bulk-${i}` }));
  it.each([
    ['0 items', { sender_batch_id: 'bad-0', items: [] }, 'batch_items_empty', undefined],
    [
      `${BATCH_ITEMS_MAX + 1} items`,
      { sender_batch_id: 'bad-1', items: many(BATCH_ITEMS_MAX + 1) },
      'batch_items_too_many',
      undefined,
    ],
    [
      'a duplicate sender_item_id',
      { sender_batch_id: 'bad-2', items: [item({ sender_item_id: 'x' }), item(), item({ sender_item_id: 'x' })] },
      'sender_item_id_duplicate',
      [2],
    ],
    [
      'schema errors at two indices',
      { sender_batch_id: 'bad-3', items: [item(), item({ amount: -1 }), item(), item({ currency: 'XXX' })] },
      'batch_items_invalid',
      [1, 3],
    ],
    ['neither items nor upload_id', { sender_batch_id: 'bad-4' }, 'batch_source_invalid', undefined],
    ['a bad sender_batch_id', { sender_batch_id: 'has space', items: [item()] }, 'sender_batch_id_invalid', undefined],
  ])('%s → 400', async (_name, body, code, indices) => {
    const before = await itemCount();
    const response = await postBatch(h, body);
    expect(response.statusCode).toBe(400);
    expect(response.body.error).toMatchObject({
      code,
      category: 'terminal',
      request_id: response.headers['request-id'],
    });
    if (indices !== undefined)
      expect(response.body.error.items.map((i: { index: number }) => i.index)).toEqual(indices);
    expect(await itemCount()).toBe(before);
    expect(await h.drain('batch')).toEqual([]);
  });

  it('an upload that does not exist → 404 upload_not_found, nothing written', async () => {
    const before = await itemCount();
    const response = await postBatch(h, { sender_batch_id: 'upl-1', upload_id: 'up_01JD0000000000000000000000' });
    expect(response.statusCode).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'upload_not_found', param: 'upload_id' });
    expect(await itemCount()).toBe(before);
  });
});

describe('POST /batches → fan-out → item-level truth', () => {
  it('accepts (202), fans out per chunk, holds what a single payout would be held at, rejects only the bad item, and a redelivered chunk pays no one twice', async () => {
    const good = [item(), item()];
    const gated = item({
      currency: 'INR',
      amount: 50_000,
      destination: { country: 'IN', method: 'imps', account_number: '1234567890', ifsc: 'HDFC0000001' },
    });
    const disabled = item({ currency: 'JPY', amount: 5_000, destination: { country: 'JP', method: 'zengin' } });
    // IN/INR/imps is policy-gated and acme is not enabled for it; IT/EUR/sepa asks for a tax form
    // (config/corridors.json): each item gets the record behind its recipient and a payout held before
    // submission, exactly where a single payout would be held (issue 15).
    const taxed = item({ destination: { country: 'IT', method: 'sepa', iban: 'IT60X0542811101000000123456' } });
    const accepted = await postBatch(h, { sender_batch_id: 'payroll-1', items: [...good, gated, disabled, taxed] });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.body).toMatchObject({
      status: 'received',
      item_count: 5,
      counts: { received: 5 },
      approval: { status: 'pending' },
    });
    const batchId = accepted.body.batch_id as string;
    expect((await h.entities('payout')).filter((p) => (p['batch'] as any)?.batchId === batchId)).toEqual([]);
    expect(await h.drain('batch')).toEqual([]);
    await approve(batchId);

    const messages = await h.drain('batch');
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ batchId, chunk: 0 }]);
    expect(await h.deliver(messages)).toEqual([]);
    const payouts = () =>
      h.entities('payout').then((all) => all.filter((p) => (p['batch'] as any)?.batchId === batchId));
    expect((await payouts()).map((p) => p['payoutId']).sort()).toEqual(
      [...good, gated, taxed]
        .map((g) =>
          batchItemPayoutId({
            tenantId: 'acme',
            senderBatchId: 'payroll-1',
            senderItemId: g['sender_item_id'] as string,
          }),
        )
        .sort(),
    );
    const payoutOf = async (i: Record<string, unknown>) =>
      (await payouts()).find((p) => (p['batch'] as any).senderItemId === i['sender_item_id'])!;
    // Only the unheld items go to the submitter; the held ones wait for their releases.
    const submitted = (await h.drain('submission')).map((m) => JSON.parse(m.Body!).payoutId).sort();
    expect(submitted).toEqual((await Promise.all(good.map(payoutOf))).map((p) => p['payoutId']).sort());
    const gatedPayout = await payoutOf(gated);
    expect(gatedPayout).toMatchObject({ status: 'submitted', openHoldCount: 1 });
    expect(gatedPayout['holds']).toEqual({
      corridor_enablement: expect.objectContaining({
        kind: 'corridor_enablement',
        owner: 'ops',
        requirement: 'corridor_enablement:IN/INR/imps',
      }),
    });
    const taxedPayout = await payoutOf(taxed);
    expect(taxedPayout['holds']).toMatchObject({
      tax_form: { kind: 'tax_form', owner: 'tenant', evidence: { tax_form_state: 'missing', form_type: 'W-8BEN' } },
    });
    // Every item's payout has the record behind its recipient, as an inline single payout does.
    for (const p of await payouts()) expect(p['recipientId']).toMatch(/^rcp_/);
    const recipients = (await scanAll(h.emulators.clients.documentClient, process.env['RECIPIENTS_TABLE']!)).filter(
      (r) => r['recipientId'] === taxedPayout['recipientId'],
    );
    expect(recipients).toHaveLength(1);
    expect(recipients[0]).toMatchObject({ origin: 'inline', country: 'IT' });

    // The same chunk again (a crash after the commit, an SQS redelivery): the key locks find the payouts,
    // and only the unheld ones are queued again.
    expect(await h.deliver(messages)).toEqual([]);
    expect(await payouts()).toHaveLength(4);
    expect((await h.drain('submission')).map((m) => JSON.parse(m.Body!).payoutId).sort()).toEqual(submitted);

    const batch = await getBatch(batchId);
    expect(batch.statusCode).toBe(200);
    expect(batch.body).toMatchObject({ status: 'processing', counts: { submitted: 4, rejected: 1 } });
    expect(batch.body.totals).toEqual([
      { currency: 'EUR', amount: 37_500, item_count: 3 },
      { currency: 'INR', amount: 50_000, item_count: 1 },
      { currency: 'JPY', amount: 5_000, item_count: 1 },
    ]);
    const rejected = await listItems(batchId, { status: 'rejected' });
    expect(rejected.body.data.map((i: any) => [i.sender_item_id, i.error.code, i.error.category])).toEqual([
      [disabled['sender_item_id'], 'corridor_not_enabled', 'terminal'],
    ]);
  });

  it('pages the items by cursor in sender_item_id order', async () => {
    const items = Array.from({ length: 250 }, (_, i) => item({ sender_item_id: `p-${String(i).padStart(3, '0')}` }));
    const { body } = await postBatch(h, { sender_batch_id: 'paged', items });
    // Before the fan-out the items wait in the accepted object: nothing is listed, and the page says so.
    const before = await listItems(body.batch_id);
    expect(before.body).toMatchObject({ data: [], next_cursor: null, pending_materialisation: true });
    expect((await getBatch(body.batch_id)).body).toMatchObject({
      status: 'received',
      item_count: 250,
      materialised_item_count: 0,
      counts: { received: 250 },
    });
    await approve(body.batch_id);
    expect(await h.deliver(await h.drain('batch'))).toEqual([]);
    await h.drain('submission');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listItems(body.batch_id, { limit: '100', ...(cursor ? { cursor } : {}) });
      expect(page.statusCode).toBe(200);
      seen.push(...page.body.data.map((i: any) => i.sender_item_id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(items.map((i) => i['sender_item_id']));
    expect((await listItems(body.batch_id)).body.pending_materialisation).toBe(false);
    expect((await getBatch(body.batch_id)).body.materialised_item_count).toBe(250);
    expect((await listItems(body.batch_id, { cursor: 'bm90LWEtY3Vyc29y' })).body.error.code).toBe('cursor_invalid');
  });
});

describe('the batch identity', () => {
  it('same id + same content → the original (Idempotent-Replayed); other content → 409 with a link', async () => {
    const items = [item(), item()];
    const first = await postBatch(h, { sender_batch_id: 'ident-1', items });
    const again = await postBatch(h, { sender_batch_id: 'ident-1', items: [...items].reverse() });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.batch_id).toBe(first.body.batch_id);
    const before = await itemCount();
    const reused = await postBatch(h, { sender_batch_id: 'ident-1', items: [items[0], { ...items[1], amount: 1 }] });
    expect(reused.statusCode).toBe(409);
    expect(reused.body.error).toMatchObject({
      code: 'batch_id_reused',
      category: 'terminal',
      batch_id: first.body.batch_id,
      batch_url: `/batches/${first.body.batch_id}`,
    });
    expect(await itemCount()).toBe(before);
    const found = await h.api({
      method: 'GET',
      path: '/batches',
      routePath: '/batches',
      query: { sender_batch_id: 'ident-1' },
    });
    expect(found.body.data.map((b: any) => b.batch_id)).toEqual([first.body.batch_id]);
  });

  it(`holds the id ${BATCH_ID_WINDOW_DAYS} days (injected clock); after it, items still map to their first payouts`, async () => {
    const store = new BatchesRepository(h.emulators.clients.documentClient, h.tables.payouts);
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const sent: unknown[] = [];
    const deps: AcceptBatchDeps = {
      store,
      itemsSource: noUploads,
      itemObjects: new BatchItemObjects({
        client: h.emulators.clients.s3,
        bucket: process.env['BATCH_UPLOADS_BUCKET']!,
      }),
      enqueueFanOut: async (m) => void sent.push(...m),
      approvalPolicies: parseApprovalPolicies(approvalPolicyFile),
      amountMaxMinor: 100_000_000,
      nowIso: () => new Date(now).toISOString(),
      newBatchId,
    };
    const caller = { tenantId: 'acme', clientId: 'c1', subject: 'c1', scopes: [], role: 'backend' } as const;
    const request = (amount: number) => ({
      senderBatchId: 'windowed',
      source: 'items' as const,
      items: [item({ sender_item_id: 'w-1', amount })],
    });
    const first = await acceptBatch(deps, { request: request(100), caller: caller as never, requestId: 'r1' });
    now += BATCH_ID_WINDOW_DAYS * 86_400_000 - 1;
    await expect(
      acceptBatch(deps, { request: request(200), caller: caller as never, requestId: 'r2' }),
    ).rejects.toMatchObject({
      code: 'batch_id_reused',
    });
    now += 1;
    const second = await acceptBatch(deps, { request: request(200), caller: caller as never, requestId: 'r3' });
    expect(second.replayed).toBe(false);
    expect(second.batch.batchId).not.toBe(first.batch.batchId);
    // Same item identity → the same payout id: its never-expiring key lock refuses a second payout.
    // (The items wait in each batch's accepted object until process-batch writes their records.)
    const [a] = await fromObject(deps.itemObjects as BatchItemObjects, first.batch);
    const [b] = await fromObject(deps.itemObjects as BatchItemObjects, second.batch);
    expect(b!.payoutId).toBe(a!.payoutId);
  });
});

describe('tenancy, approval, retry', () => {
  it("another tenant's batch → 404", async () => {
    const { body } = await postBatch(h, { sender_batch_id: 'mine', items: [item()] });
    const response = await getBatch(body.batch_id, { tenant: 'globex' });
    expect(response.statusCode).toBe(404);
    expect(response.body.error.code).toBe('resource_not_found');
    await h.drain('batch');
  });

  it('a batch at the threshold waits for one approval by another principal; nothing is submitted before', async () => {
    const { body } = await postBatch(h, {
      sender_batch_id: 'big',
      items: [item({ amount: 600_000 }), item({ amount: 400_000 })],
    });
    expect(body.approval).toMatchObject({ status: 'pending', thresholds: [{ currency: 'EUR', threshold: 1_000_000 }] });
    expect(await h.drain('batch')).toEqual([]);
    const approve = (clientId: string) =>
      h.api({
        method: 'POST',
        path: `/batches/${body.batch_id}/approve`,
        routePath: '/batches/{batchId}/approve',
        role: 'approver',
        scopes: ['payouts:approve', 'payouts:read'],
        clientId,
      });
    const self = await approve('client-acme');
    expect(self.statusCode).toBe(403);
    expect(self.body.error.code).toBe('self_approval_forbidden');
    expect(await h.drain('batch')).toEqual([]);
    const approved = await approve('client-approver');
    expect(approved.statusCode).toBe(200);
    expect(approved.body.approval).toMatchObject({ status: 'approved', decided_by: 'client-approver' });
    expect((await h.drain('batch')).map((m) => JSON.parse(m.Body!))).toEqual([{ batchId: body.batch_id, chunk: 0 }]);
    // Approved again: answered unchanged, nothing queued twice.
    const again = await approve('client-approver-2');
    expect(again.statusCode).toBe(200);
    expect(again.body.approval).toMatchObject({ status: 'approved', decided_by: 'client-approver' });
    expect(await h.drain('batch')).toEqual([]);
  });

  it('retry: a backend token gets 403; the batch operator moves only retryable rejections, audited; a retried policy-gated item is held, not queued', async () => {
    const gated = item({
      currency: 'INR',
      amount: 50_000,
      destination: { country: 'IN', method: 'imps', account_number: '1234567890', ifsc: 'HDFC0000001' },
    });
    const { body } = await postBatch(h, {
      sender_batch_id: 'retry-1',
      items: [
        item(),
        gated,
        item({ currency: 'JPY', amount: 5_000, destination: { country: 'JP', method: 'zengin' } }),
      ],
    });
    await approve(body.batch_id);
    // A first delivery that runs short materialises the items and creates none (FAN_OUT_TIME_RESERVE_MS) ...
    expect(await h.deliver(await h.drain('batch'), { getRemainingTimeInMillis: () => 1_000 })).toEqual([]);
    // ... and the gated item is rejected as the fan-out did before batch items carried holds (fail closed): a
    // rejection on a stored batch that a retry, once the gates run, turns into a held payout.
    const repository = new BatchesRepository(h.emulators.clients.documentClient, h.tables.payouts);
    const stored = (await repository.chunkItems(body.batch_id, 0)).find(
      (i) => i.senderItemId === gated['sender_item_id'],
    )!;
    const rejection = {
      code: 'corridor_policy_gated',
      category: 'human_action_required' as const,
      message: 'corridor IN/INR/imps is gated by policy',
      param: 'destination',
      at: new Date().toISOString(),
    };
    expect(await repository.rejectItem(stored, rejection)).toBe(true);
    expect(await h.deliver(await h.drain('batch'))).toEqual([]);
    expect(await h.drain('submission')).toHaveLength(1);
    const retry = (role: string, scopes: string[]) =>
      h.api({
        method: 'POST',
        path: `/batches/${body.batch_id}/retry`,
        routePath: '/batches/{batchId}/retry',
        role,
        scopes,
      });
    const backend = await retry('backend', ['batches:write', 'payouts:read']);
    expect(backend.statusCode).toBe(403);
    expect(backend.body.error.code).toBe('insufficient_scope');

    // The terminal rejection (JP: corridor not enabled) stays; the human_action_required one moves.
    const operator = await retry('batch-operator', ['batches:retry', 'payouts:read']);
    expect(operator.body).toEqual({ batch_id: body.batch_id, moved: 1 });
    const messages = await h.drain('batch');
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([
      { batchId: body.batch_id, chunk: 0, senderItemIds: [gated['sender_item_id']] },
    ]);
    await h.deliver(messages);
    // Its payout is created held (corridor_enablement): nothing queued for the submitter, the paid-or-pending
    // item untouched.
    expect(await h.drain('submission')).toEqual([]);
    const items = await listItems(body.batch_id);
    expect(items.body.data.find((i: any) => i.sender_item_id === gated['sender_item_id'])).toMatchObject({
      status: 'submitted',
      retries: 1,
      open_holds: [{ kind: 'corridor_enablement', owner: 'ops', requirement: 'corridor_enablement:IN/INR/imps' }],
    });
    const audit = (await scanAll(h.emulators.clients.documentClient, process.env['AUDIT_TABLE']!)).filter(
      (r) => r['action'] === 'batch.retried',
    );
    expect(audit.map((r) => (r['details'] as any).moved)).toEqual([1]);
  });

  it('retry with nothing retryable → 200 moved 0', async () => {
    const { body } = await postBatch(h, { sender_batch_id: 'retry-0', items: [item()] });
    await h.deliver(await h.drain('batch'));
    await h.drain('submission');
    const response = await h.api({
      method: 'POST',
      path: `/batches/${body.batch_id}/retry`,
      routePath: '/batches/{batchId}/retry',
      role: 'batch-operator',
      scopes: ['batches:retry', 'payouts:read'],
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ batch_id: body.batch_id, moved: 0 });
  });
});

describe('DynamoDB calls per item (docs/batches.md)', () => {
  it('accepting and fanning out 300 items', async () => {
    const n = 300;
    const items = Array.from({ length: n }, (_, i) =>
      // One recipient each, as a payroll pays: every item's record is made (and screened) by its fan-out.
      item({
        sender_item_id: `calls-${String(i).padStart(4, '0')}`,
        amount: 500,
        recipient: { name: `Payroll Employee ${String(i).padStart(4, '0')}` },
      }),
    );
    h.dynamoCalls.reset();
    const accepted = await postBatch(h, { sender_batch_id: 'calls', items });
    expect(accepted.statusCode).toBe(202);
    const accepting = [...h.dynamoCalls.calls];
    h.dynamoCalls.reset();
    const messages = await h.drain('batch');
    expect(messages).toHaveLength(n / 100);
    expect(await h.deliver(messages)).toEqual([]);
    const fanning = [...h.dynamoCalls.calls];
    const byCommand = (calls: string[]) =>
      Object.fromEntries([...new Set(calls)].sort().map((c) => [c, calls.filter((x) => x === c).length]));
    // Accepting: the claim, the commit (batch + claim), the fan-out mark: 3 calls whatever the item count
    // (0.01 per item here, 0.0002 for 15,000); the items go to S3 as one object, not to DynamoDB.
    expect(byCommand(accepting)).toEqual({
      PutItemCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 1,
    });
    // Fan-out: per chunk of 100 one GetItem (the batch), one Query (which items exist: none), one
    // conditional PutItem per item (materialised), one Query (read back); per item its recipient's
    // gates (issue 15: a GetItem, and for a first-paid recipient its record's put-if-absent, written with
    // its clear screening: payout-recipient.ts#createdItem) and one creation transaction: 4.05 per item
    // (2.05 before batch items were gated; a recipient already on record costs 3.05).
    expect(byCommand(fanning)).toEqual({
      GetItemCommand: n / 100 + n,
      QueryCommand: (2 * n) / 100,
      PutItemCommand: 2 * n,
      TransactWriteItemsCommand: n,
    });
    // A redelivered chunk finds all its records: no item is put again (its creations meet their key locks).
    h.dynamoCalls.reset();
    expect(await h.deliver(messages.slice(0, 1))).toEqual([]);
    expect(byCommand([...h.dynamoCalls.calls])['PutItemCommand']).toBeUndefined();
    await h.drain('submission');
  });
});

describe('process-batch materialises the accepted items object', () => {
  it('a chunk whose invocation runs short hands its unstarted items on; the continuation creates them', async () => {
    const items = [item({ amount: 500 }), item({ amount: 500 })];
    const { body } = await postBatch(h, { sender_batch_id: 'short-1', items });
    const payouts = async () =>
      (await h.entities('payout')).filter((p) => (p['batch'] as any)?.batchId === body.batch_id);
    // 1 s left of the invocation: under FAN_OUT_TIME_RESERVE_MS, so no creation starts.
    expect(await h.deliver(await h.drain('batch'), { getRemainingTimeInMillis: () => 1_000 })).toEqual([]);
    expect(await payouts()).toEqual([]);
    const continued = await h.drain('batch');
    expect(continued.map((m) => JSON.parse(m.Body!))).toEqual([
      { batchId: body.batch_id, chunk: 0, senderItemIds: items.map((i) => i['sender_item_id']).sort() },
    ]);
    expect(await h.deliver(continued)).toEqual([]);
    expect(await payouts()).toHaveLength(2);
    await h.drain('submission');
  });

  it('the accept writes no item record; a chunk resumes after a crash and never overwrites a record', async () => {
    const items = [item({ amount: 500 }), item({ amount: 500 }), item({ amount: 500 })];
    const accepted = await postBatch(h, { sender_batch_id: 'materialise-1', items });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.body).toMatchObject({ item_count: 3, materialised_item_count: 0, counts: { received: 3 } });
    const batchId = accepted.body.batch_id as string;
    const records = async () => (await h.entities('batch_item')).filter((i) => i['batchId'] === batchId);
    expect(await records()).toEqual([]);

    // A delivery that crashed after writing one record, which a racing delivery had already rejected.
    const store = new BatchesRepository(h.emulators.clients.documentClient, h.tables.payouts);
    const objects = new BatchItemObjects({
      client: h.emulators.clients.s3,
      bucket: process.env['BATCH_UPLOADS_BUCKET']!,
    });
    const [first] = await fromObject(objects, (await store.getBatch(batchId))!);
    const planted = {
      code: 'planted_rejection',
      category: 'terminal' as const,
      message: 'planted',
      at: '2026-12-01T00:00:00.000Z',
    };
    expect(await store.putItemsIfAbsent([{ ...first!, state: 'rejected', rejection: planted }])).toBe(1);
    expect(await store.putItemsIfAbsent([first!])).toBe(0);

    const messages = await h.drain('batch');
    expect(await h.deliver(messages)).toEqual([]);
    expect(await h.deliver(messages)).toEqual([]);
    const stored = await records();
    expect(stored).toHaveLength(3);
    expect(stored.find((r) => r['senderItemId'] === first!.senderItemId)).toMatchObject({
      state: 'rejected',
      rejection: { code: 'planted_rejection' },
    });
    const payouts = (await h.entities('payout')).filter((p) => (p['batch'] as any)?.batchId === batchId);
    expect(payouts).toHaveLength(2);
    expect((await getBatch(batchId)).body).toMatchObject({
      materialised_item_count: 3,
      counts: { submitted: 2, rejected: 1 },
    });
    await h.drain('submission');
  });
});
