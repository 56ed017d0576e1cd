// Payout creation figures (issue 3), one JSON line each:
//  - DynamoDB calls per create, counted by SDK middleware on the handler's own client (in-process
//    against DynamoDB Local): paying a new inline recipient, a known one, and a replay; baseline =
//    the count before issue 12 (6, 4, 1). test/integration/payouts/create-calls.test.ts holds them;
//  - creates/s in-process (the handler alone: a known recipient, and a new inline one per create) and
//    creates/s through the twin's HTTP API (JWT, API emulation, Lambda worker) with p50/p99,
//    beside bare DynamoDB Local PutItems/s measured in the same run on the same emulator (ratio);
//  - the create-payout bundle's bytes (minified, as CDK's esbuild wrote it to cdk.out);
//  - replay byte mismatches (issue 12): creates with metadata in many key orders, each replayed,
//    counted when the replay's body differs in any byte from the first (the goal is 0).
//
//   npm run bench -- payouts [--seconds 10] [--connections 10]
//   npx tsx bench/payouts.ts
import { statSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { ulid } from 'ulidx';
import { parseArgs } from '../local/cli/cli-args.js';
import { buildModel } from '../local/template/model.js';
import { CDK_OUT_DIR } from '../local/paths.js';
import { synthesize } from '../local/template/synth.js';
import { loadTemplate } from '../local/template/template.js';
import { startEmulators } from '../test/support/emulators.js';
import { startTwin } from '../test/support/twin.js';
import { printFigure } from './_figure.js';

const SECONDS_DEFAULT = 10;
const CONNECTIONS_DEFAULT = 10;
/** Calls per create before issue 12: an inline recipient's GetItem, PutItem and screening UpdateItem. */
const CREATE_CALLS_BEFORE_NEW_INLINE_RECIPIENT = 6;
const CREATE_CALLS_BEFORE_KNOWN_RECIPIENT = 4;
const CREATE_CALLS_BEFORE_REPLAY = 1;
/** Creates whose replay is compared byte for byte; each has its own metadata key order. */
const REPLAY_BYTES_CREATES = 20;
const BODY = {
  amount: 1_250,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
  recipient: { name: 'Bench Recipient' },
};

function apiEvent(key: string, body: unknown = BODY): unknown {
  return {
    version: '2.0',
    routeKey: 'POST /payouts',
    rawPath: '/payouts',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: `bench-${ulid()}`,
      http: { method: 'POST', path: '/payouts' },
      authorizer: {
        jwt: {
          // The claims the pre-token trigger stamps (issue 10): without the principal the create is refused.
          claims: {
            tenant_id: 'bench',
            principal_type: 'tenant',
            principal_role: 'backend',
            client_id: 'bench',
            sub: 'bench',
            scope: 'payout-platform/payouts:write',
          },
          scopes: null,
        },
      },
    },
  };
}

async function callsPerCreate(seconds: number, connections: number): Promise<void> {
  const emulators = await startEmulators();
  try {
    Object.assign(process.env, emulators.env, { POWERTOOLS_METRICS_DISABLED: 'true' });
    const { dynamoClient } = await import('../functions/adapters/aws-clients.js');
    const calls: string[] = [];
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'benchCountCalls' },
    );
    const { handler } = await import('../functions/handlers/create-payout.js');
    const context = {
      getRemainingTimeInMillis: () => 30_000,
      functionName: 'create-payout',
      awsRequestId: 'bench',
    } as never;
    // A recipient name no create paid before, then the same recipient under a new key, then a replay.
    const body = { ...BODY, recipient: { name: `Bench Recipient ${ulid()}` } };
    const key = `bench-calls-${ulid()}`;
    const cases = [
      ['create_dynamodb_calls_new_inline_recipient', key, CREATE_CALLS_BEFORE_NEW_INLINE_RECIPIENT],
      ['create_dynamodb_calls_known_recipient', `bench-calls-${ulid()}`, CREATE_CALLS_BEFORE_KNOWN_RECIPIENT],
      ['create_dynamodb_calls_replay', key, CREATE_CALLS_BEFORE_REPLAY],
    ] as const;
    for (const [figure, idempotencyKey, before] of cases) {
      calls.length = 0;
      const answer = await handler(apiEvent(idempotencyKey, body) as never, context);
      if (answer.statusCode !== 201) throw new Error(`create answered ${answer.statusCode}: ${answer.body}`);
      printFigure(figure, calls.length, 'calls', before);
      console.error(`#   ${figure}: ${calls.join(', ')}`);
    }
    await replayByteMismatches(handler as never, context);
    await inProcessCeiling(handler as never, context, emulators, seconds, connections);
  } finally {
    await emulators.stop();
  }
}

type CreateHandler = (event: never, context: never) => Promise<{ statusCode: number; body: string }>;

async function replayByteMismatches(handler: CreateHandler, context: never): Promise<void> {
  let mismatches = 0;
  for (let index = 0; index < REPLAY_BYTES_CREATES; index += 1) {
    // Keys in an order no map would restore (reversed, interleaved), a different one per create.
    const names = ['zulu', 'alpha', 'mike', 'bravo', 'yankee', 'charlie'].slice(0, 2 + (index % 5));
    const order = index % 2 === 0 ? names : [...names].reverse();
    const body = { ...BODY, metadata: Object.fromEntries(order.map((name) => [name, `${name}-${index}`])) };
    const key = `bench-bytes-${ulid()}`;
    const first = await handler(apiEvent(key, body) as never, context);
    const replay = await handler(apiEvent(key, body) as never, context);
    if (first.statusCode !== 201) throw new Error(`create answered ${first.statusCode}: ${first.body}`);
    if (!Buffer.from(replay.body).equals(Buffer.from(first.body))) mismatches += 1;
  }
  printFigure('replay_byte_mismatches', mismatches, `mismatches of ${REPLAY_BYTES_CREATES} replays`);
}

/** Bare PutItems on one emulator, `connections` at a time for `seconds`: the unit the ratios are in. */
async function putsPerSecond(
  client: { send(command: PutItemCommand): Promise<unknown> },
  table: string,
  seconds: number,
  connections: number,
): Promise<number> {
  let puts = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: `BENCH#${ulid()}` }, sk: { S: 'PUT' }, body: { S: JSON.stringify(BODY) } },
          }),
        );
        puts++;
      }
    }),
  );
  return Number((puts / seconds).toFixed(1));
}

/**
 * The create's own DynamoDB work, with nothing else on the emulator: the handler in-process (no
 * HTTP, no JWT, no worker hop, no submitter or webhooks), beside bare PutItems on the same
 * emulator. Its ratio is the ceiling the twin's ratio can reach (issue 12's profile).
 */
async function inProcessCeiling(
  handler: CreateHandler,
  context: never,
  emulators: Awaited<ReturnType<typeof startEmulators>>,
  seconds: number,
  connections: number,
): Promise<void> {
  const puts = await putsPerSecond(emulators.clients.dynamodb, emulators.env['PAYOUTS_TABLE']!, seconds, connections);
  // BODY's one recipient: after the first create, each pays a known recipient (4 calls).
  const known = await createsPerSecond(handler, context, () => BODY, seconds, connections);
  printFigure('create_per_second_in_process', known, 'creates/s', puts);
  // A recipient name per create: each pays a new inline recipient (its record made and screened: 5 calls).
  const fresh = () => ({ ...BODY, recipient: { name: `Bench Recipient ${ulid()}` } });
  const newInline = await createsPerSecond(handler, context, fresh, seconds, connections);
  printFigure('create_per_second_in_process_new_inline_recipient', newInline, 'creates/s', puts);
}

async function createsPerSecond(
  handler: CreateHandler,
  context: never,
  bodyOf: () => unknown,
  seconds: number,
  connections: number,
): Promise<number> {
  let creates = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const answer = await handler(apiEvent(`bench-ceiling-${ulid()}`, bodyOf()) as never, context);
        if (answer.statusCode === 201) creates++;
      }
    }),
  );
  return Number((creates / seconds).toFixed(1));
}

async function throughput(seconds: number, connections: number): Promise<void> {
  const twin = await startTwin({ port: 0, fresh: true });
  try {
    const token = await twin.token({ tenant: 'bench', role: 'backend', scopes: ['payouts:write'] });
    // Warm the worker pool (cold imports are not what this measures).
    const warm = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `warm-${ulid()}`,
      },
      body: JSON.stringify(BODY),
    });
    if (warm.status !== 201) throw new Error(`warm-up create answered ${warm.status}: ${await warm.text()}`);
    // Baseline first, before any create has queued submissions for the twin's submitter to work off:
    // bare PutItems on the same DynamoDB Local, same concurrency, same duration.
    const putsPerSecondBare = await putsPerSecond(
      twin.clients.dynamodb,
      twin.names.tables['PayoutsTable']!,
      seconds,
      connections,
    );
    const result = await autocannon({
      url: `${twin.url}/payouts`,
      method: 'POST',
      connections,
      duration: seconds,
      // A loaded laptop can take seconds per create; a timeout would be counted as a failure, not a figure.
      timeout: 30,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(BODY),
      // A fresh key per request: this measures creates, not replays.
      requests: [
        {
          setupRequest: (request: Record<string, unknown>) => ({
            ...request,
            headers: { ...(request['headers'] as object), 'idempotency-key': `bench-${ulid()}` },
          }),
        },
      ],
    } as never);
    const creates = result.requests.total - result.non2xx;
    if (result.non2xx > 0 || result.errors > 0)
      console.error(`#   ${result.non2xx} non-2xx answers and ${result.errors} errors of ${result.requests.total}`);

    printFigure('create_per_second_http', Number((creates / seconds).toFixed(1)), 'creates/s', putsPerSecondBare);
    printFigure('dynamodb_local_putitem_per_second', putsPerSecondBare, 'puts/s');
    printFigure('create_latency_p50_http', result.latency.p50, 'ms');
    printFigure('create_latency_p99_http', result.latency.p99, 'ms');
  } finally {
    await twin.stop();
  }
}

function bundleBytes(): void {
  const model = buildModel(loadTemplate(CDK_OUT_DIR));
  const fn = model.functions.find((candidate) => candidate.shortName === 'create-payout');
  if (fn === undefined) throw new Error('create-payout is not in the synthesized template');
  printFigure('bundle_bytes:create-payout', statSync(fn.modulePath).size, 'bytes');
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const seconds = Number(flags['seconds'] ?? SECONDS_DEFAULT);
  const connections = Number(flags['connections'] ?? CONNECTIONS_DEFAULT);
  await synthesize({ onlyIfStale: true, log: (line) => console.error(`# ${line}`) });
  await callsPerCreate(seconds, connections);
  await throughput(seconds, connections);
  bundleBytes();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
