import {
  ProviderAuthenticationError,
  ProviderProtocolError,
  ProviderRejectedError,
} from '../../domain/provider-errors';
import type {
  CancelRequest,
  CancelResult,
  ProviderPort,
  ProviderSubmission,
  ReturnRequest,
  ReturnResult,
  StatusQuery,
  StatusResult,
  SubmitResult,
} from '../../domain/provider-port';
import { mapStripeState } from '../../domain/provider-status';
import { isStripeAccountId, parseStripeReference, stripeReference } from '../../domain/stripe-reference';
import type { ProviderName } from '../../shared/names';
import type { StripeCredentials } from './provider-credentials';
import { withProviderRetries, type Operation, type RetryLoopOptions } from './provider-retry';
import { formEncode, STRIPE_PATHS, type StripeList, type StripePayout } from './stripe-api';
import { stripeRequest, type StripeAnswer } from './stripe-http';

/**
 * The Stripe adapter (docs/providers/stripe.md): a payout from a connected account's Stripe balance to
 * its external account, `POST /v1/payouts` with `Stripe-Account`, our payout id as the Idempotency-Key.
 * A thin HTTP client: the `stripe` SDK adds 246 KB to a bundle that must stay under 700 KB (the doc has
 * the measurement), and we need five endpoints of it.
 */

export const PROVIDER_NAME = 'stripe' satisfies ProviderName;
export const STRIPE_API_BASE_URL = 'https://api.stripe.com';
/** The destination field naming the recipient's connected account (`acct_…`). */
export const STRIPE_ACCOUNT_FIELD = 'stripe_account';
/** Optional: one of that account's external accounts (`ba_…`); Stripe's default for the currency otherwise. */
export const STRIPE_EXTERNAL_ACCOUNT_FIELD = 'external_account';
/** Stripe reverses payouts only to US and Canadian bank accounts (Payouts API, reverse). */
export const STRIPE_REVERSIBLE_CURRENCIES: ReadonlySet<string> = new Set(['USD', 'CAD']);

export const SUBMIT_TIMEOUT_MS = 5_000;
export const STATUS_TIMEOUT_MS = 3_000;
/** Same budget as the sandbox's: 2 × submit timeout + one retry pause inside submit-payout's 30 s. */
export const SUBMIT_ATTEMPTS_MAX = 2;
export const STATUS_ATTEMPTS_MAX = 3;
/** A tenant waits on cancel and reverse inside API Gateway's 29 s. */
export const ACTION_TIMEOUT_MS = 3_000;
export const ACTION_ATTEMPTS_MAX = 2;

export interface StripeProviderOptions extends RetryLoopOptions {
  /** Fixed (tests, provider-check) or read when needed and cached (Secrets Manager, the twin's file). */
  readonly credentials: StripeCredentials | (() => Promise<StripeCredentials>);
  readonly fetch?: typeof fetch;
  readonly submitTimeoutMs?: number;
  readonly statusTimeoutMs?: number;
}

export class StripeProvider implements ProviderPort {
  readonly provider = PROVIDER_NAME;
  private readonly options: StripeProviderOptions;

  constructor(options: StripeProviderOptions) {
    this.options = options;
  }

  async submit(submission: ProviderSubmission): Promise<SubmitResult> {
    const account = submission.destination.fields[STRIPE_ACCOUNT_FIELD];
    if (account === undefined || !isStripeAccountId(account))
      return {
        kind: 'rejected',
        reasonCode: 'stripe_account_missing',
        reason: `a Stripe payout needs the recipient's connected account (${STRIPE_ACCOUNT_FIELD}: acct_…)`,
      };
    const externalAccount = submission.destination.fields[STRIPE_EXTERNAL_ACCOUNT_FIELD];
    const body = formEncode({
      amount: submission.amountMinor,
      currency: submission.currency.toLowerCase(),
      ...(submission.description === undefined ? {} : { description: submission.description }),
      ...(externalAccount === undefined ? {} : { destination: externalAccount }),
      metadata: { ...submission.metadata, payout_id: submission.payoutId },
    });
    try {
      const answer = await this.call('submit', SUBMIT_ATTEMPTS_MAX, this.options.submitTimeoutMs ?? SUBMIT_TIMEOUT_MS, {
        method: 'POST',
        path: STRIPE_PATHS.payouts,
        account,
        idempotencyKey: submission.payoutId,
        body,
      });
      const payout = parsePayout(answer.json);
      return {
        kind: 'accepted',
        providerReference: stripeReference(account, payout.id),
        state: mapStripeState(payout.status),
        replayed: answer.replayed,
      };
    } catch (error) {
      // A refusal is an operating outcome (a value); everything else is thrown, classified.
      if (error instanceof ProviderRejectedError)
        return { kind: 'rejected', reasonCode: error.reasonCode, reason: error.message };
      throw error;
    }
  }

  /**
   * GET /v1/payouts/{id} on the account in our reference. Stripe cannot be searched by our payout id
   * (no metadata filter on payouts): without a reference the answer is `not_found`, and the sweeper's
   * resubmission with the same Idempotency-Key replays the original inside Stripe's 24 h key window.
   */
  async getStatus(query: StatusQuery): Promise<StatusResult> {
    const parts = query.providerReference === undefined ? undefined : parseStripeReference(query.providerReference);
    if (parts === undefined) return { kind: 'not_found' };
    const answer = await this.call('status', STATUS_ATTEMPTS_MAX, this.options.statusTimeoutMs ?? STATUS_TIMEOUT_MS, {
      method: 'GET',
      path: STRIPE_PATHS.payout(parts.payoutId),
      account: parts.account,
    });
    if (answer.status === 404) return { kind: 'not_found' };
    const payout = parsePayout(answer.json);
    return {
      kind: 'found',
      providerReference: stripeReference(parts.account, payout.id),
      state: mapStripeState(payout.status),
      ...(payout.failure_code === null ? {} : { failureCode: payout.failure_code }),
      // Stripe's idempotency key makes a second payout for one key impossible; it cannot be counted by metadata.
      countAtProvider: 1,
      ...moneyOf(payout),
    };
  }

  /** POST /v1/payouts/{id}/cancel: Stripe cancels a `pending` payout; any other state is too late. */
  async cancel(request: CancelRequest): Promise<CancelResult> {
    const parts = parseStripeReference(request.providerReference);
    if (parts === undefined) return { kind: 'not_found' };
    const answer = await this.call('cancel', ACTION_ATTEMPTS_MAX, ACTION_TIMEOUT_MS, {
      method: 'POST',
      path: STRIPE_PATHS.cancel(parts.payoutId),
      account: parts.account,
      answers: [400, 404],
    });
    if (answer.status === 404) return { kind: 'not_found' };
    if (answer.status === 400) {
      // Stripe refuses with invalid_request_error and no state: read it, so the caller sees why.
      const status = await this.getStatus({ payoutId: request.payoutId, providerReference: request.providerReference });
      if (status.kind === 'not_found') return status;
      if (status.state.providerState !== 'canceled')
        return { kind: 'too_late', providerState: status.state.providerState };
      return {
        kind: 'canceled',
        providerReference: status.providerReference,
        state: status.state,
        ...moneyOfStatus(status),
      };
    }
    const payout = parsePayout(answer.json);
    return {
      kind: 'canceled',
      providerReference: stripeReference(parts.account, payout.id),
      state: mapStripeState(payout.status),
      ...moneyOf(payout),
    };
  }

  /** POST /v1/payouts/{id}/reverse, our reversal id as the Idempotency-Key; only US and Canadian accounts. */
  async requestReturn(request: ReturnRequest): Promise<ReturnResult> {
    if (!STRIPE_REVERSIBLE_CURRENCIES.has(request.currency)) return { kind: 'unsupported' };
    const parts = parseStripeReference(request.providerReference);
    if (parts?.account === undefined)
      return { kind: 'refused', reasonCode: 'resource_missing', reason: 'only connected-account payouts reverse' };
    const answer = await this.call('return', ACTION_ATTEMPTS_MAX, ACTION_TIMEOUT_MS, {
      method: 'POST',
      path: STRIPE_PATHS.reverse(parts.payoutId),
      account: parts.account,
      idempotencyKey: request.reversalId,
      body: formEncode({ metadata: { payout_id: request.payoutId, reversal_id: request.reversalId } }),
      answers: [400, 404],
    });
    if (answer.status === 400 || answer.status === 404) {
      const error = (answer.json as { error?: { code?: string; message?: string } } | undefined)?.error;
      return {
        kind: 'refused',
        reasonCode: error?.code ?? (answer.status === 404 ? 'resource_missing' : 'payout_not_reversible'),
        reason: error?.message ?? 'Stripe refused the reversal',
      };
    }
    parsePayout(answer.json);
    return { kind: 'accepted', providerReference: request.providerReference, replayed: answer.replayed };
  }

  /** One page of an account's payouts, newest first (Stripe's order), after `startingAfter` (a `po_…`). */
  async listPage(page: {
    account?: string;
    limit: number;
    startingAfter?: string;
  }): Promise<{ payouts: StripePayout[]; hasMore: boolean }> {
    const query = new URLSearchParams({ limit: String(page.limit) });
    if (page.startingAfter !== undefined) query.set('starting_after', page.startingAfter);
    const answer = await this.call('status', STATUS_ATTEMPTS_MAX, this.options.statusTimeoutMs ?? STATUS_TIMEOUT_MS, {
      method: 'GET',
      path: `${STRIPE_PATHS.payouts}?${query}`,
      account: page.account,
    });
    const list = answer.json as Partial<StripeList<unknown>> | undefined;
    if (!Array.isArray(list?.data) || typeof list.has_more !== 'boolean')
      throw new ProviderProtocolError('stripe answered a list without data and has_more', { provider: PROVIDER_NAME });
    return { payouts: list.data.map(parsePayout), hasMore: list.has_more };
  }

  /** Every payout of an account, page by page (`has_more` / `starting_after`), each once. */
  async *listAll(pageSize: number, account?: string): AsyncGenerator<{ reference: string; payout: StripePayout }> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.listPage({
        limit: pageSize,
        ...(account === undefined ? {} : { account }),
        ...(startingAfter === undefined ? {} : { startingAfter }),
      });
      for (const payout of page.payouts) yield { reference: stripeReference(account, payout.id), payout };
      const last = page.payouts.at(-1);
      // "More" with an empty page would loop forever: the list ended, whatever it claims.
      if (!page.hasMore || last === undefined) return;
      startingAfter = last.id;
    }
  }

  private async call(
    operation: Operation,
    attemptsMax: number,
    timeoutMs: number,
    request: Omit<Parameters<typeof stripeRequest>[1], 'timeoutMs' | 'operation'>,
  ): Promise<StripeAnswer> {
    const { credentials } = this.options;
    const { secretKey, baseUrl } = typeof credentials === 'function' ? await readCredentials(credentials) : credentials;
    const connection = {
      baseUrl: (baseUrl ?? STRIPE_API_BASE_URL).replace(/\/+$/, ''),
      secretKey,
      fetch: this.options.fetch ?? fetch,
    };
    return withProviderRetries(operation, attemptsMax, this.options, () =>
      stripeRequest(connection, { ...request, operation, timeoutMs }),
    );
  }
}

/** Unreadable credentials are configuration a human fixes, named without their text (it is a secret). */
async function readCredentials(load: () => Promise<StripeCredentials>): Promise<StripeCredentials> {
  try {
    return await load();
  } catch (error) {
    throw new ProviderAuthenticationError(`stripe credentials could not be read: ${(error as Error).message}`, {
      provider: PROVIDER_NAME,
      cause: error,
    });
  }
}

/** The fields we rely on; an answer without them is a protocol error (retryable: it may hide a success). */
function parsePayout(value: unknown): StripePayout {
  const payout = value as Partial<StripePayout> | undefined;
  if (payout?.object !== 'payout' || typeof payout.id !== 'string' || typeof payout.status !== 'string')
    throw new ProviderProtocolError('stripe answered without a payout object', { provider: PROVIDER_NAME });
  // A status we do not know is kept as it came (mapStripeState maps it to `unknown`), never guessed.
  return payout as StripePayout;
}

/** Stripe's amount and currency, for the sweeper's ownership check; unreadable ones are a protocol error. */
function moneyOf(payout: StripePayout): { amountMinor: number; currency: string } {
  if (!Number.isSafeInteger(payout.amount) || payout.amount < 0 || !/^[a-z]{3}$/i.test(String(payout.currency)))
    throw new ProviderProtocolError(`stripe answered payout ${payout.id} without a readable amount and currency`, {
      provider: PROVIDER_NAME,
    });
  return { amountMinor: payout.amount, currency: payout.currency.toUpperCase() };
}

function moneyOfStatus(status: Extract<StatusResult, { kind: 'found' }>): { amountMinor?: number; currency?: string } {
  return {
    ...(status.amountMinor === undefined ? {} : { amountMinor: status.amountMinor }),
    ...(status.currency === undefined ? {} : { currency: status.currency }),
  };
}
