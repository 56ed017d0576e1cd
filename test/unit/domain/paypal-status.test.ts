// Every PayPal item and batch state → lifecycle, as tables (issue 14). A state added to the lists
// without a row here fails the exhaustiveness checks.
import { describe, expect, it } from 'vitest';
import {
  PAYPAL_BATCH_STATES,
  PAYPAL_ITEM_STATES,
  UNCLAIMED_EXPIRED_REASON,
  isUnclaimedExpiryDue,
  mapPaypalBatchState,
  mapPaypalItemState,
  paypalFailureCode,
} from '../../../functions/domain/paypal-status.js';

const ITEM_TABLE = {
  PENDING: 'provider_pending',
  UNCLAIMED: 'provider_pending',
  ONHOLD: 'provider_pending',
  SUCCESS: 'provider_paid',
  FAILED: 'provider_failed',
  BLOCKED: 'provider_failed',
  RETURNED: 'provider_failed',
  REFUNDED: 'provider_reversed',
  REVERSED: 'provider_reversed',
} as const;

const BATCH_TABLE = {
  PENDING: 'provider_accepted',
  PROCESSING: 'provider_pending',
  DENIED: 'provider_failed',
  CANCELED: 'provider_canceled',
  SUCCESS: 'see_items',
} as const;

describe('PayPal item states', () => {
  it('has a row for every state in the spec, and no other', () => {
    expect(Object.keys(ITEM_TABLE).sort()).toEqual([...PAYPAL_ITEM_STATES].sort());
  });
  it.each(Object.entries(ITEM_TABLE))('%s → %s', (state, event) => {
    expect(mapPaypalItemState(state)).toEqual({ kind: 'known', providerState: state, event });
  });
  it.each(['DENIED', 'success', 'NEW', '', 'SUCCESS '])('an unknown state %j is never guessed', (state) => {
    expect(mapPaypalItemState(state)).toEqual({ kind: 'unknown', providerState: state });
  });
});

describe('PayPal batch states', () => {
  it('has a row for every state in the spec, and no other', () => {
    expect(Object.keys(BATCH_TABLE).sort()).toEqual([...PAYPAL_BATCH_STATES].sort());
  });
  it.each(Object.entries(BATCH_TABLE))('%s → %s', (state, event) => {
    const mapped = mapPaypalBatchState(state);
    // A processed batch says nothing about its item: unknown, so the caller reads the item.
    if (event === 'see_items') expect(mapped).toEqual({ kind: 'unknown', providerState: state });
    else expect(mapped).toEqual({ kind: 'known', providerState: state, event });
  });
  it('an unknown batch state is unknown', () => {
    expect(mapPaypalBatchState('QUEUED')).toEqual({ kind: 'unknown', providerState: 'QUEUED' });
  });
});

describe('unclaimed expiry', () => {
  const processed = '2026-01-01T00:00:00Z';
  const day = 86_400_000;
  it.each([
    ['UNCLAIMED', processed, Date.parse(processed) + 30 * day, true],
    ['UNCLAIMED', processed, Date.parse(processed) + 30 * day - 1, false],
    ['PENDING', processed, Date.parse(processed) + 60 * day, false],
    ['UNCLAIMED', undefined, Date.parse(processed) + 60 * day, false],
    ['UNCLAIMED', 'not a time', Date.parse(processed) + 60 * day, false],
  ] as const)('%s processed %s, due at %d: %s', (state, time, nowMs, due) => {
    expect(isUnclaimedExpiryDue(state, time, nowMs)).toBe(due);
  });
  it.each([
    ['RETURNED', undefined, UNCLAIMED_EXPIRED_REASON],
    ['RETURNED', 'RECEIVER_UNREGISTERED', 'RECEIVER_UNREGISTERED'],
    ['FAILED', 'RECEIVER_ACCOUNT_LOCKED', 'RECEIVER_ACCOUNT_LOCKED'],
    ['FAILED', undefined, undefined],
    ['SUCCESS', '', undefined],
  ] as const)('%s with error %s fails with reason %s', (state, errorName, reason) => {
    expect(paypalFailureCode(state, errorName)).toBe(reason);
  });
});
