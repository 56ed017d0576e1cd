import { formatDecimal, isCurrencyCode } from '../../domain/money';
import { mapPaypalItemState, paypalFailureCode } from '../../domain/paypal-status';
import { ProviderProtocolError, ProviderRejectedError, type ProviderError } from '../../domain/provider-errors';
import type {
  CancelRequest,
  CancelResult,
  ProviderPort,
  ProviderSubmission,
  ReturnResult,
  StatusQuery,
  StatusResult,
  SubmitResult,
} from '../../domain/provider-port';
import { parseDecimalMinor } from '../../domain/reconciliation/report';
import type { ProviderName } from '../../shared/names';
import {
  PAYPAL_ERROR_NAMES,
  PAYPAL_PAGE_SIZE_MAX,
  PAYPAL_PATHS,
  type PaypalCreateItem,
  type PaypalErrorBody,
  type PaypalItem,
} from './paypal-api';
import { PaypalTokenSource, type PaypalCredentials } from './paypal-auth';
import { BATCH_PAGES_MAX, createBatch, parseItem, readBatchPage } from './paypal-batch';
import { PaypalHttp } from './paypal-http';
import { retryDecision, type Operation } from './provider-retry';

/**
 * The PayPal Payouts adapter (docs/providers/paypal.md). One of our payouts is a PayPal batch of one:
 * our payout id is the `sender_batch_id`, the item's `sender_item_id` and the `PayPal-Request-Id`,
 * so a repeat of the create — in-process retry, SQS redelivery — gets the batch PayPal already holds.
 * The provider reference is the item's `payout_item_id` (what the item GET, the cancel, the webhooks
 * and the report name). HTTP only, with an injected fetch; no SDK in the bundle (see the doc).
 */
export const PROVIDER_NAME = 'paypal' satisfies ProviderName;
export const SUBMIT_TIMEOUT_MS = 5_000;
export const STATUS_TIMEOUT_MS = 3_000;
/** Cancel is a tenant's waiting request (issue 10): 2 × 3 s + a retry delay inside API Gateway's 29 s. */
export const ACTION_TIMEOUT_MS = 3_000;
/** Same budget as the sandbox: 2 × submit timeout + one delay stays inside submit-payout's 30 s. */
export const SUBMIT_ATTEMPTS_MAX = 2;
export const STATUS_ATTEMPTS_MAX = 3;
export const ACTION_ATTEMPTS_MAX = 2;

/** Which destination field holds the PayPal receiver, by PayPal's recipient_type. */
const RECEIVER_FIELDS = [
  ['paypal_id', 'PAYPAL_ID'],
  ['email', 'EMAIL'],
  ['phone', 'PHONE'],
] as const;

export interface PaypalProviderOptions {
  readonly baseUrl: string;
  readonly credentials: PaypalCredentials;
  readonly fetch?: typeof fetch;
  readonly nowMs?: () => number;
  readonly submitTimeoutMs?: number;
  readonly statusTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onRetry?: (details: { operation: Operation; attempt: number; error: ProviderError; reason: string }) => void;
}

export class PaypalProvider implements ProviderPort {
  readonly provider = PROVIDER_NAME;
  readonly http: PaypalHttp;

  constructor(private readonly options: PaypalProviderOptions) {
    const fetchFn = options.fetch ?? fetch;
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const tokens = new PaypalTokenSource({
      baseUrl,
      credentials: options.credentials,
      fetch: fetchFn,
      nowMs: options.nowMs ?? Date.now,
    });
    this.http = new PaypalHttp(baseUrl, tokens, fetchFn);
  }

  async submit(submission: ProviderSubmission): Promise<SubmitResult> {
    const item = createItem(submission);
    if (item === undefined) return RECEIVER_MISSING;
    try {
      return await this.withRetries('submit', SUBMIT_ATTEMPTS_MAX, async () => {
        const timeoutMs = this.options.submitTimeoutMs ?? SUBMIT_TIMEOUT_MS;
        const created = await createBatch(this.http, { senderBatchId: submission.payoutId, items: [item] }, timeoutMs);
        const page = await readBatchPage(this.http, created.payoutBatchId, { page: 1, pageSize: 1 }, timeoutMs);
        const found = page.items.find((candidate) => candidate.payout_item.sender_item_id === submission.payoutId);
        if (found === undefined)
          throw new ProviderProtocolError(`paypal batch ${created.payoutBatchId} does not list our item yet`, {
            provider: PROVIDER_NAME,
          });
        if (page.batchStatus === 'DENIED')
          return { kind: 'rejected', reasonCode: found.errors?.name ?? 'DENIED', reason: 'paypal denied the batch' };
        return itemResult(found, created.replayed);
      });
    } catch (error) {
      // A refusal is an operating outcome: a value, not an exception (TigerBeetle's split).
      if (error instanceof ProviderRejectedError)
        return { kind: 'rejected', reasonCode: error.reasonCode, reason: error.message };
      throw error;
    }
  }

  /**
   * Reads the item by its payout_item_id. Without one there is nothing to search: PayPal has no
   * lookup by sender_batch_id, so `not_found` sends the payout back to submit, where the
   * PayPal-Request-Id (and PayPal's refusal of a reused sender_batch_id) make the repeat harmless.
   */
  async getStatus(query: StatusQuery): Promise<StatusResult> {
    if (query.providerReference === undefined) return { kind: 'not_found' };
    const reference = query.providerReference;
    const item = await this.withRetries('status', STATUS_ATTEMPTS_MAX, () => this.readItem(reference, 'status'));
    if (item === undefined) return { kind: 'not_found' };
    const state = item.transaction_status ?? 'PENDING';
    const failureCode = paypalFailureCode(state, item.errors?.name);
    return {
      kind: 'found',
      providerReference: item.payout_item_id,
      state: mapPaypalItemState(state),
      ...feeOf(item),
      ...(item.transaction_id === undefined || item.transaction_id === ''
        ? {}
        : { providerTransactionId: item.transaction_id }),
      ...(failureCode === undefined ? {} : { failureCode }),
      ...(item.time_processed === undefined ? {} : { stateSince: new Date(item.time_processed).toISOString() }),
      countAtProvider: 1,
      ...moneyOf(item),
    };
  }

  /** Cancels an UNCLAIMED item (the only kind PayPal cancels); anything else is too late. */
  async cancel(request: CancelRequest): Promise<CancelResult> {
    const answer = await this.withRetries('cancel', ACTION_ATTEMPTS_MAX, () =>
      this.http.exchange({
        operation: 'cancel',
        method: 'POST',
        path: PAYPAL_PATHS.cancelItem(request.providerReference),
        timeoutMs: ACTION_TIMEOUT_MS,
        headers: { 'content-type': 'application/json' },
        answers: [400, 404],
      }),
    );
    if (answer === 'not_found' || answer.status === 404) return { kind: 'not_found' };
    let item: PaypalItem | undefined;
    if (answer.status === 400) {
      const name = (answer.json as Partial<PaypalErrorBody> | undefined)?.name;
      item = await this.readItem(request.providerReference, 'cancel');
      if (item === undefined) return { kind: 'not_found' };
      // Asking again after our own cancel landed is `canceled`, as the port promises.
      if (name !== PAYPAL_ERROR_NAMES.itemAlreadyCancelled)
        return { kind: 'too_late', providerState: item.transaction_status ?? 'unknown' };
    } else {
      item = parseItem(answer.json);
    }
    const providerState = item.transaction_status ?? 'RETURNED';
    return {
      kind: 'canceled',
      providerReference: item.payout_item_id,
      // PayPal shows a canceled unclaimed item as RETURNED; we asked for it, so it is our cancel.
      state: { kind: 'known', providerState, event: 'provider_canceled' },
      ...moneyOf(item),
    };
  }

  /**
   * A batch of issue 13 as one PayPal batch (up to PAYPAL_BATCH_ITEMS_MAX items): our internal batch id
   * is the sender_batch_id and PayPal-Request-Id, each payout id its item's sender_item_id. Answers each
   * payout's result by payout id; an item PayPal does not list (yet) is absent, and the sweeper asks again.
   * Not wired into the batch fan-out (docs/providers/paypal.md says how it would be).
   */
  async submitBatch(batchId: string, submissions: readonly ProviderSubmission[]): Promise<Map<string, SubmitResult>> {
    const results = new Map<string, SubmitResult>();
    const items: PaypalCreateItem[] = [];
    for (const submission of submissions) {
      const item = createItem(submission);
      if (item === undefined) results.set(submission.payoutId, RECEIVER_MISSING);
      else items.push(item);
    }
    if (items.length === 0) return results;
    const timeoutMs = this.options.submitTimeoutMs ?? SUBMIT_TIMEOUT_MS;
    const created = await this.withRetries('submit', SUBMIT_ATTEMPTS_MAX, () =>
      createBatch(this.http, { senderBatchId: batchId, items }, timeoutMs),
    );
    for (const item of await this.listBatch(created.payoutBatchId, PAYPAL_PAGE_SIZE_MAX)) {
      const payoutId = item.payout_item.sender_item_id;
      if (payoutId !== undefined) results.set(payoutId, itemResult(item, created.replayed));
    }
    return results;
  }

  /** Every item of a batch, page by page (page_size ≤ 1,000), each page read with the status retries. */
  async listBatch(payoutBatchId: string, pageSize: number): Promise<PaypalItem[]> {
    const timeoutMs = this.options.statusTimeoutMs ?? STATUS_TIMEOUT_MS;
    const items: PaypalItem[] = [];
    for (let page = 1; page <= BATCH_PAGES_MAX; page += 1) {
      const answer = await this.withRetries('status', STATUS_ATTEMPTS_MAX, () =>
        readBatchPage(this.http, payoutBatchId, { page, pageSize }, timeoutMs),
      );
      items.push(...answer.items);
      if (answer.items.length === 0 || page >= (answer.totalPages ?? page)) return items;
    }
    throw new ProviderProtocolError(`paypal batch ${payoutBatchId} has more than ${BATCH_PAGES_MAX} pages`, {
      provider: PROVIDER_NAME,
    });
  }

  /** PayPal Payouts has no API to take a paid item back: the recipient refunds it (REFUNDED) or not. */
  requestReturn(): Promise<ReturnResult> {
    return Promise.resolve({ kind: 'unsupported' });
  }

  private async readItem(payoutItemId: string, operation: Operation): Promise<PaypalItem | undefined> {
    const answer = await this.http.exchange({
      operation: operation === 'cancel' ? 'status' : operation,
      method: 'GET',
      path: PAYPAL_PATHS.item(payoutItemId),
      timeoutMs: this.options.statusTimeoutMs ?? STATUS_TIMEOUT_MS,
    });
    return answer === 'not_found' ? undefined : parseItem(answer.json);
  }

  private async withRetries<T>(operation: Operation, attemptsMax: number, call: () => Promise<T>): Promise<T> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const decision = retryDecision(error, operation, attempt, attemptsMax, this.options.random);
        if (!decision.retry) throw error;
        this.options.onRetry?.({ operation, attempt, error: error as ProviderError, reason: decision.reason });
        await sleep(decision.delayMs);
      }
    }
  }
}

const RECEIVER_MISSING: SubmitResult = {
  kind: 'rejected',
  reasonCode: 'RECEIVER_MISSING',
  reason: 'no PayPal receiver (paypal_id, email or phone)',
};

/** An item as a submission's answer: FAILED and BLOCKED at the first read are PayPal refusing it. */
function itemResult(item: PaypalItem, replayed: boolean): SubmitResult {
  const state = item.transaction_status ?? 'PENDING';
  if (state === 'FAILED' || state === 'BLOCKED') {
    const reasonCode = paypalFailureCode(state, item.errors?.name) ?? state;
    return { kind: 'rejected', reasonCode, reason: item.errors?.message ?? `paypal ${state}` };
  }
  return {
    kind: 'accepted',
    providerReference: item.payout_item_id,
    state: mapPaypalItemState(state),
    replayed,
    ...feeOf(item),
    // The batch GET lists it once PayPal has one: reconciliation matches the TRR on it (docs/providers/paypal.md).
    ...(item.transaction_id === undefined || item.transaction_id === ''
      ? {}
      : { providerTransactionId: item.transaction_id }),
  };
}

/** Our submission as one PayPal item; undefined when it names no PayPal receiver. */
export function createItem(submission: ProviderSubmission): PaypalCreateItem | undefined {
  const fields = submission.destination.fields;
  const found = RECEIVER_FIELDS.find(([field]) => (fields[field] ?? '') !== '');
  const receiver = found === undefined ? submission.recipient.email : fields[found[0]];
  if (receiver === undefined || receiver === '') return undefined;
  return {
    recipient_type: found === undefined ? 'EMAIL' : found[1],
    amount: { currency: submission.currency, value: formatDecimal(submission.amountMinor, submission.currency) },
    receiver,
    sender_item_id: submission.payoutId,
    ...(submission.description === undefined ? {} : { note: submission.description }),
  };
}

/** The item's amount for the ownership check; unreadable is a protocol error, never a skipped check. */
function moneyOf(item: PaypalItem): { amountMinor: number; currency: string } {
  const currency = item.payout_item.amount.currency.toUpperCase();
  const amountMinor = isCurrencyCode(currency) ? parseDecimalMinor(item.payout_item.amount.value, currency) : undefined;
  if (amountMinor === undefined || amountMinor < 0 || !isCurrencyCode(currency))
    throw new ProviderProtocolError(`paypal item ${item.payout_item_id} has no readable amount`, {
      provider: PROVIDER_NAME,
    });
  return { amountMinor, currency };
}

function feeOf(item: PaypalItem): { feeMinor?: number } {
  const fee = item.payout_item_fee;
  if (fee === undefined || !isCurrencyCode(fee.currency.toUpperCase())) return {};
  const feeMinor = parseDecimalMinor(fee.value, fee.currency.toUpperCase() as Parameters<typeof parseDecimalMinor>[1]);
  return feeMinor === undefined ? {} : { feeMinor };
}
