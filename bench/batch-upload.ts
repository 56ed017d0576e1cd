// `npm run bench -- batch-upload` (issue 13): which path takes which batch size, and the reader's memory.
//
// 1. Bytes of 15,000 items as a POST /batches JSON body, as the Lambda invocation payload that
//    carries it (API Gateway puts the body into the event as an escaped JSON string), as CSV and as
//    JSONL, against the 6 MB synchronous invocation limit. Items are "full": IBAN and BIC-less SEPA
//    destination, name, e-mail, a 100-character description and three metadata pairs.
//    Body bytes per item of a minimal item (SEPA, a name) and of the full one, and how many of each
//    POST /batches' own body limit (BATCH_BODY_BYTES_MAX = 5 MiB) takes.
// 2. Peak RSS of a fresh process while readUpload reads a 15,000-row and a 1,500-row CSV (the file
//    from disk through the same reader S3's stream feeds), beside JSON.parse of the 15,000-item body
//    held whole. Each in its own child process, so one's heap does not inflate the other's peak.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchUploadReader } from '../functions/app/batch-uploads/read-upload';
import { BATCH_BODY_BYTES_MAX } from '../functions/http/http-limits';
import { printFigure } from './_figure';

const ITEMS = 15_000;
const SMALL_ITEMS = 1_500;
/** Ten times the row limit (the bench lifts it): if memory grew with rows, it would show here. */
const HUGE_ITEMS = 150_000;
/** Lambda's synchronous invocation payload limit (request and response): 6 MB. */
const LAMBDA_SYNC_PAYLOAD_BYTES_MAX = 6 * 1024 * 1024;
const HEADER = [
  'sender_item_id',
  'amount',
  'currency',
  'destination.country',
  'destination.method',
  'destination.iban',
  'recipient.name',
  'recipient.email',
  'description',
  'metadata.invoice',
  'metadata.cost_center',
  'metadata.period',
];

function item(i: number) {
  return {
    sender_item_id: `inv-2026-11-${String(i).padStart(6, '0')}`,
    amount: 10_000 + (i % 90_000),
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: `Contractor Number ${i} GmbH`, email: `payee${i}@example.com` },
    description: `November 2026 services, invoice ${i}, ${'x'.repeat(60)}`.slice(0, 100),
    metadata: { invoice: `INV-${i}`, cost_center: 'CC-4410', period: '2026-11' },
  };
}

/** The smallest usual item (SEPA, a name, nothing optional): test/integration/batches/harness.ts' item. */
function minimalItem(i: number) {
  return {
    sender_item_id: `item-${String(i).padStart(5, '0')}`,
    amount: 12_500,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Ada Lovelace' },
  };
}

/** Body bytes per item of `n` items (the body's own bytes over n), and the items BATCH_BODY_BYTES_MAX takes. */
function perItem(name: string, n: number, of: (i: number) => unknown) {
  const bytes = Buffer.byteLength(
    JSON.stringify({ sender_batch_id: 'payroll-2026-11', items: Array.from({ length: n }, (_, i) => of(i)) }),
  );
  printFigure(`batch-upload.json_body_bytes_per_item_${name}`, Number((bytes / n).toFixed(1)), 'bytes/item');
  printFigure(
    `batch-upload.inline_items_max_at_body_limit_${name}`,
    Math.floor((BATCH_BODY_BYTES_MAX * n) / bytes),
    'items',
  );
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
function csvRow(i: number): string {
  const it = item(i);
  return [
    it.sender_item_id,
    String(it.amount),
    it.currency,
    it.destination.country,
    it.destination.method,
    it.destination.iban,
    it.recipient.name,
    it.recipient.email,
    it.description,
    it.metadata.invoice,
    it.metadata.cost_center,
    it.metadata.period,
  ]
    .map(quote)
    .join(',');
}
const csvOf = (n: number) =>
  `${[HEADER.join(','), ...Array.from({ length: n }, (_, i) => csvRow(i))].join('\r\n')}\r\n`;
const bodyOf = (n: number) =>
  JSON.stringify({ sender_batch_id: 'payroll-2026-11', items: Array.from({ length: n }, (_, i) => item(i)) });

async function childRead(path: string): Promise<void> {
  const reader = new BatchUploadReader({
    records: {
      get: async () => ({
        tenantId: 't',
        uploadId: 'up',
        format: 'csv',
        bytesMax: statSync(path).size,
        createdAt: '',
        expiresAt: '',
      }),
    },
    rowsMax: Number.MAX_SAFE_INTEGER,
    objects: { head: async () => ({ bytes: statSync(path).size }), open: async () => createReadStream(path) },
  });
  let rows = 0;
  let heapMb = 0;
  for await (const _ of reader.readUpload({ tenantId: 't', uploadId: 'up' })) {
    rows += 1;
    if (rows % 500 === 0) heapMb = Math.max(heapMb, process.memoryUsage().heapUsed / 1024 / 1024);
  }
  console.log(JSON.stringify({ rows, maxRssKb: process.resourceUsage().maxRSS, heapMb }));
}

function childParse(path: string): void {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { items: unknown[] };
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(JSON.stringify({ rows: parsed.items.length, maxRssKb: process.resourceUsage().maxRSS, heapMb }));
}

function peakRssMb(mode: 'read' | 'parse' | 'idle', path: string): { rows: number; mb: number; heapMb: number } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, `--${mode}`, path], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  const last = out.stdout.trim().split('\n').pop()!;
  const { rows, maxRssKb, heapMb } = JSON.parse(last) as { rows: number; maxRssKb: number; heapMb?: number };
  return { rows, mb: Number((maxRssKb / 1024).toFixed(1)), heapMb: Number((heapMb ?? 0).toFixed(1)) };
}

async function main(): Promise<void> {
  const body = bodyOf(ITEMS);
  const bodyBytes = Buffer.byteLength(body);
  const eventBytes = Buffer.byteLength(JSON.stringify({ body }));
  const csv = csvOf(ITEMS);
  const jsonl = Array.from({ length: ITEMS }, (_, i) => JSON.stringify(item(i))).join('\n');
  printFigure('batch-upload.json_body_15000_items', bodyBytes, 'bytes', LAMBDA_SYNC_PAYLOAD_BYTES_MAX);
  printFigure('batch-upload.lambda_event_15000_items', eventBytes, 'bytes', LAMBDA_SYNC_PAYLOAD_BYTES_MAX);
  printFigure('batch-upload.csv_15000_rows', Buffer.byteLength(csv), 'bytes', LAMBDA_SYNC_PAYLOAD_BYTES_MAX);
  printFigure('batch-upload.jsonl_15000_rows', Buffer.byteLength(jsonl), 'bytes', LAMBDA_SYNC_PAYLOAD_BYTES_MAX);
  // The largest inline batch whose invocation payload stays under 6 MB, at this item size.
  const perItemEventBytes = eventBytes / ITEMS;
  printFigure(
    'batch-upload.inline_items_max_at_6mb',
    Math.floor(LAMBDA_SYNC_PAYLOAD_BYTES_MAX / perItemEventBytes),
    'items',
  );

  // Per item, against the body limit POST /batches enforces (BATCH_BODY_BYTES_MAX, under the 6 MB payload).
  perItem('minimal', ITEMS, minimalItem);
  perItem('full', ITEMS, item);
  const dir = mkdtempSync(join(tmpdir(), 'bench-batch-upload-'));
  try {
    writeFileSync(join(dir, 'large.csv'), csv);
    writeFileSync(join(dir, 'small.csv'), csvOf(SMALL_ITEMS));
    writeFileSync(join(dir, 'body.json'), body);
    writeFileSync(join(dir, 'huge.csv'), csvOf(HUGE_ITEMS));
    const idle = peakRssMb('idle', join(dir, 'small.csv'));
    const small = peakRssMb('read', join(dir, 'small.csv'));
    const large = peakRssMb('read', join(dir, 'large.csv'));
    const huge = peakRssMb('read', join(dir, 'huge.csv'));
    const parsed = peakRssMb('parse', join(dir, 'body.json'));
    if (small.rows !== SMALL_ITEMS || large.rows !== ITEMS || huge.rows !== HUGE_ITEMS) throw new Error('rows lost');
    printFigure('batch-upload.peak_rss_idle_process', idle.mb, 'MB');
    printFigure('batch-upload.peak_rss_read_1500_rows', small.mb, 'MB');
    printFigure('batch-upload.peak_rss_read_15000_rows', large.mb, 'MB', small.mb);
    printFigure('batch-upload.peak_rss_read_150000_rows', huge.mb, 'MB', small.mb);
    printFigure('batch-upload.peak_rss_json_parse_15000_items', parsed.mb, 'MB', large.mb);
    printFigure('batch-upload.peak_heap_read_1500_rows', small.heapMb, 'MB');
    printFigure('batch-upload.peak_heap_read_15000_rows', large.heapMb, 'MB', small.heapMb);
    printFigure('batch-upload.peak_heap_read_150000_rows', huge.heapMb, 'MB', small.heapMb);
    printFigure('batch-upload.heap_json_parse_15000_items', parsed.heapMb, 'MB', large.heapMb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, path] = process.argv.slice(2);
if (mode === '--read') await childRead(path!);
else if (mode === '--parse') childParse(path!);
else if (mode === '--idle') console.log(JSON.stringify({ rows: 0, maxRssKb: process.resourceUsage().maxRSS }));
else await main();
