// Shared by the webhook drills: the twin (running, or a private one) with what these drills need
// beyond drills/_twin.ts — an SQS client, the webhook queue URLs, the sweeper on demand, the
// sandbox's signing secret and a signed delivery. Not a drill itself (leading underscore).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { signStandardWebhook } from '../functions/domain/webhook-signatures/index.js';
import { DUMMY_CREDENTIALS } from '../local/emulators/dynamodb.js';
import { LOCAL_REGION, queueName, queueUrl, tableName } from '../local/template/names.js';
import { REPO_ROOT } from '../local/paths.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { requestTwinToken } from '../local/cli/twin-tokens.js';
import type { TwinTokenRequest } from '../local/twin.js';
import { startTwin } from '../test/support/twin.js';
import { readTwinClock } from './_twin.js';

export interface WebhookDrillTwin {
  url: string;
  token(request: TwinTokenRequest): Promise<string>;
  documentClient: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
  webhookQueueUrl: string;
  webhookDlqUrl: string;
  tables: { inbox: string; operations: string; payouts: string };
  runSweep(): Promise<number>;
  stop(): Promise<void>;
}

export async function connectWebhookTwin(log: (line: string) => void): Promise<WebhookDrillTwin> {
  const tables = {
    inbox: tableName('InboxTable'),
    operations: tableName('OperationsTable'),
    payouts: tableName('PayoutsTable'),
  };
  const running = findRunningTwin();
  if (running !== undefined) {
    log(`using the running twin at ${running.url} (pid ${running.pid})`);
    const common = { region: LOCAL_REGION, credentials: DUMMY_CREDENTIALS };
    const sqsEndpoint = running.endpoints['AWS_ENDPOINT_URL_SQS']!;
    const dynamodb = new DynamoDBClient({ ...common, endpoint: running.endpoints['AWS_ENDPOINT_URL_DYNAMODB']! });
    const sqs = new SQSClient({ ...common, endpoint: sqsEndpoint });
    const s3 = new S3Client({
      ...common,
      endpoint: running.endpoints['AWS_ENDPOINT_URL_S3'] ?? sqsEndpoint,
      forcePathStyle: true,
    });
    return {
      url: running.url,
      token: (request) => requestTwinToken(running.url, request),
      documentClient: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      sqs,
      s3,
      webhookQueueUrl: queueUrl(sqsEndpoint, queueName('WebhookQueue')),
      webhookDlqUrl: queueUrl(sqsEndpoint, queueName('WebhookDlq')),
      tables,
      runSweep: async () => (await fetch(`${running.url}/.twin/schedules/sweep/run`, { method: 'POST' })).status,
      stop: async () => {
        dynamodb.destroy();
        sqs.destroy();
        s3.destroy();
      },
    };
  }
  log('no running twin: starting a private one (fresh state, free port) …');
  const twin = await startTwin({ port: 0, fresh: true });
  log(`private twin at ${twin.url}`);
  return {
    url: twin.url,
    token: (request) => twin.token(request),
    documentClient: twin.clients.documentClient,
    sqs: twin.clients.sqs,
    s3: twin.clients.s3,
    webhookQueueUrl: twin.names.queueUrls['WebhookQueue']!,
    webhookDlqUrl: twin.names.queueUrls['WebhookDlq']!,
    tables,
    runSweep: async () => (await twin.runSchedule('sweep')).status,
    stop: () => twin.stop(),
  };
}

/** The twin's sandbox signing secret (config/webhook-secrets.local.json, the file WEBHOOK_SECRETS_FILE names). */
export function sandboxSecret(): string {
  const secrets = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'webhook-secrets.local.json'), 'utf8')) as {
    sandbox: string[];
  };
  return secrets.sandbox[0]!;
}

/**
 * The twin's now in unix seconds: what its intake checks a signature's timestamp against. A drill
 * that signs by its own clock is refused once an earlier drill moved the twin's clock (the `all`
 * run shares one twin), as a provider whose clock ran a day behind would be.
 */
export async function twinNowSeconds(url: string): Promise<number> {
  return Math.floor(Date.parse((await readTwinClock(url)).now) / 1000);
}

/** POSTs a Standard-Webhooks-signed sandbox event to the twin's intake, as the sandbox would (signed at the twin's now). */
export async function deliverSandbox(
  url: string,
  eventId: string,
  body: unknown,
  signedAtSeconds?: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const timestampSeconds = signedAtSeconds ?? (await twinNowSeconds(url));
  const raw = JSON.stringify(body);
  const signature = signStandardWebhook(sandboxSecret(), eventId, timestampSeconds, new TextEncoder().encode(raw));
  const res = await fetch(`${url}/webhooks/sandbox`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': eventId,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signature,
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  pollMs = 500,
): Promise<T> {
  let value = await probe();
  for (const deadline = Date.now() + timeoutMs; !done(value) && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, pollMs));
    value = await probe();
  }
  return value;
}
