// Every provider state → lifecycle event, as tables. Adding a state to a provider's list without a
// row here fails the exhaustiveness test below.
import { describe, expect, it } from 'vitest';
import { PAYOUT_EVENTS } from '../../../functions/domain/lifecycle.js';
import {
  SANDBOX_PAYOUT_STATES,
  STRIPE_PAYOUT_STATES,
  mapSandboxState,
  mapStripeState,
  sandboxStateToEvent,
  stripeStateToEvent,
} from '../../../functions/domain/provider-status.js';

const SANDBOX_TABLE = {
  accepted: 'provider_accepted',
  in_transit: 'provider_pending',
  paid: 'provider_paid',
  failed: 'provider_failed',
  canceled: 'provider_canceled',
  returned: 'provider_reversed',
} as const;

const STRIPE_TABLE = {
  pending: 'provider_accepted',
  in_transit: 'provider_pending',
  paid: 'provider_paid',
  failed: 'provider_failed',
  canceled: 'provider_canceled',
} as const;

describe('sandbox states', () => {
  it('the table covers every state', () =>
    expect(Object.keys(SANDBOX_TABLE).sort()).toEqual([...SANDBOX_PAYOUT_STATES].sort()));
  it.each(Object.entries(SANDBOX_TABLE))('%s → %s', (state, event) => {
    expect(sandboxStateToEvent(state as keyof typeof SANDBOX_TABLE)).toBe(event);
    expect(mapSandboxState(state)).toEqual({ kind: 'known', providerState: state, event });
    expect(PAYOUT_EVENTS).toContain(event);
  });
  it.each(['', 'PAID', 'settled', 'in-transit'])('%j is unknown, never guessed', (state) => {
    expect(mapSandboxState(state)).toEqual({ kind: 'unknown', providerState: state });
  });
});

describe('stripe states', () => {
  it('the table covers every state', () =>
    expect(Object.keys(STRIPE_TABLE).sort()).toEqual([...STRIPE_PAYOUT_STATES].sort()));
  it.each(Object.entries(STRIPE_TABLE))('%s → %s', (state, event) => {
    expect(stripeStateToEvent(state as keyof typeof STRIPE_TABLE)).toBe(event);
    expect(mapStripeState(state)).toEqual({ kind: 'known', providerState: state, event });
  });
  it('returned is not a stripe state (Stripe reports paid-then-failed as failed)', () => {
    expect(mapStripeState('returned').kind).toBe('unknown');
  });
});
