import { assertNever } from './assert-never';
import type { PayoutEvent } from './lifecycle';

/**
 * Provider states mapped into lifecycle events, one exhaustive function per provider. A state
 * string we do not know maps to `unknown` (the caller records it and asks a human) instead of being
 * guessed into the nearest event — Hyperswitch's negated-list bug, avoided by construction.
 */

/** The sandbox provider's own states (docs/sandbox-provider.md). `returned` comes after `paid`. */
export const SANDBOX_PAYOUT_STATES = ['accepted', 'in_transit', 'paid', 'failed', 'canceled', 'returned'] as const;
export type SandboxPayoutState = (typeof SANDBOX_PAYOUT_STATES)[number];

export function isSandboxPayoutState(value: unknown): value is SandboxPayoutState {
  return typeof value === 'string' && (SANDBOX_PAYOUT_STATES as readonly string[]).includes(value);
}

export function sandboxStateToEvent(state: SandboxPayoutState): PayoutEvent {
  switch (state) {
    case 'accepted':
      return 'provider_accepted';
    case 'in_transit':
      return 'provider_pending';
    case 'paid':
      return 'provider_paid';
    case 'failed':
      return 'provider_failed';
    case 'canceled':
      return 'provider_canceled';
    // The bank sent the money back after it had arrived: our paid → reversed.
    case 'returned':
      return 'provider_reversed';
    default:
      return assertNever(state, 'sandbox payout state');
  }
}

/** Stripe payout statuses (API reference: Payout.status). Stripe has no separate "returned" status: */
/** a paid payout that later fails comes back as `failed`, which our table turns into paid → reversed. */
export const STRIPE_PAYOUT_STATES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type StripePayoutState = (typeof STRIPE_PAYOUT_STATES)[number];

export function isStripePayoutState(value: unknown): value is StripePayoutState {
  return typeof value === 'string' && (STRIPE_PAYOUT_STATES as readonly string[]).includes(value);
}

export function stripeStateToEvent(state: StripePayoutState): PayoutEvent {
  switch (state) {
    // Stripe's `pending` means "created, not yet sent to the bank": the provider holds it.
    case 'pending':
      return 'provider_accepted';
    case 'in_transit':
      return 'provider_pending';
    case 'paid':
      return 'provider_paid';
    case 'failed':
      return 'provider_failed';
    case 'canceled':
      return 'provider_canceled';
    default:
      return assertNever(state, 'stripe payout state');
  }
}

/** A provider's state string as we received it, and what it means for the lifecycle. */
export type MappedProviderState =
  | { readonly kind: 'known'; readonly providerState: string; readonly event: PayoutEvent }
  | { readonly kind: 'unknown'; readonly providerState: string };

export function mapSandboxState(providerState: string): MappedProviderState {
  return isSandboxPayoutState(providerState)
    ? { kind: 'known', providerState, event: sandboxStateToEvent(providerState) }
    : { kind: 'unknown', providerState };
}

export function mapStripeState(providerState: string): MappedProviderState {
  return isStripePayoutState(providerState)
    ? { kind: 'known', providerState, event: stripeStateToEvent(providerState) }
    : { kind: 'unknown', providerState };
}
