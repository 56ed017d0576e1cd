// The sandbox's incident controls, used by the stale-status and incident drills: webhooks held back
// (POST /v1/test/webhooks/hold) are delivered late, in order, once released; a stalled settlement
// (POST /v1/test/settlement) moves no payout on, and the steps that fell due are applied when it ends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSandboxWebhooks, stallSandboxSettlement } from '../../../local/sandbox/client';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process';
import { loadSandboxSecret } from '../../../local/sandbox/webhook-emitter';

const STEP_SECONDS = 0.2;
/** Well past accepted → in_transit → paid at STEP_SECONDS a step. */
const PROGRESSION_MS = 1_500;
const WAIT_MS_MAX = 10_000;

let receiver: Server;
let sandbox: SandboxProvider;
const received: Array<{ payoutId: string; status: string }> = [];
let savedFaults: string | undefined;

beforeAll(async () => {
  savedFaults = process.env['SANDBOX_WEBHOOK_FAULTS'];
  process.env['SANDBOX_WEBHOOK_FAULTS'] = 'none';
  const verifier = new Webhook(loadSandboxSecret());
  receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const event = verifier.verify(
      Buffer.concat(chunks).toString('utf8'),
      request.headers as Record<string, string>,
    ) as {
      data: { payout_id: string; status: string };
    };
    received.push({ payoutId: event.data.payout_id, status: event.data.status });
    response.writeHead(202).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/sandbox`;
  sandbox = await startSandboxProvider({ port: 0, webhookUrl, stepSeconds: STEP_SECONDS });
});

afterAll(async () => {
  await sandbox?.stop();
  await new Promise((resolve) => receiver.close(resolve));
  if (savedFaults === undefined) delete process.env['SANDBOX_WEBHOOK_FAULTS'];
  else process.env['SANDBOX_WEBHOOK_FAULTS'] = savedFaults;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createPayout(payoutId: string): Promise<string> {
  const created = await fetch(`${sandbox.url}/v1/payouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': payoutId },
    body: JSON.stringify({
      amount: 1_000,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa_credit_transfer', fields: { iban: 'DE89370400440532013000' } },
      recipient: { name: 'Ada' },
      metadata: { payout_id: payoutId },
    }),
  });
  expect(created.ok).toBe(true);
  return ((await created.json()) as { id: string }).id;
}

const statusAtSandbox = async (reference: string) =>
  ((await (await fetch(`${sandbox.url}/v1/payouts/${reference}`)).json()) as { status: string }).status;
const receivedFor = (payoutId: string) => received.filter((r) => r.payoutId === payoutId).map((r) => r.status);

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (const deadline = Date.now() + WAIT_MS_MAX; !(await condition()); await sleep(20))
    if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(received)}`);
}

describe('sandbox incident controls', () => {
  it('holds webhooks back while the payout moves on, then delivers them late and in order', async () => {
    expect(await holdSandboxWebhooks(sandbox.url, true)).toEqual({ held: true, waiting: 0, released: 0 });
    const payoutId = 'po_hold_1';
    const reference = await createPayout(payoutId);
    await until(async () => (await statusAtSandbox(reference)) === 'paid');
    await sleep(200);
    expect(receivedFor(payoutId)).toEqual([]);

    const released = await holdSandboxWebhooks(sandbox.url, false);
    expect(released).toEqual({ held: false, waiting: 0, released: 3 });
    await until(() => receivedFor(payoutId).length === 3);
    expect(receivedFor(payoutId)).toEqual(['accepted', 'in_transit', 'paid']);
  });

  it('a stalled settlement moves no payout on; ending it applies what fell due', async () => {
    expect(await stallSandboxSettlement(sandbox.url, true)).toMatchObject({ stalled: true });
    const reference = await createPayout('po_stall_1');
    await sleep(PROGRESSION_MS);
    expect(await statusAtSandbox(reference)).toBe('accepted');

    expect(await stallSandboxSettlement(sandbox.url, false)).toMatchObject({ stalled: false });
    expect(await statusAtSandbox(reference)).toBe('paid');
    await until(() => receivedFor('po_stall_1').length === 3);
    expect(receivedFor('po_stall_1')).toEqual(['accepted', 'in_transit', 'paid']);
  });

  it.each([
    ['/v1/test/webhooks/hold', '{"held":"yes"}', 'held'],
    ['/v1/test/webhooks/hold', 'not json', 'held'],
    ['/v1/test/settlement', '{}', 'stalled'],
    ['/v1/test/settlement', '{"stalled":1}', 'stalled'],
  ])('POST %s %s is refused 400 naming %s, and changes nothing', async (path, body, param) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param?: string } }).error.param).toBe(param);
    const reference = await createPayout(`po_refused_${path.length}_${body.length}`);
    await until(async () => (await statusAtSandbox(reference)) === 'paid');
  });
});
