// POST /batches { sender_batch_id, upload_id } end to end on DynamoDB Local + fauxqs: the file is
// requested (POST /batches/uploads), PUT to the presigned URL with fetch, read a row at a time by
// the real reader, and fanned out into payouts; a bad file is refused as the upload route refuses
// it (its status, code and row), with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchItemPayoutId } from '../../../functions/domain/batches/batch-identity';
import { apiEvent, lambdaContext, scanAll } from '../payouts/helpers';
import { postBatch, startBatchesHarness, type BatchesHarness } from './harness';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let h: BatchesHarness;
let uploadsHandler: Handler;

const HEADER = 'sender_item_id,amount,currency,destination.country,destination.method,destination.iban,recipient.name';
const rowsOf = (ids: readonly string[]) =>
  [HEADER, ...ids.map((id, i) => `${id},${1_000 + i},EUR,DE,sepa,DE89370400440532013000,Payee ${i}`)].join('\r\n');

beforeAll(async () => {
  h = await startBatchesHarness();
  uploadsHandler = ((await import('../../../functions/handlers/batch-uploads')) as { handler: Handler }).handler;
}, 300_000);
afterAll(async () => h?.emulators.stop());

/** POST /batches/uploads, then the PUT (unless `put` is false): the upload id. */
async function upload(body: string, options: { tenant?: string; put?: boolean } = {}): Promise<string> {
  const event = apiEvent({
    method: 'POST',
    path: '/batches/uploads',
    body: JSON.stringify({ format: 'csv', content_length: Buffer.byteLength(body) }),
    headers: { 'content-type': 'application/json' },
    tenant: options.tenant ?? 'acme',
    scopes: ['batches:write'],
  });
  const answer = await uploadsHandler(event, lambdaContext);
  expect(answer.statusCode, answer.body).toBe(201);
  const presigned = JSON.parse(answer.body) as {
    upload_id: string;
    upload_url: string;
    headers: Record<string, string>;
  };
  if (options.put !== false) {
    const response = await fetch(presigned.upload_url, { method: 'PUT', body, headers: presigned.headers });
    expect(response.status, await response.text()).toBe(200);
  }
  return presigned.upload_id;
}

const storedItems = async () =>
  (await scanAll(h.emulators.clients.documentClient, h.tables.payouts)).filter((i) => i['entity'] !== undefined).length;

describe('POST /batches from an uploaded CSV', () => {
  it('accepts the file’s rows as items (202) and fans them out into one payout each', async () => {
    const ids = ['row-a', 'row-b', 'row-c'];
    const uploadId = await upload(rowsOf(ids));
    const accepted = await postBatch(h, { sender_batch_id: 'from-file-1', upload_id: uploadId });
    expect(accepted.statusCode, JSON.stringify(accepted.body)).toBe(202);
    expect(accepted.body).toMatchObject({ sender_batch_id: 'from-file-1', item_count: 3 });
    const batchId = accepted.body.batch_id as string;

    const messages = await h.drain('batch');
    expect(messages.length).toBeGreaterThan(0);
    expect(await h.deliver(messages)).toEqual([]);
    const payouts = (await h.entities('payout')).filter((p) => (p['batch'] as any)?.batchId === batchId);
    expect(payouts.map((p) => p['payoutId']).sort()).toEqual(
      ids.map((id) => batchItemPayoutId({ tenantId: 'acme', senderBatchId: 'from-file-1', senderItemId: id })).sort(),
    );
    expect(payouts.map((p) => p['amountMinor']).sort()).toEqual([1_000, 1_001, 1_002]);

    // The same id and the same file again: the original batch, replayed.
    const again = await postBatch(h, { sender_batch_id: 'from-file-1', upload_id: uploadId });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.batch_id).toBe(batchId);
  });

  it.each([
    [
      'a truncated file (a quote left open)',
      `${rowsOf(['t-0', 't-1'])}\r\nt-2,5,EUR,DE,sepa,"DE89`,
      true,
      400,
      'upload_malformed',
      2,
    ],
    ['a file never PUT', rowsOf(['n-0']), false, 409, 'upload_not_uploaded', undefined],
  ] as const)('%s → %i %s, nothing written', async (_name, body, put, status, code, rowIndex) => {
    const uploadId = await upload(body, { put });
    const before = await storedItems();
    const refused = await postBatch(h, { sender_batch_id: `bad-file-${code}`, upload_id: uploadId });
    expect(refused.statusCode, JSON.stringify(refused.body)).toBe(status);
    expect(refused.body.error).toMatchObject({ code });
    // The row the reader stopped at, as POST /batches/uploads' reader names it (0-based data rows).
    expect(refused.body.error.row_index).toBe(rowIndex);
    expect(await storedItems()).toBe(before);
    expect(await h.drain('batch')).toEqual([]);
  });

  it('another tenant’s upload reads as not found (404), nothing written', async () => {
    const uploadId = await upload(rowsOf(['o-0']), { tenant: 'globex' });
    const before = await storedItems();
    const refused = await postBatch(h, { sender_batch_id: 'not-mine', upload_id: uploadId });
    expect(refused.statusCode).toBe(404);
    expect(refused.body.error).toMatchObject({ code: 'upload_not_found' });
    expect(await storedItems()).toBe(before);
  });
});
