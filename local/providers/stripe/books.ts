// The Stripe stand-in's books: payouts per account (the platform's own, and each connected account named
// by `Stripe-Account`), Stripe's idempotency records, and the state changes that become `payout.*` events.
// Source: stripe/openapi at commit f6c2a48 (openapi/fixtures3.json, the `payout` resource) and the
// `stripe` SDK 23.1.0's generated types (OPENAPI_VERSION v2596), read 2026-12-01. Idempotency as Stripe
// documents it (docs.stripe.com/api/idempotent_requests): a key replays the first answer, status and body,
// with `Idempotent-Replayed: true`; the same key with other parameters is 400 idempotency_error.
import { randomBytes } from 'node:crypto';
import type { StripePayout } from '../../../functions/adapters/providers/stripe-api.js';

/** The platform's own account, for requests without `Stripe-Account`. */
export const PLATFORM_ACCOUNT = 'platform';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function stripeId(prefix: string): string {
  const bytes = randomBytes(24);
  return `${prefix}_${Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}`;
}

export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface StateChange {
  readonly account: string;
  readonly payout: StripePayout;
  /** `payout.created`, `payout.paid`, `payout.failed`, `payout.canceled`, or `payout.updated`. */
  readonly type: string;
}

export class StripeBooks {
  private readonly payouts = new Map<string, Map<string, StripePayout>>();
  private readonly idempotency = new Map<string, { fingerprint: string; answer: StoredAnswer }>();
  private readonly listeners: Array<(change: StateChange) => void> = [];
  /** Payouts that were paid before they failed: Stripe's bank return, our `reversed`. */
  private readonly paidThenFailed = new Set<string>();

  constructor(private readonly nowSeconds: () => number) {}

  onChange(listener: (change: StateChange) => void): void {
    this.listeners.push(listener);
  }

  /** The stored answer for (account, key), or a conflict when the parameters differ. */
  replay(account: string, key: string, fingerprint: string): StoredAnswer | 'conflict' | undefined {
    const stored = this.idempotency.get(`${account}\u0000${key}`);
    if (stored === undefined) return undefined;
    return stored.fingerprint === fingerprint ? stored.answer : 'conflict';
  }

  remember(account: string, key: string, fingerprint: string, answer: StoredAnswer): void {
    this.idempotency.set(`${account}\u0000${key}`, { fingerprint, answer });
  }

  create(account: string, fields: Pick<StripePayout, 'amount' | 'currency' | 'metadata'> & Partial<StripePayout>) {
    const created = this.nowSeconds();
    const payout: StripePayout = {
      id: stripeId('po'),
      object: 'payout',
      amount: fields.amount,
      currency: fields.currency,
      status: 'pending',
      created,
      arrival_date: created + 86_400,
      automatic: false,
      balance_transaction: stripeId('txn'),
      description: fields.description ?? null,
      destination: fields.destination ?? `ba_default_${account}`,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: fields.metadata,
      method: 'standard',
      original_payout: fields.original_payout ?? null,
      reversed_by: null,
      reconciliation_status: 'not_applicable',
      source_type: 'card',
      statement_descriptor: null,
      type: 'bank_account',
    };
    this.accountBooks(account).set(payout.id, payout);
    this.emit({ account, payout, type: 'payout.created' });
    return payout;
  }

  get(account: string, id: string): StripePayout | undefined {
    return this.payouts.get(account)?.get(id);
  }

  /** Newest first, as Stripe lists. */
  list(account: string): StripePayout[] {
    return [...this.accountBooks(account).values()].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  }

  all(): Array<{ account: string; payout: StripePayout; paidThenFailed: boolean }> {
    return [...this.payouts].flatMap(([account, books]) =>
      [...books.values()].map((payout) => ({ account, payout, paidThenFailed: this.paidThenFailed.has(payout.id) })),
    );
  }

  /** Moves a payout to a state, as Stripe would, and emits the event Stripe sends for it. */
  setState(account: string, id: string, status: string): StripePayout | undefined {
    const payout = this.get(account, id);
    if (payout === undefined) return undefined;
    if (payout.status === 'paid' && status === 'failed') this.paidThenFailed.add(id);
    if (status !== 'failed') this.paidThenFailed.delete(id);
    payout.status = status;
    if (status === 'failed' && payout.failure_code === null) {
      payout.failure_code = 'account_closed';
      payout.failure_message = 'The bank account has been closed.';
      payout.failure_balance_transaction = stripeId('txn');
    }
    const type = ['paid', 'failed', 'canceled'].includes(status) ? `payout.${status}` : 'payout.updated';
    this.emit({ account, payout, type });
    return payout;
  }

  private accountBooks(account: string): Map<string, StripePayout> {
    let books = this.payouts.get(account);
    if (books === undefined) {
      books = new Map();
      this.payouts.set(account, books);
    }
    return books;
  }

  private emit(change: StateChange): void {
    for (const listener of this.listeners) listener({ ...change, payout: structuredClone(change.payout) });
  }
}
