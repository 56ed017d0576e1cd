// `npm run bench -- batches [--items 15000] [--small-items 1500] [--fanout-items 300] [--drain-items 300] [--no-twin]`
// (issue 13), one JSON line per figure:
//  1. In process (the batches-api and process-batch handlers on DynamoDB Local + fauxqs, a counting
//     DynamoDB client, test/integration/batches/harness.ts): accepting `--items` inline items beside a
//     bare BatchWriteItem of as many items on the same DynamoDB Local in the same run (25 a request,
//     8 in flight, as BatchesRepository writes them); DynamoDB calls per item for accepting and for the
//     fan-out (`--fanout-items`).
//  2. Through the twin (HTTP, JWT, the Lambda worker, its 29 s timeout): the same accept beside a bare
//     BatchWriteItem on the twin's DynamoDB Local, and the time for the sandbox to drain a batch of
//     `--drain-items` to final states.
//  3. Peak RSS of a fresh process that accepts an uploaded CSV of `--small-items` and of `--items` rows
//     (the upload path: POST /batches/uploads, PUT, POST /batches { upload_id }), each in its own child.
import { spawnSync } from 'node:child_process';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulidx';
import { parseArgs } from '../local/cli/cli-args.js';
import { advanceSandboxClock } from '../local/sandbox/client.js';
import { synthesize } from '../local/template/synth.js';
import { apiEvent, lambdaContext } from '../test/integration/payouts/helpers.js';
import { startBatchesHarness, type BatchesHarness } from '../test/integration/batches/harness.js';
import { startTwin } from '../test/support/twin.js';
import { printFigure } from './_figure.js';

const BATCH_WRITE_ITEMS_MAX = 25;
const WRITES_IN_FLIGHT = 8;
const DRAIN_WAIT_MS_MAX = 20 * 60_000;
const POLL_MS = 1_000;
const SANDBOX_STEP_SECONDS = 30;
const FINAL = ['completed', 'completed_with_failures', 'canceled'];
const HEADER = 'sender_item_id,amount,currency,destination.country,destination.method,destination.iban,recipient.name';

const item = (i: number) => ({
  sender_item_id: `item-${String(i).padStart(6, '0')}`,
  amount: 1_000,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
  recipient: { name: `Bench Payee ${i}` },
});
const items = (n: number) => Array.from({ length: n }, (_, i) => item(i));
const csvOf = (n: number) =>
  [
    HEADER,
    ...Array.from(
      { length: n },
      (_, i) => `${item(i).sender_item_id},1000,EUR,DE,sepa,DE89370400440532013000,Payee ${i}`,
    ),
  ].join('\r\n');
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const perSecond = (n: number, ms: number) => Number(((n * 1000) / ms).toFixed(1));

/** Bare BatchWriteItem of n item-sized records, 25 a request, 8 requests in flight: ms. */
async function bareWrite(client: DynamoDBClient, table: string, n: number): Promise<number> {
  const run = ulid();
  const groups = Array.from({ length: Math.ceil(n / BATCH_WRITE_ITEMS_MAX) }, (_, g) =>
    items(n).slice(g * BATCH_WRITE_ITEMS_MAX, (g + 1) * BATCH_WRITE_ITEMS_MAX),
  );
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      let requests = group.map((it, i) => ({
        PutRequest: {
          Item: {
            pk: { S: `BENCH#${run}#${Math.floor(i / 100)}` },
            sk: { S: `ITEM#${it.sender_item_id}` },
            body: { S: JSON.stringify(it) },
          },
        },
      }));
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
  return Date.now() - started;
}

async function post(h: BatchesHarness, body: unknown) {
  return h.api({
    method: 'POST',
    path: '/batches',
    routePath: '/batches',
    body,
    tenant: 'bench',
    scopes: ['batches:write'],
  });
}

async function inProcess(n: number, fanOutItems: number): Promise<void> {
  const h = await startBatchesHarness();
  try {
    await post(h, { sender_batch_id: `warm-${ulid()}`, items: items(1) }); // cold imports are not what this measures
    await h.drain('batch');
    const bareBeforeMs = await bareWrite(h.emulators.clients.dynamodb, h.tables.payouts, n);
    h.dynamoCalls.calls.length = 0;
    const started = Date.now();
    const accepted = await post(h, { sender_batch_id: `bench-${ulid()}`, items: items(n) });
    const acceptMs = Date.now() - started;
    if (accepted.statusCode !== 202)
      throw new Error(`accept answered ${accepted.statusCode}: ${JSON.stringify(accepted.body)}`);
    const acceptCalls = h.dynamoCalls.calls.length;
    await h.drain('batch');
    // Bare writes before and after the accept; the faster one is the baseline (the ratio is not flattered).
    const bareMs = Math.min(bareBeforeMs, await bareWrite(h.emulators.clients.dynamodb, h.tables.payouts, n));
    printFigure(
      `batches.accept_items_per_second_in_process_${n}`,
      perSecond(n, acceptMs),
      'items/s',
      perSecond(n, bareMs),
    );
    printFigure(`batches.bare_batchwriteitem_items_per_second_${n}`, perSecond(n, bareMs), 'items/s');
    printFigure(`batches.accept_seconds_in_process_${n}`, seconds(acceptMs), 's');
    printFigure(`batches.accept_dynamodb_calls_per_item_${n}`, Number((acceptCalls / n).toFixed(4)), 'calls/item');

    const fanned = await post(h, { sender_batch_id: `fanout-${ulid()}`, items: items(fanOutItems) });
    if (fanned.statusCode !== 202) throw new Error(`accept answered ${fanned.statusCode}`);
    const messages = await h.drain('batch');
    h.dynamoCalls.calls.length = 0;
    const fanStarted = Date.now();
    for (const message of messages) await h.deliver([message]);
    const fanMs = Date.now() - fanStarted;
    printFigure(
      `batches.fanout_dynamodb_calls_per_item_${fanOutItems}`,
      Number((h.dynamoCalls.calls.length / fanOutItems).toFixed(4)),
      'calls/item',
    );
    printFigure(`batches.fanout_items_per_second_in_process_${fanOutItems}`, perSecond(fanOutItems, fanMs), 'items/s');
  } finally {
    await h.emulators.stop();
  }
}

async function throughTwin(n: number, drainItems: number): Promise<void> {
  const twin = await startTwin({ port: 0, fresh: true });
  try {
    const token = await twin.token({ tenant: 'bench', role: 'backend' });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    await call('POST', '/batches', { sender_batch_id: `warm-${ulid()}`, items: items(1) });
    const bareBeforeMs = await bareWrite(twin.clients.dynamodb, twin.names.tables['PayoutsTable']!, n);
    // Over the EUR threshold together: it waits for its approval, so its fan-out does not run beside the drain.
    const started = Date.now();
    const accepted = await call('POST', '/batches', { sender_batch_id: `bench-${ulid()}`, items: items(n) });
    const acceptMs = Date.now() - started;
    const bareMs = Math.min(
      bareBeforeMs,
      await bareWrite(twin.clients.dynamodb, twin.names.tables['PayoutsTable']!, n),
    );
    if (accepted.status !== 202)
      console.error(
        `#   accept of ${n} through the twin answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 300)}`,
      );
    printFigure(
      `batches.accept_items_per_second_twin_${n}`,
      accepted.status === 202 ? perSecond(n, acceptMs) : 0,
      'items/s',
      perSecond(n, bareMs),
    );
    printFigure(`batches.accept_seconds_twin_${n}`, seconds(acceptMs), `s (HTTP ${accepted.status})`);

    const drain = await call('POST', '/batches', { sender_batch_id: `drain-${ulid()}`, items: items(drainItems) });
    const batchId = String(drain.body['batch_id']);
    const drainStarted = Date.now();
    let batch: Record<string, any> = {};
    for (
      const deadline = Date.now() + DRAIN_WAIT_MS_MAX;
      Date.now() < deadline;
      await new Promise((r) => setTimeout(r, POLL_MS))
    ) {
      await advanceSandboxClock(twin.twin.sandboxProviderUrl, SANDBOX_STEP_SECONDS).catch(() => []);
      batch = (await call('GET', `/batches/${batchId}`)).body;
      if (FINAL.includes(batch['status'])) break;
    }
    const drainMs = Date.now() - drainStarted;
    console.error(`#   drain of ${drainItems}: ${batch['status']}, counts ${JSON.stringify(batch['counts'])}`);
    printFigure(`batches.drain_seconds_twin_${drainItems}`, seconds(drainMs), `s (${batch['status']})`);
    printFigure(`batches.drain_items_per_second_twin_${drainItems}`, perSecond(drainItems, drainMs), 'items/s');
  } finally {
    await twin.stop();
  }
}

/** Child: accepts an uploaded CSV of n rows in process; prints its peak RSS before and after. */
async function childRss(n: number): Promise<void> {
  const h = await startBatchesHarness();
  try {
    const uploads = (await import('../functions/handlers/batch-uploads.js')) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const upload = async (csv: string) => {
      const event = apiEvent({
        method: 'POST',
        path: '/batches/uploads',
        body: JSON.stringify({ format: 'csv', content_length: Buffer.byteLength(csv) }),
        headers: { 'content-type': 'application/json' },
        tenant: 'bench',
        scopes: ['batches:write'],
      });
      const presigned = JSON.parse((await uploads.handler(event, lambdaContext)).body) as Record<string, any>;
      await fetch(presigned['upload_url'], { method: 'PUT', body: csv, headers: presigned['headers'] });
      return String(presigned['upload_id']);
    };
    // Warm: the same path on one row, so imports and SDK set-up are in the baseline, not in the figure.
    await post(h, { sender_batch_id: `warm-${ulid()}`, upload_id: await upload(csvOf(1)) });
    const csv = csvOf(n);
    const uploadId = await upload(csv);
    const beforeKb = process.resourceUsage().maxRSS;
    const answer = await post(h, { sender_batch_id: `rss-${ulid()}`, upload_id: uploadId });
    if (answer.statusCode !== 202)
      throw new Error(`accept answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    console.log(JSON.stringify({ rows: n, beforeKb, afterKb: process.resourceUsage().maxRSS }));
  } finally {
    await h.emulators.stop();
  }
}

function peakRss(n: number): { beforeMb: number; afterMb: number } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--rss', String(n)], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr.slice(-2000));
  const { beforeKb, afterKb } = JSON.parse(out.stdout.trim().split('\n').pop()!) as Record<string, number>;
  return { beforeMb: Number((beforeKb! / 1024).toFixed(1)), afterMb: Number((afterKb! / 1024).toFixed(1)) };
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const n = Number(flags['items'] ?? 15_000);
  const small = Number(flags['small-items'] ?? 1_500);
  await synthesize({ onlyIfStale: true, log: (line) => console.error(`# ${line}`) });
  await inProcess(n, Number(flags['fanout-items'] ?? 300));
  const smallRss = peakRss(small);
  const largeRss = peakRss(n);
  printFigure(`batches.peak_rss_before_upload_accept_${small}`, smallRss.beforeMb, 'MB');
  printFigure(`batches.peak_rss_upload_accept_${small}`, smallRss.afterMb, 'MB');
  printFigure(`batches.peak_rss_before_upload_accept_${n}`, largeRss.beforeMb, 'MB');
  printFigure(`batches.peak_rss_upload_accept_${n}`, largeRss.afterMb, 'MB', smallRss.afterMb);
  // `--no-twin`: the in-process figures and the peak RSS only (the twin's drain takes many minutes).
  if (flags['no-twin'] === undefined) await throughTwin(n, Number(flags['drain-items'] ?? 300));
}

const [mode, value] = process.argv.slice(2);
if (mode === '--rss') await childRss(Number(value)).then(() => process.exit(0));
else
  await main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`✖ ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
