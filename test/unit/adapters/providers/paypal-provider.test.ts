// The PayPal adapter against the PayPal stand-in on 127.0.0.1 (issue 14): what the shared conformance
// suite does not ask — the token cache and its refresh on 401, a reused sender_batch_id answered by its
// original batch, the UNCLAIMED cancel, the 30-day expiry, a batch of issue 13 and its pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaypalProvider } from '../../../../functions/adapters/providers/paypal-provider';
import type { ProviderSubmission } from '../../../../functions/domain/provider-port';
import { mapWebhookEvent, webhookEnvelope } from '../../../../functions/domain/provider-events';
import { UNCLAIMED_EXPIRED_REASON } from '../../../../functions/domain/paypal-status';
import { parsePaypalReport } from '../../../../functions/domain/reconciliation/paypal-report';
import type { ReportRow } from '../../../../functions/domain/reconciliation/report';
import { startPaypalStandIn, TEST_REPORT_PATH, type PaypalStandIn } from '../../../../local/providers/paypal/server';
import { CONFORMANCE_CREDENTIALS, trustStandIn, verifyWithTestPki } from '../../../conformance/subjects/paypal';

const WEBHOOK_ID = 'WH-UNIT-TEST-WEBHOOK';
let standIn: PaypalStandIn;
let clockMs = Date.parse('2026-11-30T10:00:00Z');
const nowMs = () => clockMs;
const noSleep = async () => undefined;
const adapter = () =>
  new PaypalProvider({ baseUrl: standIn.baseUrl, credentials: CONFORMANCE_CREDENTIALS, nowMs, sleep: noSleep });
const submission = (payoutId: string, email = 'r@example.com'): ProviderSubmission => ({
  payoutId,
  amountMinor: 2_500,
  currency: 'USD',
  destination: { country: 'US', method: 'paypal', fields: { email } },
  recipient: { name: 'Unit Recipient' },
});
const tokenCalls = () => standIn.controls.requests().filter((r) => r.path === '/v1/oauth2/token').length;

beforeAll(async () => {
  standIn = await startPaypalStandIn({
    ...CONFORMANCE_CREDENTIALS,
    webhookId: WEBHOOK_ID,
    nowMs,
    tokenLifetimeSeconds: 600,
  });
  trustStandIn(standIn);
});
afterAll(async () => standIn.close());

describe('OAuth client credentials', () => {
  it('one token serves calls until it is 60 s short of expiry, then a new one is fetched', async () => {
    const provider = adapter();
    const before = tokenCalls();
    const first = await provider.submit(submission('po_tok_1'));
    await provider.submit(submission('po_tok_2'));
    expect(tokenCalls() - before).toBe(1);
    clockMs += 541_000; // 600 s lifetime − 60 s margin, plus one second
    await provider.submit(submission('po_tok_3'));
    expect(tokenCalls() - before).toBe(2);
    expect(first.kind).toBe('accepted');
  });

  it('a token PayPal revoked early is refreshed once on the 401, and the call succeeds', async () => {
    const provider = adapter();
    await provider.submit(submission('po_rev_1'));
    const before = tokenCalls();
    standIn.controls.revokeTokens();
    const result = await provider.submit(submission('po_rev_2'));
    expect(result.kind).toBe('accepted');
    expect(tokenCalls() - before).toBe(1);
  });

  it('wrong client credentials are an authentication error for a human, never retried', async () => {
    const provider = new PaypalProvider({
      baseUrl: standIn.baseUrl,
      credentials: { clientId: 'x', clientSecret: 'y' },
      sleep: noSleep,
    });
    await expect(provider.submit(submission('po_badcreds'))).rejects.toMatchObject({
      name: 'ProviderAuthenticationError',
      category: 'human_action_required',
    });
    expect(JSON.stringify(standIn.controls.requests().at(-1))).not.toContain('conformance-client-secret');
  });
});

describe('idempotency', () => {
  it('our payout id is sender_batch_id, sender_item_id and PayPal-Request-Id', async () => {
    await adapter().submit(submission('po_ids_1'));
    const create = standIn.controls
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/v1/payments/payouts')
      .at(-1)!;
    expect(create.headers['paypal-request-id']).toBe('po_ids_1');
    const body = JSON.parse(create.body) as { sender_batch_header: { sender_batch_id: string }; items: unknown[] };
    expect(body.sender_batch_header.sender_batch_id).toBe('po_ids_1');
    expect(body.items).toEqual([
      {
        recipient_type: 'EMAIL',
        amount: { currency: 'USD', value: '25.00' },
        receiver: 'r@example.com',
        sender_item_id: 'po_ids_1',
      },
    ]);
  });

  it('a repeat after PayPal forgot the request id is refused as a reused sender_batch_id: its link is our batch', async () => {
    const provider = adapter();
    const first = await provider.submit(submission('po_dup_1'));
    standIn.controls.forgetRequestIds();
    const again = await provider.submit(submission('po_dup_1'));
    const refusal = standIn.controls.requests().filter((r) => r.method === 'POST' && r.path === '/v1/payments/payouts');
    expect(refusal.length).toBeGreaterThanOrEqual(2);
    expect(first).toMatchObject({ kind: 'accepted', replayed: false });
    expect(again).toMatchObject({ kind: 'accepted', replayed: true });
    if (first.kind === 'accepted' && again.kind === 'accepted')
      expect(again.providerReference).toBe(first.providerReference);
    expect(standIn.controls.countFor('po_dup_1')).toBe(1);
  });

  it('a batch outside 1 … 15,000 items is refused before any call', async () => {
    const { createBatch } = await import('../../../../functions/adapters/providers/paypal-batch');
    await expect(createBatch(adapter().http, { senderBatchId: 'po_empty', items: [] }, 1_000)).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe('cancel, expiry and return', () => {
  it('cancels an UNCLAIMED item; asking again is canceled; a paid item is too late', async () => {
    const provider = adapter();
    const submitted = await provider.submit(submission('po_cancel_1'));
    if (submitted.kind !== 'accepted') throw new Error('not accepted');
    const ref = submitted.providerReference;
    await standIn.controls.setState(ref, 'UNCLAIMED');
    const canceled = await provider.cancel({ payoutId: 'po_cancel_1', providerReference: ref });
    expect(canceled).toMatchObject({ kind: 'canceled', state: { kind: 'known', event: 'provider_canceled' } });
    expect(await provider.cancel({ payoutId: 'po_cancel_1', providerReference: ref })).toMatchObject({
      kind: 'canceled',
    });
    const paid = await provider.submit(submission('po_cancel_2'));
    if (paid.kind !== 'accepted') throw new Error('not accepted');
    await standIn.controls.setState(paid.providerReference, 'SUCCESS');
    expect(await provider.cancel({ payoutId: 'po_cancel_2', providerReference: paid.providerReference })).toEqual({
      kind: 'too_late',
      providerState: 'SUCCESS',
    });
    expect(await provider.cancel({ payoutId: 'x', providerReference: 'INOSUCHITEM00' })).toEqual({ kind: 'not_found' });
    expect(await provider.requestReturn()).toEqual({ kind: 'unsupported' });
  });

  it("the item's transaction id, distinct from its item id, comes with the submission, the status read and its webhook", async () => {
    const provider = adapter();
    const submitted = await provider.submit(submission('po_txn_1'));
    if (submitted.kind !== 'accepted') throw new Error('not accepted');
    await standIn.controls.setState(submitted.providerReference, 'SUCCESS');
    const status = await provider.getStatus({ payoutId: 'po_txn_1', providerReference: submitted.providerReference });
    const transactionId = (status as { providerTransactionId?: string }).providerTransactionId;
    expect(transactionId).toMatch(/^T/);
    expect(transactionId).not.toBe(submitted.providerReference);
    // The batch GET the submission reads already lists it: the submitter records it with provider_accepted.
    expect(submitted.providerTransactionId).toBe(transactionId);
    const body = JSON.parse(Buffer.from(standIn.webhooks.deliveries().at(-1)!.rawBody).toString('utf8')) as unknown;
    expect(mapWebhookEvent('paypal', 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED', body)).toMatchObject({
      kind: 'transition',
      providerReference: submitted.providerReference,
      providerTransactionId: transactionId,
    });
    // The stand-in's report prints it in PayPal Reference ID, as PayPal documents: the row's reference.
    const report = await fetch(`${standIn.baseUrl}${TEST_REPORT_PATH}`).then((response) => response.text());
    const rows: ReportRow[] = [];
    for await (const row of parsePaypalReport([new TextEncoder().encode(report)])) rows.push(row);
    expect(rows.find((row) => row.payoutId === 'po_txn_1')).toMatchObject({ providerReference: transactionId });
  });

  it('an UNCLAIMED item that PayPal returns after 30 days reads as failed, with its reason', async () => {
    const provider = adapter();
    const submitted = await provider.submit(submission('po_expire_1'));
    if (submitted.kind !== 'accepted') throw new Error('not accepted');
    await standIn.controls.setState(submitted.providerReference, 'UNCLAIMED');
    const unclaimed = await provider.getStatus({
      payoutId: 'po_expire_1',
      providerReference: submitted.providerReference,
    });
    expect(unclaimed).toMatchObject({ state: { event: 'provider_pending' }, failureCode: 'RECEIVER_UNREGISTERED' });
    await standIn.controls.setState(submitted.providerReference, 'RETURNED');
    const returned = await provider.getStatus({
      payoutId: 'po_expire_1',
      providerReference: submitted.providerReference,
    });
    expect(returned).toMatchObject({
      kind: 'found',
      state: { kind: 'known', providerState: 'RETURNED', event: 'provider_failed' },
      failureCode: UNCLAIMED_EXPIRED_REASON,
      amountMinor: 2_500,
      currency: 'USD',
    });
    // The webhook says the same, and it verifies as PayPal's would.
    const delivery = standIn.webhooks.deliveries().at(-1)!;
    expect(verifyWithTestPki(delivery, [WEBHOOK_ID], Math.floor(clockMs / 1_000)).ok).toBe(true);
    const body = JSON.parse(Buffer.from(delivery.rawBody).toString('utf8')) as unknown;
    const envelope = webhookEnvelope('paypal', delivery.headers, body);
    expect(envelope).toMatchObject({ ok: true, envelope: { eventType: 'PAYMENT.PAYOUTS-ITEM.RETURNED' } });
    expect(mapWebhookEvent('paypal', 'PAYMENT.PAYOUTS-ITEM.RETURNED', body)).toMatchObject({
      kind: 'transition',
      event: 'provider_failed',
      payoutId: 'po_expire_1',
      providerReference: submitted.providerReference,
      statusReason: UNCLAIMED_EXPIRED_REASON,
      amountMinor: 2_500,
      currency: 'USD',
    });
  });
});

describe('a batch of issue 13', () => {
  it('maps one-to-one: one create, every item by payout id, read page by page', async () => {
    const provider = adapter();
    const payouts = Array.from({ length: 5 }, (_, i) => submission(`po_batch_${i}`));
    const results = await provider.submitBatch(
      'bat_unit_1',
      [...payouts, submission('po_batch_none', '')].map((p, i) =>
        i === 5 ? { ...p, destination: { ...p.destination, fields: {} } } : p,
      ),
    );
    expect([...results.keys()].sort()).toEqual([...payouts.map((p) => p.payoutId), 'po_batch_none'].sort());
    expect(results.get('po_batch_none')).toMatchObject({ kind: 'rejected', reasonCode: 'RECEIVER_MISSING' });
    const batchId = ((await (await fetch(`${standIn.baseUrl}/v1/test/batches`)).json()) as string[]).at(-1)!;
    const before = standIn.controls.requests().length;
    const items = await provider.listBatch(batchId, 2);
    expect(items.map((item) => item.payout_item.sender_item_id)).toEqual(payouts.map((p) => p.payoutId));
    const pages = standIn.controls
      .requests()
      .slice(before)
      .map((r) => r.path);
    expect(pages).toEqual(
      [1, 2, 3].map((page) => `/v1/payments/payouts/${batchId}?page=${page}&page_size=2&total_required=true`),
    );
  });
});
