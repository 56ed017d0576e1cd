import { failureCodeOfAdyenReason } from '../../domain/adyen-reasons';
import { mapAdyenState } from '../../domain/adyen-status';
import { ProviderProtocolError, ProviderRejectedError, type ProviderError } from '../../domain/provider-errors';
import type {
  CancelResult,
  ProviderPort,
  ProviderSubmission,
  ReturnResult,
  StatusQuery,
  StatusResult,
  SubmitResult,
} from '../../domain/provider-port';
import {
  ADYEN_IDEMPOTENCY_KEY_CHARS_MAX,
  ADYEN_IDEMPOTENCY_KEY_HEADER,
  ADYEN_PATHS,
  type AdyenTransfer,
  type AdyenTransferInfo,
} from './adyen-api';
import { ADYEN_PROVIDER, adyenRequest, type AdyenExchange } from './adyen-http';
import { bankAccountOf, parseTransfer, stateSinceOf } from './adyen-transfer';
import { AdyenTransferPager } from './adyen-pager';
import { retryDecision, type Operation } from './provider-retry';

/**
 * The Adyen Transfers (Balance Platform) adapter: a bank payout is `POST /transfers` with category `bank`
 * from our balance account to the recipient's bank account, our payout id as the Idempotency-Key and as
 * `reference` (so Adyen's webhooks, lists and accounting report carry it back). Status is
 * `GET /transfers/{id}`, and the list by `reference` counts what Adyen holds for our payout id.
 *
 * Cancel and return are `unsupported`: Adyen's POST /transfers/cancel only cancels transfers held for a
 * review we never request, and POST /transfers/{transferId}/returns returns funds a balance account
 * received; neither stops or pulls back a bank payout (TransferService-v4.json, aa014f0).
 */

/** A submission's answer may take this long; past it Adyen may still act, and the queue retries with the same key. */
export const ADYEN_SUBMIT_TIMEOUT_MS = 5_000;
export const ADYEN_STATUS_TIMEOUT_MS = 3_000;
/** As the sandbox's: 2 × 5 s + a retry delay stays inside submit-payout's 30 s. */
export const ADYEN_SUBMIT_ATTEMPTS_MAX = 2;
export const ADYEN_STATUS_ATTEMPTS_MAX = 3;

export interface AdyenProviderOptions {
  /** `https://balanceplatform-api-test.adyen.com/btl/v4`, the live prefix, or the stand-in. */
  baseUrl: string;
  apiKey: string;
  /** Our balance account the payouts are paid from. */
  balanceAccountId: string;
  fetch?: typeof fetch;
  submitTimeoutMs?: number;
  statusTimeoutMs?: number;
  submitAttemptsMax?: number;
  statusAttemptsMax?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The clock for the list window (GET /transfers requires createdSince and createdUntil). */
  now?: () => Date;
  onRetry?: (details: {
    operation: Operation;
    attempt: number;
    error: ProviderError;
    reason: string;
    delayMs: number;
  }) => void;
}

export class AdyenProvider implements ProviderPort {
  readonly provider = ADYEN_PROVIDER;
  readonly pager: AdyenTransferPager;
  private readonly exchange: AdyenExchange;
  private readonly options: AdyenProviderOptions;

  constructor(options: AdyenProviderOptions) {
    this.options = options;
    this.exchange = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      fetchFn: options.fetch ?? fetch,
    };
    this.pager = new AdyenTransferPager(this.exchange, {
      balanceAccountId: options.balanceAccountId,
      now: options.now ?? (() => new Date()),
      timeoutMs: options.statusTimeoutMs ?? ADYEN_STATUS_TIMEOUT_MS,
      withRetries: (call) => this.withRetries('status', options.statusAttemptsMax ?? ADYEN_STATUS_ATTEMPTS_MAX, call),
    });
  }

  async submit(submission: ProviderSubmission): Promise<SubmitResult> {
    // Our ids are 29 characters; a longer one would be cut or refused by Adyen and lose its idempotency.
    if (submission.payoutId.length > ADYEN_IDEMPOTENCY_KEY_CHARS_MAX)
      throw new Error(`payout id ${submission.payoutId} is longer than Adyen's Idempotency-Key limit`);
    const bankAccount = bankAccountOf(submission);
    if (bankAccount.kind === 'unsupported')
      return { kind: 'rejected', reasonCode: 'unsupported_destination', reason: bankAccount.reason };
    const body: AdyenTransferInfo = {
      amount: { currency: submission.currency, value: submission.amountMinor },
      balanceAccountId: this.options.balanceAccountId,
      category: 'bank',
      counterparty: { bankAccount: bankAccount.bankAccount },
      priority: 'regular',
      reference: submission.payoutId,
      referenceForBeneficiary: submission.payoutId,
      ...(submission.description === undefined ? {} : { description: submission.description }),
    };
    try {
      const answer = await this.withRetries('submit', this.options.submitAttemptsMax ?? ADYEN_SUBMIT_ATTEMPTS_MAX, () =>
        this.post(body, submission.payoutId),
      );
      const transfer = parseTransfer(answer);
      // Adyen echoes the Idempotency-Key on every idempotent request and does not say whether it was a
      // repeat, so `replayed` stays false: the payout is the same one either way.
      return {
        kind: 'accepted',
        providerReference: transfer.id,
        state: mapAdyenState(transfer.status),
        replayed: false,
      };
    } catch (error) {
      // A refusal is an operating outcome: a value, not an exception (TigerBeetle's split).
      if (error instanceof ProviderRejectedError)
        return { kind: 'rejected', reasonCode: error.reasonCode, reason: error.message };
      throw error;
    }
  }

  async getStatus(query: StatusQuery): Promise<StatusResult> {
    const held = await this.pager.byReference(query.payoutId);
    let transfer: AdyenTransfer | undefined =
      query.providerReference === undefined ? held[0] : held.find((t) => t.id === query.providerReference);
    // The list may lag a fresh transfer; the reference, when we hold one, is read directly.
    if (transfer === undefined && query.providerReference !== undefined)
      transfer = await this.getTransfer(query.providerReference);
    if (transfer === undefined) return { kind: 'not_found' };
    const failureCode = failureCodeOfAdyenReason(transfer.reason);
    const stateSince = stateSinceOf(transfer);
    return {
      kind: 'found',
      providerReference: transfer.id,
      state: mapAdyenState(transfer.status),
      ...(failureCode === undefined ? {} : { failureCode }),
      ...(stateSince === undefined ? {} : { stateSince }),
      countAtProvider: Math.max(held.length, 1),
      amountMinor: transfer.amount.value,
      currency: transfer.amount.currency.toUpperCase(),
    };
  }

  async cancel(): Promise<CancelResult> {
    return { kind: 'unsupported' };
  }

  async requestReturn(): Promise<ReturnResult> {
    return { kind: 'unsupported' };
  }

  private async getTransfer(transferId: string): Promise<AdyenTransfer | undefined> {
    const attempts = this.options.statusAttemptsMax ?? ADYEN_STATUS_ATTEMPTS_MAX;
    const answer = await this.withRetries('status', attempts, () =>
      adyenRequest(this.exchange, 'status', {
        method: 'GET',
        url: `${this.exchange.baseUrl}${ADYEN_PATHS.transfer(transferId)}`,
        timeoutMs: this.options.statusTimeoutMs ?? ADYEN_STATUS_TIMEOUT_MS,
      }),
    );
    return answer === 'not_found' ? undefined : parseTransfer(answer.json);
  }

  private async post(body: AdyenTransferInfo, idempotencyKey: string): Promise<unknown> {
    const answer = await adyenRequest(this.exchange, 'submit', {
      method: 'POST',
      url: `${this.exchange.baseUrl}${ADYEN_PATHS.transfers}`,
      timeoutMs: this.options.submitTimeoutMs ?? ADYEN_SUBMIT_TIMEOUT_MS,
      headers: { 'content-type': 'application/json', [ADYEN_IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
      body: JSON.stringify(body),
    });
    if (answer === 'not_found')
      throw new ProviderProtocolError('adyen answered 404 to a transfer', {
        provider: ADYEN_PROVIDER,
        httpStatus: 404,
      });
    return answer.json;
  }

  private async withRetries<T>(operation: Operation, attemptsMax: number, call: () => Promise<T>): Promise<T> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const decision = retryDecision(error, operation, attempt, attemptsMax, this.options.random);
        if (!decision.retry) throw error;
        const details = { operation, attempt, error: error as ProviderError, reason: decision.reason };
        this.options.onRetry?.({ ...details, delayMs: decision.delayMs });
        await sleep(decision.delayMs);
      }
    }
  }
}
