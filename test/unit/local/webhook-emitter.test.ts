import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_RATES_NONE, type DeliveryTiming, type FaultRates } from '../../../local/sandbox/fault-plan';
import { WebhookDelivery } from '../../../local/sandbox/webhook-delivery';
import type { SandboxWebhookEvent } from '../../../local/sandbox/webhook-event';
import { signStandardWebhook } from '../../../local/sandbox/webhook-signer';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Milliseconds instead of seconds, same shape as the twin's timing. */
const FAST: DeliveryTiming = {
  retryDelayMsBase: 5,
  retryDelayMsMax: 40,
  attemptsMax: 4,
  delayMsMax: 20,
  duplicateGapMsMax: 10,
  reorderHoldMsMax: 1_000,
};
const WAIT_MS_MAX = 3_000;

interface Received {
  id: string;
  timestamp: string;
  body: string;
  verified: unknown;
}

let server: Server | undefined;
let delivery: WebhookDelivery | undefined;
afterEach(async () => {
  await delivery?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = delivery = undefined;
});

/** A receiver that verifies with the standardwebhooks package and answers the given statuses in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const verifier = new Webhook(SECRET);
  server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    received.push({
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      body,
      verified: verifier.verify(body, headers),
    });
    response.writeHead(statuses.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhooks/sandbox`, received };
}

function event(
  sequence: number,
  payoutId = 'po_1',
  status: SandboxWebhookEvent['data']['status'] = 'accepted',
): SandboxWebhookEvent {
  return {
    id: `evt_sbx_${String(sequence).padStart(8, '0')}`,
    type: `payout.${status}`,
    timestamp: '2026-11-25T10:00:00.000Z',
    data: {
      payout_id: payoutId,
      provider_reference: 'sbx_po_1',
      status,
      previous_status: null,
      amount: 1000,
      currency: 'EUR',
      fee_minor: 3,
    },
  };
}

function start(url: string, rates: FaultRates, seed = 1): WebhookDelivery {
  delivery = new WebhookDelivery({ targetUrl: url, secret: SECRET, seed, rates, timing: FAST });
  return delivery;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('sandbox webhook signing', () => {
  it('matches the Standard Webhooks test vector (DESIGN §7)', () => {
    expect(
      signStandardWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')[
        'webhook-signature'
      ],
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('sandbox webhook delivery', () => {
  it('delivers a clean event once, signed, with the event id as webhook-id', async () => {
    const { url, received } = await receiver();
    const record = start(url, FAULT_RATES_NONE).enqueue(event(1));
    await until(() => record.state === 'delivered');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: 'evt_sbx_00000001', verified: event(1) });
    expect(Math.abs(Number(received[0]!.timestamp) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('redelivers a dropped event with backoff: the receiver sees it once, after the lost attempts', async () => {
    const { url, received } = await receiver();
    const record = start(url, { ...FAULT_RATES_NONE, drop: 1 }).enqueue(event(2));
    await until(() => record.state === 'delivered');
    expect(record.plan.droppedAttempts).toBeGreaterThan(0);
    expect(record.attempts.map((a) => a.outcome)).toEqual([
      ...Array(record.plan.droppedAttempts).fill('dropped'),
      'delivered',
    ]);
    expect(received.map((r) => r.id)).toEqual(['evt_sbx_00000002']);
  });

  it('retries a failing receiver and stops after attemptsMax (bounded)', async () => {
    const retried = await receiver([500, 503]);
    const ok = start(retried.url, FAULT_RATES_NONE).enqueue(event(3));
    await until(() => ok.state === 'delivered');
    expect(ok.attempts.map((a) => a.httpStatus)).toEqual([500, 503, 200]);
    expect(new Set(retried.received.map((r) => r.body)).size).toBe(1); // same bytes every time
    await delivery!.stop();
    await new Promise((resolve) => server!.close(resolve));

    const broken = await receiver([500, 500, 500, 500, 500, 500]);
    const given = start(broken.url, FAULT_RATES_NONE).enqueue(event(4));
    await until(() => given.state === 'gave_up');
    expect(given.attempts).toHaveLength(FAST.attemptsMax);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broken.received).toHaveLength(FAST.attemptsMax);
  });

  it('sends a duplicate with the same id and body', async () => {
    const { url, received } = await receiver();
    const record = start(url, { ...FAULT_RATES_NONE, duplicate: 1 }).enqueue(event(5));
    await until(() => record.attempts.length === 2);
    expect(received[0]!.id).toBe(received[1]!.id);
    expect(received[0]!.body).toBe(received[1]!.body);
    expect(record.attempts.map((a) => a.outcome)).toEqual(['delivered', 'duplicate']);
  });

  it("reorders: a held event arrives after the payout's next event", async () => {
    const { url, received } = await receiver();
    const sender = start(url, { ...FAULT_RATES_NONE, reorder: 1 });
    const first = sender.enqueue(event(6, 'po_r', 'in_transit'));
    const second = sender.enqueue(event(7, 'po_r', 'paid'));
    expect(first.held).toBe(true);
    expect(second.held).toBe(false); // one held event per payout at a time
    await until(() => received.length === 2);
    expect(received.map((r) => r.id)).toEqual(['evt_sbx_00000007', 'evt_sbx_00000006']);
  });

  it('is deterministic: the same seed gives the same attempts', async () => {
    const runs: string[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const { url } = await receiver();
      const sender = start(url, { duplicate: 0.5, delay: 0.5, reorder: 0, drop: 0.5 }, 77);
      const records = [1, 2, 3, 4, 5, 6].map((n) => sender.enqueue(event(100 + n, `po_${n}`)));
      // Delivered, and its planned duplicate sent: a fixed wait for the duplicates raced a loaded machine.
      const settled = (r: (typeof records)[number]) =>
        r.state === 'delivered' && (r.plan.duplicates === 0 || r.attempts.some((a) => a.outcome === 'duplicate'));
      await until(() => records.every(settled));
      runs.push(records.map((r) => r.attempts.map((a) => a.outcome).join('+')));
      await delivery!.stop();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('resends on demand: one immediate fault-free attempt with a fresh signature', async () => {
    const { url, received } = await receiver();
    const sender = start(url, FAULT_RATES_NONE);
    const record = sender.enqueue(event(8));
    await until(() => record.state === 'delivered');
    const attempt = await sender.resend('evt_sbx_00000008');
    expect(attempt).toMatchObject({ outcome: 'resent', httpStatus: 200 });
    expect(received.map((r) => r.id)).toEqual(['evt_sbx_00000008', 'evt_sbx_00000008']);
    expect(await sender.resend('evt_unknown')).toBeUndefined();
  });
});
