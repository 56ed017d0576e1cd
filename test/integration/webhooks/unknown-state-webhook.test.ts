// Issue 14 on the webhook path, on DynamoDB Local: a signed event in a state the provider's mapping does not
// know moves nothing and is never dead-lettered. It is acknowledged (outcome `unknown_state` in the inbox,
// which keeps the event) and opens the same `provider_state_unknown` exception the sweeper opens for that
// payout and state: a redelivery, another event in that state and the sweeper's status read are one row.
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processWebhookRecord } from '../../../functions/app/webhooks/process';
import { openUnknownProviderState } from '../../../functions/app/sweeper/unknown-state';
import { exceptionIdFor, SLA_SECONDS_BY_CATEGORY } from '../../../functions/domain/exceptions';
import { mapAdyenState } from '../../../functions/domain/adyen-status';
import { mapPaypalItemState } from '../../../functions/domain/paypal-status';
import { mapSandboxState, mapStripeState, type MappedProviderState } from '../../../functions/domain/provider-status';
import type { WebhookProvider } from '../../../functions/domain/webhook-signatures';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { webhookInState } from '../../support/provider-webhooks';
import { samplePayout } from '../payouts/helpers';
import { harness } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

interface Case {
  readonly provider: WebhookProvider;
  readonly reference: () => string;
  readonly state: string;
  readonly mapState: (state: string) => MappedProviderState;
}
const CASES: readonly Case[] = [
  { provider: 'sandbox', reference: () => `sbx_${ulid()}`, state: 'teleported', mapState: mapSandboxState },
  { provider: 'stripe', reference: () => `po_${ulid()}`, state: 'exploded', mapState: mapStripeState },
  { provider: 'paypal', reference: () => `I${ulid()}`, state: 'IN_LIMBO', mapState: mapPaypalItemState },
  { provider: 'adyen', reference: () => `T${ulid()}`, state: 'onHoldAtCorrespondentBank', mapState: mapAdyenState },
];

/** A payout accepted at `provider` with its reference, as the submitter leaves it. */
async function seed(c: Case) {
  const created = samplePayout({ provider: c.provider, status: 'accepted', providerReference: c.reference() });
  await h.payouts.createPayout(created);
  return created.payout;
}

/** Stores the event in the inbox as the intake would (signature already verified) and processes its message. */
async function deliverAndProcess(provider: WebhookProvider, webhook: NonNullable<ReturnType<typeof webhookInState>>) {
  await h.inbox.receive({
    provider,
    providerEventId: webhook.providerEventId,
    eventType: webhook.eventType,
    receivedAt: new Date().toISOString(),
    signatureTimestampSeconds: Math.floor(Date.now() / 1_000),
    rawBody: new TextEncoder().encode(JSON.stringify(webhook.body)),
  });
  const body = JSON.stringify({
    provider,
    provider_event_id: webhook.providerEventId,
    event_type: webhook.eventType,
  });
  return processWebhookRecord(h.processDeps, {
    body,
    messageId: `msg-${ulid()}`,
    attributes: { ApproximateReceiveCount: '1' } as never,
  });
}

describe.each(CASES)('$provider: a webhook in unknown state $state', (c) => {
  it('moves nothing, is acknowledged, and shares one exception with the sweeper', async () => {
    const payout = await seed(c);
    const ids = { ...payout, providerReference: payout.providerReference! };
    const first = webhookInState(c.provider, c.state, ids, 1)!;
    expect(await deliverAndProcess(c.provider, first)).toBe('unknown_state');
    expect(await h.inbox.get(c.provider, first.providerEventId)).toMatchObject({ outcome: 'unknown_state' });
    expect(await h.payouts.getPayoutById(payout.payoutId)).toMatchObject({
      status: 'accepted',
      version: payout.version,
    });

    // Another event in the same state, then the sweeper's read of it: the same row, seen three times.
    expect(await deliverAndProcess(c.provider, webhookInState(c.provider, c.state, ids, 2)!)).toBe('unknown_state');
    await openUnknownProviderState(
      h.exceptions,
      payout,
      c.provider,
      { kind: 'found', providerReference: ids.providerReference, state: c.mapState(c.state), countAtProvider: 1 },
      new Date().toISOString(),
    );
    const exceptionId = exceptionIdFor({
      category: 'provider_state_unknown',
      provider: c.provider,
      payoutId: payout.payoutId,
      providerState: c.state,
    });
    const open = (await h.exceptions.list({ state: 'open', category: 'provider_state_unknown' })).items.filter(
      (exception) => exception.payoutId === payout.payoutId,
    );
    expect(open.map((exception) => exception.exceptionId)).toEqual([exceptionId]);
    expect(open[0]).toMatchObject({
      owner: 'provider',
      slaSeconds: SLA_SECONDS_BY_CATEGORY.provider_state_unknown,
      occurrences: 3,
      evidence: { provider: c.provider, provider_state: c.state, provider_reference: ids.providerReference },
    });
  });

  it("another provider's signed event in that state is an ownership refusal, not an unknown state", async () => {
    const payout = await seed(c);
    const other: WebhookProvider = c.provider === 'sandbox' ? 'stripe' : 'sandbox';
    const webhook = webhookInState(other, c.state, { ...payout, providerReference: payout.providerReference! })!;
    expect(await deliverAndProcess(other, webhook)).toBe('rejected_ownership');
    const unknown = (await h.exceptions.list({ state: 'open', category: 'provider_state_unknown' })).items;
    expect(unknown.filter((exception) => exception.payoutId === payout.payoutId)).toEqual([]);
  });
});

describe("paypal: the item's transaction id", () => {
  it('is recorded from its webhook, once (a later different one does not overwrite it)', async () => {
    const c = CASES.find((candidate) => candidate.provider === 'paypal')!;
    const payout = await seed(c);
    const ids = { ...payout, providerReference: payout.providerReference! };
    const withTransaction = (state: string, sequence: number, transactionId: string) => {
      const webhook = webhookInState('paypal', state, ids, sequence)!;
      const resource = webhook.body['resource'] as Record<string, unknown>;
      return { ...webhook, body: { ...webhook.body, resource: { ...resource, transaction_id: transactionId } } };
    };
    expect(await deliverAndProcess('paypal', withTransaction('UNCLAIMED', 1, 'TXN0FIRST'))).toBe('applied');
    expect(await deliverAndProcess('paypal', withTransaction('SUCCESS', 2, 'TXN0OTHER'))).toBe('applied');
    expect(await h.payouts.getPayoutById(payout.payoutId)).toMatchObject({
      status: 'paid',
      providerReference: ids.providerReference,
      providerTransactionId: 'TXN0FIRST',
    });
  });
});
