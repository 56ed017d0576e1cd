// Webhook intake figures (issue 4), one JSON line each:
//  - AWS calls per accepted webhook and per duplicate, counted by SDK middleware on the handler's
//    own DynamoDB, SQS and S3 clients (in-process on DynamoDB Local + fauxqs); baseline = budget (3, 1);
//  - intake handler p50/p99 in-process (sequential, no HTTP) on the same emulators;
//  - intake p50/p99 under load through the twin's HTTP API on 127.0.0.1 (autocannon, bounded),
//    beside the same route answering 404 for an unknown provider (no I/O) in the same run;
//  - time from the provider's send to the payout's status change (twin: intake → SQS poller →
//    processor → DynamoDB), median of a few sends.
//
//   npm run bench -- webhooks [--seconds 5] [--connections 4] [--sends 5]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ulid } from 'ulidx';
import { signStandardWebhook } from '../functions/domain/webhook-signatures/index.js';
import { parseArgs } from '../local/cli/cli-args.js';
import { startEmulators } from '../test/support/emulators.js';
import { startTwin } from '../test/support/twin.js';
import { sandboxSecret } from '../drills/_webhooks.js';
import { median, printFigure } from './_figure.js';

const SECONDS_DEFAULT = 5;
const CONNECTIONS_DEFAULT = 4;
/** Starts every Lambda worker of both routes before anything is measured. */
const WARMUP_SECONDS = 2;
const SENDS_DEFAULT = 5;
const CALLS_BUDGET_ACCEPTED = 3;
const CALLS_BUDGET_DUPLICATE = 1;
const STATUS_WAIT_MS_MAX = 30_000;
const STATUS_POLL_MS = 20;
/** Sandbox trigger "pending" (docs/sandbox-provider.md): the payout waits for our paid event. */
const PENDING_IBAN = 'DE35370400440532013002';
/** Sequential in-process intake calls timed for the handler-only latency figures. */
const HANDLER_SAMPLES = 200;
const encoder = new TextEncoder();
const round1 = (ms: number) => Math.round(ms * 10) / 10;

function signedHeaders(secret: string, eventId: string, raw: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': String(ts),
    'webhook-signature': signStandardWebhook(secret, eventId, ts, encoder.encode(raw)),
  };
}

/** An event the processor acknowledges as `ignored`: the load measures intake, not payouts. */
const ignoredEvent = () =>
  JSON.stringify({ type: 'balance.updated', timestamp: new Date().toISOString(), data: { bench: true } });

async function callsPerWebhook(): Promise<void> {
  const emulators = await startEmulators();
  try {
    const secret = 'whsec_' + Buffer.from('bench-webhooks-secret-0123456789').toString('base64');
    const secretsFile = join(mkdtempSync(join(tmpdir(), 'bench-webhooks-')), 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ sandbox: [secret], stripe: [] }));
    Object.assign(process.env, emulators.env, {
      WEBHOOK_SECRETS_FILE: secretsFile,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const clients = await import('../functions/adapters/aws-clients.js');
    const calls: string[] = [];
    for (const client of [clients.dynamoClient(), clients.sqsClient(), clients.s3Client()]) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          calls.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize', name: 'benchCountCalls' },
      );
    }
    const { handler } = await import('../functions/handlers/intake-webhook.js');
    const eventId = `evt_bench_${ulid()}`;
    const raw = ignoredEvent();
    const event = () =>
      ({
        rawPath: '/webhooks/sandbox',
        pathParameters: { provider: 'sandbox' },
        headers: signedHeaders(secret, eventId, raw),
        body: raw,
        isBase64Encoded: false,
        requestContext: { requestId: `bench-${ulid()}`, http: { method: 'POST' } },
      }) as never;
    const first = await handler(event());
    if (first.statusCode !== 202) throw new Error(`intake answered ${first.statusCode}: ${first.body}`);
    printFigure('webhook_aws_calls_accepted', calls.length, 'calls', CALLS_BUDGET_ACCEPTED);
    console.error(`#   accepted: ${calls.join(', ')}`);
    calls.length = 0;
    const again = await handler(event());
    if (again.statusCode !== 200) throw new Error(`duplicate answered ${again.statusCode}: ${again.body}`);
    printFigure('webhook_aws_calls_duplicate', calls.length, 'calls', CALLS_BUDGET_DUPLICATE);
    console.error(`#   duplicate: ${calls.join(', ')}`);
    // The handler alone (no HTTP, no Lambda emulation): what intake itself costs on the emulators.
    const latencies: number[] = [];
    for (let i = 0; i < HANDLER_SAMPLES; i++) {
      const id = `evt_bench_${ulid()}`;
      const body = ignoredEvent();
      const started = performance.now();
      const res = await handler({
        rawPath: '/webhooks/sandbox',
        pathParameters: { provider: 'sandbox' },
        headers: signedHeaders(secret, id, body),
        body,
        isBase64Encoded: false,
        requestContext: { requestId: `bench-${i}`, http: { method: 'POST' } },
      } as never);
      latencies.push(performance.now() - started);
      if (res.statusCode !== 202) throw new Error(`intake answered ${res.statusCode}`);
    }
    latencies.sort((a, b) => a - b);
    printFigure('webhook_intake_handler_p50', round1(latencies[Math.floor(HANDLER_SAMPLES * 0.5)]!), 'ms');
    printFigure('webhook_intake_handler_p99', round1(latencies[Math.floor(HANDLER_SAMPLES * 0.99)]!), 'ms');
  } finally {
    await emulators.stop();
  }
}

async function load(
  url: string,
  seconds: number,
  connections: number,
  secret: string | undefined,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        // A fresh event id and signature per request: every request is a first delivery.
        setupRequest: (request) => {
          const raw = ignoredEvent();
          return {
            ...request,
            body: raw,
            headers:
              secret === undefined
                ? { 'content-type': 'application/json' }
                : signedHeaders(secret, `evt_bench_${ulid()}`, raw),
          };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const seconds = Number(flags['seconds'] ?? SECONDS_DEFAULT);
  const connections = Number(flags['connections'] ?? CONNECTIONS_DEFAULT);
  const sends = Number(flags['sends'] ?? SENDS_DEFAULT);
  await callsPerWebhook();

  const twin = await startTwin({ port: 0, fresh: true });
  try {
    const secret = sandboxSecret();
    await load(`${twin.url}/webhooks/unknown`, WARMUP_SECONDS, connections, undefined);
    await load(`${twin.url}/webhooks/sandbox`, WARMUP_SECONDS, connections, secret);
    const baseline = await load(`${twin.url}/webhooks/unknown`, seconds, connections, undefined);
    const intake = await load(`${twin.url}/webhooks/sandbox`, seconds, connections, secret);
    const accepted = intake['2xx'];
    console.error(
      `#   intake: ${accepted} accepted of ${intake.requests.total} in ${seconds}s on ${connections} connections; non-2xx ${intake.non2xx}; 404 baseline ${baseline.requests.total} requests`,
    );
    printFigure('webhook_intake_p50', intake.latency.p50, 'ms', baseline.latency.p50);
    printFigure('webhook_intake_p99', intake.latency.p99, 'ms', baseline.latency.p99);
    printFigure(
      'webhook_intake_throughput',
      Math.round(intake.requests.average),
      'req/s',
      Math.round(baseline.requests.average),
    );

    const auth = {
      authorization: `Bearer ${await twin.token({ tenant: 'bench', role: 'backend', scopes: ['payouts:write', 'payouts:read'] })}`,
    };
    const timings: number[] = [];
    for (let i = 0; i < sends; i++) {
      const created = (await fetch(`${twin.url}/payouts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `bench-webhook-${ulid()}` },
        body: JSON.stringify({
          amount: 1_000,
          currency: 'EUR',
          destination: { country: 'DE', method: 'sepa', iban: PENDING_IBAN },
          recipient: { name: 'Bench Recipient' },
        }),
      }).then((r) => r.json())) as Record<string, unknown>;
      const payoutId = String(created['payout_id']);
      const status = async () =>
        String(
          (
            (await fetch(`${twin.url}/payouts/${payoutId}`, { headers: auth }).then((r) => r.json())) as Record<
              string,
              unknown
            >
          )['status'],
        );
      for (const deadline = Date.now() + STATUS_WAIT_MS_MAX; (await status()) !== 'pending' && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 200));
      const eventId = `evt_bench_${ulid()}`;
      const raw = JSON.stringify({
        id: eventId,
        type: 'payout.paid',
        timestamp: new Date().toISOString(),
        data: { payout_id: payoutId, status: 'paid', fee_minor: 0 },
      });
      const sentAt = performance.now();
      const res = await fetch(`${twin.url}/webhooks/sandbox`, {
        method: 'POST',
        headers: signedHeaders(secret, eventId, raw),
        body: raw,
      });
      if (res.status !== 202) throw new Error(`send answered ${res.status}`);
      for (const deadline = Date.now() + STATUS_WAIT_MS_MAX; (await status()) !== 'paid';) {
        if (Date.now() > deadline) throw new Error(`payout ${payoutId} never became paid`);
        await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
      }
      timings.push(performance.now() - sentAt);
    }
    console.error(`#   send → status change: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
    printFigure('webhook_send_to_status_change_p50', Math.round(median(timings)), 'ms');
  } finally {
    await twin.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
