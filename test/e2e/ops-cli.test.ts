// `npm run ops` against a whole twin: a message forced into the webhook DLQ, seen by the
// sweeper, then listed, dry-run redriven, its exception assigned and resolved, and its stored event
// replayed (dry run) — all from the CLI, with a token minted the twin's way.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxRepository } from '../../functions/adapters/inbox-repository';
import { startTwin, type StartedTwin } from '../support/twin';

let twin: StartedTwin;
let stateDir: string;
const eventId = `evt_cli_${ulid()}`;

/** Async, not spawnSync: the twin runs in this process and must keep answering while the CLI waits. */
async function ops(...args: string[]): Promise<{ status: number | null; json: any; stderr: string }> {
  const child = spawn('npx', ['tsx', 'bin/ops.ts', ...args, '--state-dir', stateDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = stdout;
  }
  return { status, json, stderr };
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'twin-ops-cli-'));
  twin = await startTwin({ port: 0, fresh: true, stateDir });
  const inbox = new InboxRepository(
    twin.clients.documentClient,
    twin.names.tables['InboxTable']!,
    twin.clients.s3,
    twin.names.buckets['EvidenceBucket']!,
  );
  const now = new Date().toISOString();
  const body = { type: 'payout.paid', timestamp: now, data: { payout_id: `po_missing_${ulid()}`, status: 'paid' } };
  await inbox.receive({
    provider: 'sandbox',
    providerEventId: eventId,
    eventType: 'payout.paid',
    receivedAt: now,
    signatureTimestampSeconds: Math.floor(Date.now() / 1000),
    rawBody: new TextEncoder().encode(JSON.stringify(body)),
  });
  await inbox.markEnqueued('sandbox', eventId, now);
  await inbox.recordFailure(
    'sandbox',
    eventId,
    { message: 'payout is not known (yet)', category: 'payout_not_found' },
    now,
  );
  await twin.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: twin.names.queueUrls['WebhookDlq']!,
      MessageBody: JSON.stringify({
        provider: 'sandbox',
        provider_event_id: eventId,
        event_type: 'payout.paid',
        received_at: now,
      }),
    }),
  );
  expect((await twin.runSchedule('sweep')).status).toBe(200);
});

afterAll(async () => {
  await twin?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run ops', () => {
  it('lists the DLQ, dry-runs a redrive, assigns and resolves the exception, dry-runs a replay', async () => {
    const list = await ops('dlq', 'list');
    expect(list.status).toBe(0);
    const message = list.json.data.find((m: any) => m.provider_event_id === eventId);
    expect(message).toMatchObject({ error_category: 'payout_not_found', event_type: 'payout.paid' });

    const dry = await ops('dlq', 'redrive', '--id', message.message_id, '--dry-run');
    expect(dry.json).toMatchObject({ dry_run: true, matched: 1, moved: 0 });

    const exceptions = await ops('exceptions', 'list', '--category', 'webhook_dead_lettered', '--state', 'open');
    const exception = exceptions.json.data.find((e: any) => e.exception_id === message.exception_id);
    expect(exception).toMatchObject({ owner: 'ops', state: 'open' });
    expect((await ops('exceptions', 'assign', exception.exception_id, '--assignee', 'on-call')).json).toMatchObject({
      state: 'assigned',
      assignee: 'on-call',
    });
    expect((await ops('exceptions', 'resolve', exception.exception_id)).status).toBe(2); // --note is required
    expect(
      (await ops('exceptions', 'resolve', exception.exception_id, '--note', 'payout never existed; discarded')).json,
    ).toMatchObject({ state: 'resolved' });

    expect((await ops('replay', '--event-id', `sandbox#${eventId}`, '--dry-run')).json).toMatchObject({
      dry_run: true,
      matched: 1,
      enqueued: 0,
    });
  });
});
