// POST /batches/uploads and readUpload on DynamoDB Local + fauxqs S3, through the real SDK: the
// handler runs in-process wired from the template, the file goes to the presigned URL with fetch,
// and the batch core's reader (wiring/batch-uploads.ts batchItemsSource) reads it back.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawBatchItem } from '../../../functions/app/batches/batch-items-source';
import { UPLOAD_BYTES_MAX } from '../../../functions/domain/batch-upload-limits';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { lambdaContext } from '../payouts/helpers';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let emulators: StartedEmulators;
let handler: Handler;
let readUpload: (tenantId: string, uploadId: string) => AsyncIterable<RawBatchItem>;

const BASE = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../events/apigw/create-payout.json'), 'utf8'));
const HEADER = 'sender_item_id,amount,currency,destination.country,destination.method,destination.iban,recipient.name';
const csvOf = (rows: number) =>
  [HEADER, ...Array.from({ length: rows }, (_, i) => `item-${i},${100 + i},EUR,DE,sepa,DE89370400440532013000,P ${i}`)]
    .join('\r\n')
    .concat('\r\n');

function uploadEvent(body: unknown, options: { tenant?: string; role?: string; scope?: string } = {}) {
  const claims = {
    ...BASE.requestContext.authorizer.jwt.claims,
    tenant_id: options.tenant ?? 'acme',
    principal_role: options.role ?? 'backend',
    scope: options.scope ?? 'payout-platform/batches:write payout-platform/payouts:write',
  };
  return {
    ...BASE,
    routeKey: 'POST /batches/uploads',
    rawPath: '/batches/uploads',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: {
      ...BASE.requestContext,
      routeKey: 'POST /batches/uploads',
      http: { ...BASE.requestContext.http, path: '/batches/uploads' },
      authorizer: { ...BASE.requestContext.authorizer, jwt: { ...BASE.requestContext.authorizer.jwt, claims } },
    },
  };
}

async function requestUpload(format: 'csv' | 'jsonl', contentLength: number, tenant = 'acme') {
  const answer = await handler(uploadEvent({ format, content_length: contentLength }, { tenant }), lambdaContext);
  expect(answer.statusCode, answer.body).toBe(201);
  return JSON.parse(answer.body) as {
    upload_id: string;
    upload_url: string;
    method: string;
    headers: Record<string, string>;
    max_bytes: number;
    expires_at: string;
  };
}

async function put(upload: { upload_url: string; headers: Record<string, string> }, body: string) {
  const response = await fetch(upload.upload_url, { method: 'PUT', body, headers: upload.headers });
  expect(response.status, await response.text()).toBe(200);
}

async function count(tenantId: string, uploadId: string): Promise<{ rows: number; last?: RawBatchItem }> {
  let rows = 0;
  let last: RawBatchItem | undefined;
  for await (const item of readUpload(tenantId, uploadId)) {
    rows += 1;
    last = item;
  }
  return { rows, ...(last === undefined ? {} : { last }) };
}

const refusalOf = (tenantId: string, uploadId: string) =>
  count(tenantId, uploadId).then(
    () => undefined,
    (e) => e,
  );

async function uploadRecords(): Promise<number> {
  const client = DynamoDBDocumentClient.from(emulators.clients.dynamodb);
  const out = await client.send(
    new ScanCommand({
      TableName: emulators.env['OPERATIONS_TABLE'],
      FilterExpression: 'entity = :e',
      ExpressionAttributeValues: { ':e': 'batch_upload' },
    }),
  );
  return out.Items?.length ?? 0;
}

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env, { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' });
  handler = ((await import('../../../functions/handlers/batch-uploads')) as { handler: Handler }).handler;
  const wiring = await import('../../../functions/wiring/batch-uploads');
  const source = wiring.batchItemsSource();
  readUpload = (tenantId, uploadId) => source.readUpload({ tenantId, uploadId });
});
afterAll(async () => {
  await emulators?.stop();
});

describe('POST /batches/uploads → PUT → readUpload (fauxqs S3, DynamoDB Local)', () => {
  it('presigns a PUT on the twin’s S3 with Content-Length signed and no empty-body checksum', async () => {
    const upload = await requestUpload('csv', 1234);
    expect(upload).toMatchObject({ method: 'PUT', max_bytes: 1234, headers: { 'content-length': '1234' } });
    const url = new URL(upload.upload_url);
    expect(url.origin).toBe(new URL(emulators.endpoints.s3).origin);
    expect(url.pathname).toBe(`/${emulators.env['BATCH_UPLOADS_BUCKET']}/uploads/acme/${upload.upload_id}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // The SDK's default would sign the CRC32 of an empty body and AWS would refuse every file (BadDigest).
    expect([...url.searchParams.keys()].filter((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toEqual([]);
  });

  it('a 15,000-row CSV PUT with fetch reads back as 15,000 records, in order', async () => {
    const csv = csvOf(15_000);
    const upload = await requestUpload('csv', Buffer.byteLength(csv));
    await put(upload, csv);
    const { rows, last } = await count('acme', upload.upload_id);
    expect(rows).toBe(15_000);
    expect(last).toEqual({
      index: 14_999,
      record: {
        sender_item_id: 'item-14999',
        amount: 15_099,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
        recipient: { name: 'P 14999' },
      },
    });
  });

  it('a JSONL file reads back record for record', async () => {
    const jsonl = ['{"sender_item_id":"a","amount":1}', '{"sender_item_id":"b","amount":2}'].join('\n');
    const upload = await requestUpload('jsonl', Buffer.byteLength(jsonl));
    await put(upload, jsonl);
    expect(await count('acme', upload.upload_id)).toMatchObject({ rows: 2, last: { index: 1 } });
  });
});

describe('bad uploads: a clear error, nothing read', () => {
  it.each([
    ['a truncated CSV (quote left open)', 'csv', `${csvOf(3)}item-3,1,EUR,DE,sepa,"DE89`, 'upload_malformed', 3],
    [
      'a CSV with an unknown column',
      'csv',
      `${HEADER},swift\r\nitem-0,1,EUR,DE,sepa,X,A,B\r\n`,
      'upload_malformed',
      undefined,
    ],
    ['a JSONL file with a non-JSON line', 'jsonl', '{"a":1}\n{"a":\n', 'upload_malformed', 1],
    ['a header and no rows', 'csv', `${HEADER}\r\n`, 'upload_empty', undefined],
    // The real limit, not a lowered one: row 15,000 (0-based) is the 15,001st.
    ['15,001 rows', 'csv', csvOf(15_001), 'upload_rows_over_limit', 15_000],
  ] as const)('%s → %s', async (_name, format, body, code, rowIndex) => {
    const upload = await requestUpload(format, Buffer.byteLength(body));
    await put(upload, body);
    const error = await refusalOf('acme', upload.upload_id);
    expect(error).toMatchObject({ code, category: 'terminal' });
    expect(error.rowIndex).toBe(rowIndex);
  });

  it('an upload never PUT → upload_not_uploaded (human_action_required)', async () => {
    const upload = await requestUpload('csv', 100);
    expect(await refusalOf('acme', upload.upload_id)).toMatchObject({
      code: 'upload_not_uploaded',
      category: 'human_action_required',
      status: 409,
    });
  });

  // fauxqs checks no signature, so on the twin a larger body lands; AWS refuses it at the PUT
  // (403, signed Content-Length). The reader's size check is the line both share.
  it('a file over the size it was signed for → upload_too_large', async () => {
    const upload = await requestUpload('csv', 100);
    await fetch(upload.upload_url, { method: 'PUT', body: csvOf(10) });
    expect(await refusalOf('acme', upload.upload_id)).toMatchObject({ code: 'upload_too_large', status: 413 });
  });

  it('another tenant’s upload id reads as not found, like an unknown one', async () => {
    const csv = csvOf(2);
    const upload = await requestUpload('csv', Buffer.byteLength(csv));
    await put(upload, csv);
    expect(await refusalOf('globex', upload.upload_id)).toMatchObject({ code: 'upload_not_found', status: 404 });
    expect(await refusalOf('acme', 'up_01JZZZZZZZZZZZZZZZZZZZZZZZ')).toMatchObject({ code: 'upload_not_found' });
    expect(await count('acme', upload.upload_id)).toMatchObject({ rows: 2 });
  });

  it.each([
    ['over UPLOAD_BYTES_MAX', { format: 'csv', content_length: UPLOAD_BYTES_MAX + 1 }, {}, 413, 'upload_too_large'],
    ['a format that is not one', { format: 'xlsx', content_length: 10 }, {}, 400, 'format_invalid'],
    ['a size of 0', { format: 'csv', content_length: 0 }, {}, 400, 'content_length_invalid'],
    ['an unknown field', { format: 'csv', content_length: 10, bucket: 'x' }, {}, 400, 'field_unknown'],
    ['a body that is not JSON', '{"format":', {}, 400, 'body_not_json'],
    [
      'a token without batches:write',
      { format: 'csv', content_length: 10 },
      { role: 'batch-operator', scope: 'payout-platform/batches:retry' },
      403,
      'insufficient_scope',
    ],
  ] as const)('the request with %s → %i %s, no upload recorded', async (_name, body, options, status, code) => {
    const before = await uploadRecords();
    const answer = await handler(uploadEvent(body, options), lambdaContext);
    expect(answer.statusCode, answer.body).toBe(status);
    expect(JSON.parse(answer.body).error).toMatchObject({ code, category: 'terminal' });
    expect(await uploadRecords()).toBe(before);
  });
});
