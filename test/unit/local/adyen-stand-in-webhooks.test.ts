// The Adyen stand-in's transfer webhooks, end to end on loopback: a payout submitted through our adapter,
// booked, then returned by the bank; every webhook is delivered to a receiver, verified with our Adyen
// HMAC verifier on its raw bytes, mapped by provider-events and applied by the lifecycle table. The
// issue's "an Adyen returned transfer becomes reversed", through the stand-in's own bytes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdyenProvider } from '../../../functions/adapters/providers/adyen-provider';
import { decide, type PayoutStatus } from '../../../functions/domain/lifecycle';
import { mapWebhookEvent, webhookEnvelope } from '../../../functions/domain/provider-events';
import { verifyWebhookSignature } from '../../../functions/domain/webhook-signatures';
import { startAdyenStandIn, type AdyenStandInServer } from '../../../local/providers/adyen/server';
import { deliver } from '../../../local/providers/adyen/webhooks';

const KEY = 'AF43FE0021FC956750D0D687383F2A1BA228FF206B2D697E3B9E0C16B14BD601';
const received: Array<{ headers: Record<string, string>; raw: Buffer }> = [];
let standIn: AdyenStandInServer;
let receiverUrl: string;
let answerStatus = 200;
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (answerStatus === 200)
      received.push({ headers: request.headers as Record<string, string>, raw: Buffer.concat(chunks) });
    response.writeHead(answerStatus).end();
  });
});

beforeAll(async () => {
  standIn = await startAdyenStandIn({ apiKey: 'k' });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/adyen`;
});
afterAll(async () => {
  await standIn.close();
  await new Promise<void>((done) => receiver.close(() => done()));
});

describe('adyen stand-in webhooks', () => {
  it('created, booked, returned: verified, mapped, and the payout ends reversed', async () => {
    const adapter = new AdyenProvider({ baseUrl: standIn.baseUrl, apiKey: 'k', balanceAccountId: 'BA1' });
    const payoutId = 'po_01JADYENSTANDINWEBHOOK0001';
    const submitted = await adapter.submit({
      payoutId,
      amountMinor: 2_500,
      currency: 'EUR',
      destination: { country: 'NL', method: 'sepa', fields: { iban: 'NL91ABNA0417164300' } },
      recipient: { name: 'A. Klaassen' },
    });
    if (submitted.kind !== 'accepted') throw new Error(JSON.stringify(submitted));
    standIn.books.setStatus(submitted.providerReference, 'authorised');
    standIn.books.setStatus(submitted.providerReference, 'booked');

    // A failed delivery stays queued and goes again, in order, with the next one.
    answerStatus = 500;
    expect(await deliver(standIn.books, { url: receiverUrl, hmacKeyHex: KEY })).toEqual([500]);
    answerStatus = 200;
    standIn.books.setStatus(submitted.providerReference, 'returned', 'counterpartyAccountClosed');
    expect(await deliver(standIn.books, { url: receiverUrl, hmacKeyHex: KEY })).toEqual([200, 200, 200, 200]);

    let status: PayoutStatus = 'submitted';
    const seen: string[] = [];
    for (const delivery of received) {
      const nowSeconds = Math.floor(Date.now() / 1_000);
      const verdict = verifyWebhookSignature('adyen', {
        headers: delivery.headers,
        rawBody: delivery.raw,
        secrets: [KEY],
        nowSeconds,
      });
      expect(verdict.ok).toBe(true);
      const body = JSON.parse(delivery.raw.toString('utf8')) as unknown;
      const envelope = webhookEnvelope('adyen', delivery.headers, body);
      if (!envelope.ok) throw new Error('no envelope');
      seen.push(envelope.envelope.providerEventId);
      const mapped = mapWebhookEvent('adyen', envelope.envelope.eventType, body);
      if (mapped.kind !== 'transition') throw new Error(JSON.stringify(mapped));
      expect(mapped).toMatchObject({
        payoutId,
        providerReference: submitted.providerReference,
        amountMinor: 2_500,
        currency: 'EUR',
      });
      const decision = decide(status, mapped.event);
      if (decision.kind === 'transition') status = decision.to;
      if (mapped.providerState === 'returned') expect(mapped.statusReason).toBe('account_closed');
    }
    const reference = submitted.providerReference;
    expect(seen).toEqual([1, 2, 3, 4].map((n) => `${reference}.${n}`));
    expect(status).toBe('reversed');
    // Tampered bytes are refused by the same verifier.
    const last = received[received.length - 1]!;
    const tampered = Buffer.from(last.raw.toString('utf8').replace('2500', '2501'));
    const nowSeconds = Math.floor(Date.now() / 1_000);
    expect(
      verifyWebhookSignature('adyen', { headers: last.headers, rawBody: tampered, secrets: [KEY], nowSeconds }),
    ).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
  });
});
