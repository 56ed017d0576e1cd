// The emitter plugged into the real sandbox: a payout's states arrive at a receiver as signed
// webhooks in order (faults off), the event body is the documented one, and resend works over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process';
import { loadSandboxSecret } from '../../../local/sandbox/webhook-emitter';

const STEP_SECONDS = 0.2;
const WAIT_MS_MAX = 10_000;

let receiver: Server;
let sandbox: SandboxProvider;
const received: Array<{
  id: string;
  event: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}> = [];
let savedFaults: string | undefined;

beforeAll(async () => {
  savedFaults = process.env['SANDBOX_WEBHOOK_FAULTS'];
  process.env['SANDBOX_WEBHOOK_FAULTS'] = 'none';
  const verifier = new Webhook(loadSandboxSecret());
  receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const event = verifier.verify(
      body,
      request.headers as Record<string, string>,
    ) as (typeof received)[number]['event'];
    received.push({ id: String(request.headers['webhook-id']), event });
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

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out; received ${JSON.stringify(received.map((r) => r.event.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sandbox webhook emitter', () => {
  it('sends a signed event for every state, then resends one on demand', async () => {
    const payoutId = 'po_emitter_test_1';
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
    const reference = ((await created.json()) as { id: string }).id;

    await until(() => received.some((r) => r.event.type === 'payout.paid'));
    expect(received.map((r) => r.event.data['status'])).toEqual(['accepted', 'in_transit', 'paid']);
    for (const { id, event } of received) {
      expect(event.id).toBe(id);
      expect(event.type).toBe(`payout.${String(event.data['status'])}`);
      expect(event.data).toMatchObject({
        payout_id: payoutId,
        provider_reference: reference,
        amount: 1_000,
        currency: 'EUR',
      });
      expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
    }

    const paid = received.find((r) => r.event.type === 'payout.paid')!;
    const resend = await fetch(`${sandbox.url}/v1/webhooks/${paid.id}/resend`, { method: 'POST' });
    expect(resend.status).toBe(200);
    await until(() => received.filter((r) => r.id === paid.id).length === 2);

    const log = (await (await fetch(`${sandbox.url}/v1/webhooks/events?payout_id=${payoutId}`)).json()) as {
      data: Array<{ state: string; attempts: Array<{ outcome: string }> }>;
    };
    expect(log.data.map((e) => e.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(log.data[2]!.attempts.map((a) => a.outcome)).toEqual(['delivered', 'resent']);
    expect((await fetch(`${sandbox.url}/v1/webhooks/evt_nope/resend`, { method: 'POST' })).status).toBe(404);
  });
});
