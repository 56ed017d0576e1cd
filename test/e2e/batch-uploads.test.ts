// POST /batches/uploads through the twin: a real JWT, the template's route and scope, the bundled
// handler; the presigned URL it answers reaches the twin's S3 (fauxqs) from outside, and the reader
// the batch core uses reads the 15,000 rows back from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchUploadObjects } from '../../functions/adapters/batch-uploads-objects';
import { BatchUploadRecords } from '../../functions/adapters/batch-uploads-records';
import { BatchUploadReader } from '../../functions/app/batch-uploads/read-upload';
import { startTwin, type StartedTwin } from '../support/twin';

let twin: StartedTwin;
beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
});
afterAll(async () => twin?.stop());

const HEADER = 'sender_item_id,amount,currency,destination.country,destination.method,destination.iban,recipient.name';
const csvOf = (rows: number) =>
  `${[HEADER, ...Array.from({ length: rows }, (_, i) => `b-${i},${1 + i},EUR,DE,sepa,DE89370400440532013000,R ${i}`)].join('\n')}\n`;

async function postUpload(token: string, body: unknown) {
  const response = await fetch(`${twin.url}/batches/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('batch uploads through the twin', () => {
  it('the backend gets a presigned PUT; the 15,000-row file PUT there reads back whole', async () => {
    const token = await twin.token({ tenant: 'acme', role: 'backend' });
    const csv = csvOf(15_000);
    const answer = await postUpload(token, { format: 'csv', content_length: Buffer.byteLength(csv) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const put = await fetch(answer.body['upload_url'], { method: 'PUT', headers: answer.body['headers'], body: csv });
    expect(put.status).toBe(200);
    const reader = new BatchUploadReader({
      records: new BatchUploadRecords(twin.clients.documentClient, twin.names.tables['OperationsTable']!),
      objects: new BatchUploadObjects({
        client: twin.clients.s3,
        presignClient: twin.clients.s3,
        bucket: twin.names.buckets['BatchUploadsBucket']!,
      }),
    });
    let rows = 0;
    for await (const item of reader.readUpload({ tenantId: 'acme', uploadId: answer.body['upload_id'] })) {
      expect(item.index).toBe(rows);
      rows += 1;
    }
    expect(rows).toBe(15_000);
    // Another tenant cannot read it.
    const other = reader.readUpload({ tenantId: 'globex', uploadId: answer.body['upload_id'] });
    await expect(other[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'upload_not_found' });
  });

  it('the batch operator (no batches:write) is refused by the authorizer: 403', async () => {
    const token = await twin.token({ tenant: 'acme', role: 'batch-operator' });
    expect((await postUpload(token, { format: 'csv', content_length: 10 })).status).toBe(403);
  });
});
