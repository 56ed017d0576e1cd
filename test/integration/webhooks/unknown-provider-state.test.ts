// Issue 14: a provider answer in a state the provider's mapping does not know is never guessed. The sweeper
// re-asks a quiet payout through the real adapter against the provider's stand-in (PayPal, Adyen), the
// answer maps to `unknown`: the payout does not move, and one `provider_state_unknown` exception opens,
// owned by the provider's owner with an SLA and the raw state as evidence, however often the sweeper asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdyenProvider } from '../../../functions/adapters/providers/adyen-provider';
import { PaypalProvider } from '../../../functions/adapters/providers/paypal-provider';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { SLA_SECONDS_BY_CATEGORY } from '../../../functions/domain/exceptions';
import type { Payout } from '../../../functions/domain/payout';
import type { ProviderPort, ProviderSubmission } from '../../../functions/domain/provider-port';
import { STALE_AFTER_SECONDS_BY_CORRIDOR, STALE_AFTER_SECONDS_DEFAULT } from '../../../functions/domain/staleness';
import { startAdyenStandIn, type AdyenStandInServer } from '../../../local/providers/adyen/server';
import { startPaypalStandIn, type PaypalStandIn } from '../../../local/providers/paypal/server';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let paypalStandIn: PaypalStandIn;
let adyenStandIn: AdyenStandInServer;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  paypalStandIn = await startPaypalStandIn({ clientId: 'cid', clientSecret: 'unknown-state-secret', webhookId: 'WH' });
  adyenStandIn = await startAdyenStandIn({ apiKey: 'AQE_unknown_state_key' });
});
afterAll(async () => {
  await paypalStandIn?.close();
  await adyenStandIn?.close();
  await emulators?.stop();
});

interface ProviderCase {
  readonly name: 'paypal' | 'adyen';
  readonly currency: 'USD' | 'EUR';
  readonly destination: ProviderSubmission['destination'];
  /** A state the provider never documented (the stand-in sets it as-is, with no webhook). */
  readonly undocumentedState: string;
  adapter(): ProviderPort;
  setState(reference: string, state: string): Promise<void>;
}

const CASES: readonly ProviderCase[] = [
  {
    name: 'paypal',
    currency: 'USD',
    destination: { country: 'US', method: 'paypal', fields: { email: 'r@example.com' } },
    undocumentedState: 'IN_LIMBO',
    adapter: () =>
      new PaypalProvider({
        baseUrl: paypalStandIn.baseUrl,
        credentials: { clientId: 'cid', clientSecret: 'unknown-state-secret' },
      }),
    setState: (reference, state) => paypalStandIn.controls.setState(reference, state),
  },
  {
    name: 'adyen',
    currency: 'EUR',
    destination: { country: 'NL', method: 'bank_transfer', fields: { iban: 'NL91ABNA0417164300' } },
    undocumentedState: 'onHoldAtCorrespondentBank',
    adapter: () =>
      new AdyenProvider({
        baseUrl: adyenStandIn.baseUrl,
        apiKey: 'AQE_unknown_state_key',
        balanceAccountId: 'BA0000000000000000000UNK1',
      }),
    setState: async (reference, state) => void adyenStandIn.books.setStatus(reference, state),
  },
];

function sweepWith(provider: ProviderPort, payout: Payout, nowMs: number) {
  return sweep({
    inbox: h.inbox,
    webhookQueue: h.intakeDeps.queue,
    dlq: new DeadLetterQueue(emulators.clients.sqs),
    dlqUrls: {
      webhook: h.dlqUrl,
      submission: emulators.env['SUBMISSION_DLQ_URL']!,
      reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
      batch: emulators.env['BATCH_DLQ_URL']!,
    },
    exceptions: h.exceptions,
    rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
    payouts: h.payouts,
    // Only this test's payout (the emulator holds other tests' too); the index itself: awaiting-index.test.ts.
    awaiting: {
      quietSince: async () => {
        const current = (await h.payouts.getPayoutById(payout.payoutId))!;
        const { payoutId, status, currency, createdAt, lastEventAt } = current;
        return [{ payoutId, status, country: current.destination.country, currency, createdAt, lastEventAt }];
      },
    },
    providers: { [provider.provider]: provider },
    nowMs: () => nowMs,
  });
}

describe('a provider state the mapping does not know', () => {
  it.each(CASES)('$name: the payout stays, one provider_state_unknown exception with the raw state', async (c) => {
    // Quiet past its corridor's stale threshold (US/USD waits a day), short of long pending.
    const staleAfterSeconds =
      STALE_AFTER_SECONDS_BY_CORRIDOR[`${c.destination.country}:${c.currency}`] ?? STALE_AFTER_SECONDS_DEFAULT;
    const quietSince = new Date(Date.now() - (staleAfterSeconds + 600) * 1_000).toISOString();
    const created = samplePayout({
      status: 'accepted',
      provider: c.name,
      currency: c.currency,
      amountMinor: 3_300,
      destination: c.destination,
      createdAt: quietSince,
      lastEventAt: quietSince,
    });
    const { payoutId } = created.payout;
    const adapter = c.adapter();
    const submitted = await adapter.submit({
      payoutId,
      amountMinor: 3_300,
      currency: c.currency,
      destination: c.destination,
      recipient: { name: 'Ada Lovelace', email: 'r@example.com' },
    });
    expect(submitted.kind, JSON.stringify(submitted)).toBe('accepted');
    const reference = (submitted as { providerReference: string }).providerReference;
    await h.payouts.createPayout({ ...created, payout: { ...created.payout, providerReference: reference } });
    await c.setState(reference, c.undocumentedState);

    for (let run = 1; run <= 2; run += 1) {
      const report = await sweepWith(adapter, created.payout, Date.now());
      expect(report).toMatchObject({ unknownStates: 1, applied: 0, errors: 0 });
    }
    const after = await h.payouts.getPayoutById(payoutId);
    expect(after).toMatchObject({ status: 'accepted', lastEventAt: quietSince });
    const open = (await h.exceptions.list({ state: 'open', category: 'provider_state_unknown' })).items.filter(
      (exception) => exception.payoutId === payoutId,
    );
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      owner: 'provider',
      slaSeconds: SLA_SECONDS_BY_CATEGORY.provider_state_unknown,
      occurrences: 2,
      evidence: {
        provider: c.name,
        provider_state: c.undocumentedState,
        provider_reference: reference,
        payout_status: 'accepted',
      },
    });
    expect(Date.parse(open[0]!.slaDueAt) - Date.parse(open[0]!.openedAt)).toBe(
      SLA_SECONDS_BY_CATEGORY.provider_state_unknown * 1_000,
    );
  });
});
