import { describe, expect, it } from 'vitest';
import { BatchUploadError } from '../../../../functions/domain/batch-upload-errors';
import { BatchUploadReader } from '../../../../functions/app/batch-uploads/read-upload';
import type { RawBatchItem } from '../../../../functions/app/batches/batch-items-source';
import { memoryUploads } from './memory-uploads';

// readUpload over in-memory ports: what each well-formed file yields, and every refusal of the
// bad-input list with its code, category and row index (a table, in order of precedence).

const HEADER = 'sender_item_id,amount,currency,destination.country,destination.method,destination.iban,recipient.name';
const ROW = (i: number) => `item-${i},${1000 + i},EUR,DE,sepa,DE89370400440532013000,Person ${i}`;

async function readAll(source: AsyncIterable<RawBatchItem>): Promise<RawBatchItem[]> {
  const items: RawBatchItem[] = [];
  for await (const item of source) items.push(item);
  return items;
}

function setup(format: 'csv' | 'jsonl', body: string | Uint8Array | undefined, bytesMax?: number) {
  const uploads = memoryUploads({ chunkBytes: 7 });
  uploads.request({ tenantId: 'acme', uploadId: 'up_1', format, ...(bytesMax === undefined ? {} : { bytesMax }) });
  if (body !== undefined) uploads.put('acme', 'up_1', body);
  return new BatchUploadReader({ records: uploads.records, objects: uploads.objects, rowsMax: 5 });
}

describe('readUpload: well-formed files', () => {
  it('maps CSV dotted columns to the JSON item, amount as an integer, empty cells absent', async () => {
    const csv = `${HEADER},recipient.email,description,metadata.invoice\n${ROW(1)},,"Rent, ""May""",INV-9\n`;
    const items = await readAll(setup('csv', csv).readUpload({ tenantId: 'acme', uploadId: 'up_1' }));
    expect(items).toEqual([
      {
        index: 0,
        record: {
          sender_item_id: 'item-1',
          amount: 1001,
          currency: 'EUR',
          destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
          recipient: { name: 'Person 1' },
          description: 'Rent, "May"',
          metadata: { invoice: 'INV-9' },
        },
      },
    ]);
  });

  it.each([
    ['a BOM and CRLF line endings', `\uFEFF${HEADER}\r\n${ROW(0)}\r\n${ROW(1)}\r\n`],
    ['no final newline, blank lines skipped', `${HEADER}\n\n${ROW(0)}\n\n${ROW(1)}`],
    ['CR line endings (old Mac Excel)', `${HEADER}\r${ROW(0)}\r${ROW(1)}\r`],
  ])('CSV with %s', async (_name, csv) => {
    const items = await readAll(setup('csv', csv).readUpload({ tenantId: 'acme', uploadId: 'up_1' }));
    expect(items.map((i) => [i.index, i.record['sender_item_id']])).toEqual([
      [0, 'item-0'],
      [1, 'item-1'],
    ]);
  });

  it('keeps an amount that is not a plain integer as a string, for the item schema to refuse', async () => {
    const csv = `${HEADER}\nitem-0,50.00,EUR,DE,sepa,DE89370400440532013000,A\nitem-1,99999999999999999,EUR,DE,sepa,X,B\n`;
    const items = await readAll(setup('csv', csv).readUpload({ tenantId: 'acme', uploadId: 'up_1' }));
    expect(items.map((i) => i.record['amount'])).toEqual(['50.00', '99999999999999999']);
  });

  it('reads JSONL with a BOM, CRLF, blank lines and no final newline', async () => {
    const jsonl = `\uFEFF{"sender_item_id":"a","amount":1}\r\n\r\n{"sender_item_id":"b","amount":2}`;
    const items = await readAll(setup('jsonl', jsonl).readUpload({ tenantId: 'acme', uploadId: 'up_1' }));
    expect(items).toEqual([
      { index: 0, record: { sender_item_id: 'a', amount: 1 } },
      { index: 1, record: { sender_item_id: 'b', amount: 2 } },
    ]);
  });
});

const csvRows = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => ROW(i))].join('\n');

/** Each bad input, its code, category and (where it is in one row) the row index. */
const REFUSALS: Array<{
  name: string;
  format: 'csv' | 'jsonl';
  body: string | Uint8Array | undefined;
  bytesMax?: number;
  tenantId?: string;
  code: string;
  category: string;
  rowIndex?: number;
  param?: string;
}> = [
  {
    name: 'another tenant',
    format: 'csv',
    body: csvRows(1),
    tenantId: 'globex',
    code: 'upload_not_found',
    category: 'terminal',
    param: 'upload_id',
  },
  { name: 'never PUT', format: 'csv', body: undefined, code: 'upload_not_uploaded', category: 'human_action_required' },
  {
    name: 'over its size limit',
    format: 'csv',
    body: csvRows(2),
    bytesMax: 100,
    code: 'upload_too_large',
    category: 'terminal',
  },
  {
    name: 'a quote left open (truncated final row)',
    format: 'csv',
    body: `${csvRows(2)}\nitem-9,1,EUR,DE,sepa,"DE8937`,
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 2,
  },
  {
    name: 'a short final row',
    format: 'csv',
    body: `${csvRows(1)}\nitem-9,1,EUR`,
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 1,
  },
  {
    name: 'a row with an extra cell',
    format: 'csv',
    body: `${csvRows(1)},extra\n`,
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 0,
  },
  {
    name: 'a quote inside an unquoted field',
    format: 'csv',
    body: `${HEADER}\nit"em,1,EUR,DE,sepa,X,A\n`,
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 0,
  },
  {
    name: 'an unknown column',
    format: 'csv',
    body: `${HEADER},destination.swift\n${ROW(0)},X\n`,
    code: 'upload_malformed',
    category: 'terminal',
    param: 'destination.swift',
  },
  {
    name: 'a missing column',
    format: 'csv',
    body: 'sender_item_id,amount\nitem-0,1\n',
    code: 'upload_malformed',
    category: 'terminal',
    param: 'currency',
  },
  {
    name: 'a repeated column',
    format: 'csv',
    body: `${HEADER},amount\n${ROW(0)},2\n`,
    code: 'upload_malformed',
    category: 'terminal',
    param: 'amount',
  },
  { name: 'a header only', format: 'csv', body: `${HEADER}\n`, code: 'upload_empty', category: 'terminal' },
  { name: 'an empty file', format: 'jsonl', body: '', code: 'upload_empty', category: 'terminal' },
  {
    name: 'more rows than the limit',
    format: 'csv',
    body: csvRows(6),
    code: 'upload_rows_over_limit',
    category: 'terminal',
    rowIndex: 5,
  },
  {
    name: 'invalid UTF-8',
    format: 'csv',
    body: Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc3, 0x28])]),
    code: 'upload_malformed',
    category: 'terminal',
  },
  {
    name: 'a non-JSON line',
    format: 'jsonl',
    body: '{"a":1}\nnot json\n',
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 1,
  },
  {
    name: 'a truncated final JSON line',
    format: 'jsonl',
    body: '{"a":1}\n{"a":2,"b":',
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 1,
  },
  {
    name: 'a JSON line that is an array',
    format: 'jsonl',
    body: '[1,2]\n',
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 0,
  },
  {
    name: 'a repeated JSON key',
    format: 'jsonl',
    body: '{"amount":1,"amount":99}\n',
    code: 'upload_malformed',
    category: 'terminal',
    rowIndex: 0,
  },
  {
    name: 'more JSON lines than the limit',
    format: 'jsonl',
    body: '{}\n'.repeat(6),
    code: 'upload_rows_over_limit',
    category: 'terminal',
    rowIndex: 5,
  },
];

describe('readUpload: refusals', () => {
  it.each(REFUSALS)('$name → $code', async (row) => {
    const reader = setup(row.format, row.body, row.bytesMax);
    const failure = await readAll(reader.readUpload({ tenantId: row.tenantId ?? 'acme', uploadId: 'up_1' })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BatchUploadError);
    const error = failure as BatchUploadError;
    expect({ code: error.code, category: error.category, rowIndex: error.rowIndex }).toEqual({
      code: row.code,
      category: row.category,
      rowIndex: row.rowIndex,
    });
    if (row.param !== undefined) expect(error.param).toBe(row.param);
  });

  it('an unknown id reads as not found, like another tenant’s', async () => {
    const reader = setup('csv', csvRows(1));
    await expect(readAll(reader.readUpload({ tenantId: 'acme', uploadId: 'up_2' }))).rejects.toMatchObject({
      code: 'upload_not_found',
      status: 404,
    });
  });
});
