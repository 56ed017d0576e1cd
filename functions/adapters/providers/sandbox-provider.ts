import { ProviderProtocolError, ProviderRejectedError, type ProviderError } from '../../domain/provider-errors';
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
import { mapSandboxState } from '../../domain/provider-status';
import { ENV, type ProviderName } from '../../shared/names';
import {
  classifyFetchError,
  classifyHttpFailure,
  retryDecision,
  type ErrorBodyShape,
  type Operation,
} from './provider-retry';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  SANDBOX_PATHS,
  type SandboxCreatePayoutRequest,
  type SandboxErrorBody,
  type SandboxList,
  type SandboxPayout,
} from './sandbox-api';

/**
 * The sandbox provider adapter (docs/sandbox-provider.md). HTTP only, with an injected `fetch`.
 * Every submission carries our payout id as the Idempotency-Key, so any repeat — in-process retry,
 * SQS redelivery, duplicate message — gets the payout the sandbox already holds.
 */

export const PROVIDER_NAME = 'sandbox' satisfies ProviderName;
/** How long a submission may take before we give up on hearing the answer (the sandbox may still act). */
export const submitTimeoutMs = 5_000;
/** How long a status read may take. */
export const statusTimeoutMs = 3_000;
/**
 * Attempts per submission inside one invocation. With 10 records in parallel, the worst case is
 * 2 × submitTimeoutMs + RETRY_DELAY_MS_MAX = 12 s, well inside submit-payout's 30 s timeout.
 */
export const SUBMIT_ATTEMPTS_MAX = 2;
/** Attempts per status read: reads are safe to repeat. */
export const STATUS_ATTEMPTS_MAX = 3;
/**
 * How long a cancel or return may take, and its attempts: a tenant's request is waiting on it
 * inside API Gateway's 29 s, so 2 × 3 s + a retry delay stays well inside payout-actions' timeout.
 */
export const ACTION_TIMEOUT_MS = 3_000;
export const ACTION_ATTEMPTS_MAX = 2;

export interface SandboxProviderOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  submitTimeoutMs?: number;
  statusTimeoutMs?: number;
  submitAttemptsMax?: number;
  statusAttemptsMax?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each in-process retry (for logs and metrics). */
  onRetry?: (details: {
    operation: Operation;
    attempt: number;
    error: ProviderError;
    reason: string;
    delayMs: number;
  }) => void;
}

type HttpAnswer = { status: number; json: unknown; replayed: boolean; retryAfter: string | null };

export class SandboxProvider implements ProviderPort {
  readonly provider = PROVIDER_NAME;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly options: SandboxProviderOptions;

  constructor(options: SandboxProviderOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
    this.options = options;
  }

  async submit(submission: ProviderSubmission): Promise<SubmitResult> {
    const body: SandboxCreatePayoutRequest = {
      amount: submission.amountMinor,
      currency: submission.currency,
      destination: {
        country: submission.destination.country,
        method: submission.destination.method,
        fields: { ...submission.destination.fields },
      },
      recipient: {
        name: submission.recipient.name,
        ...(submission.recipient.email === undefined ? {} : { email: submission.recipient.email }),
      },
      ...(submission.description === undefined ? {} : { description: submission.description }),
      metadata: { ...submission.metadata, payout_id: submission.payoutId },
    };
    try {
      const answer = await this.withRetries(
        'submit',
        this.options.submitAttemptsMax ?? SUBMIT_ATTEMPTS_MAX,
        async () => {
          const result = await this.request(
            'submit',
            'POST',
            SANDBOX_PATHS.payouts,
            this.options.submitTimeoutMs ?? submitTimeoutMs,
            {
              headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: submission.payoutId },
              body: JSON.stringify(body),
            },
          );
          if (result === 'not_found')
            throw new ProviderProtocolError('sandbox answered 404 to a submission', {
              provider: PROVIDER_NAME,
              httpStatus: 404,
            });
          return result;
        },
      );
      const payout = parsePayout(answer.json);
      return {
        kind: 'accepted',
        providerReference: payout.id,
        state: mapSandboxState(payout.status),
        replayed: answer.replayed,
        feeMinor: payout.fee,
      };
    } catch (error) {
      // A refusal is an operating outcome: a value, not an exception (TigerBeetle's split).
      if (error instanceof ProviderRejectedError)
        return { kind: 'rejected', reasonCode: error.reasonCode, reason: error.message };
      throw error;
    }
  }

  async getStatus(query: StatusQuery): Promise<StatusResult> {
    const attempts = this.options.statusAttemptsMax ?? STATUS_ATTEMPTS_MAX;
    const timeoutMs = this.options.statusTimeoutMs ?? statusTimeoutMs;
    const all = await this.withRetries('status', attempts, async () => {
      const answer = await this.request(
        'status',
        'GET',
        `${SANDBOX_PATHS.payouts}?payout_id=${encodeURIComponent(query.payoutId)}`,
        timeoutMs,
        {},
      );
      if (answer === 'not_found') return [];
      return parseList(answer.json);
    });
    // Searched by our payout id so a duplicate at the provider is seen; the reference, when we hold one, picks the row.
    const payout =
      (query.providerReference === undefined
        ? undefined
        : all.find((candidate) => candidate.id === query.providerReference)) ?? all[0];
    if (payout === undefined) return { kind: 'not_found' };
    const stateSince = payout.status_transitions[payout.status];
    return {
      kind: 'found',
      providerReference: payout.id,
      state: mapSandboxState(payout.status),
      feeMinor: payout.fee,
      ...(payout.failure_code === null ? {} : { failureCode: payout.failure_code }),
      ...(stateSince === undefined ? {} : { stateSince }),
      countAtProvider: all.length,
      ...moneyOf(payout),
    };
  }

  /**
   * Cancels at the sandbox (POST /v1/payouts/{ref}/cancel). 200 is the canceled payout (also when
   * it was canceled already); 409 payout_not_cancelable means it paid, or failed or came back.
   */
  async cancel(request: CancelRequest): Promise<CancelResult> {
    const answer = await this.withRetries('cancel', ACTION_ATTEMPTS_MAX, () =>
      this.request(
        'cancel',
        'POST',
        SANDBOX_PATHS.cancel(request.providerReference),
        ACTION_TIMEOUT_MS,
        {},
        [404, 409],
      ),
    );
    if (answer === 'not_found' || answer.status === 404) return { kind: 'not_found' };
    if (answer.status === 409) return { kind: 'too_late', providerState: refusedStatusOf(answer.json) };
    const payout = parsePayout(answer.json);
    return {
      kind: 'canceled',
      providerReference: payout.id,
      state: mapSandboxState(payout.status),
      ...moneyOf(payout),
    };
  }

  /**
   * Asks the sandbox to return a paid payout (POST /v1/payouts/{ref}/return), our reversal id as the
   * Idempotency-Key: a repeat answers the first return, never a second one. 409 payout_not_returnable
   * is the sandbox refusing (not paid there); `returned` arrives later by webhook or status read.
   */
  async requestReturn(request: ReturnRequest): Promise<ReturnResult> {
    const answer = await this.withRetries('return', ACTION_ATTEMPTS_MAX, () =>
      this.request(
        'return',
        'POST',
        SANDBOX_PATHS.return(request.providerReference),
        ACTION_TIMEOUT_MS,
        {
          headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: request.reversalId },
          body: JSON.stringify({
            amount: request.amountMinor,
            currency: request.currency,
            metadata: { payout_id: request.payoutId },
          }),
        },
        [404, 409],
      ),
    );
    if (answer === 'not_found' || answer.status === 404)
      return {
        kind: 'refused',
        reasonCode: 'resource_missing',
        reason: `sandbox holds no payout ${request.providerReference}`,
      };
    if (answer.status === 409) {
      const error = (answer.json as Partial<SandboxErrorBody> | undefined)?.error;
      return {
        kind: 'refused',
        reasonCode: error?.code ?? 'payout_not_returnable',
        reason: error?.message ?? 'the sandbox refused the return',
      };
    }
    const payout = parsePayout(answer.json);
    return { kind: 'accepted', providerReference: payout.id, replayed: answer.replayed };
  }

  /**
   * One page of every payout the sandbox holds, oldest first, after `startingAfter` (a reference).
   * A read: retried like a status read, 429s included, honouring Retry-After (provider-retry.ts).
   */
  async listPage(page: {
    limit: number;
    startingAfter?: string;
  }): Promise<{ payouts: SandboxPayout[]; hasMore: boolean }> {
    const query = new URLSearchParams({ limit: String(page.limit) });
    if (page.startingAfter !== undefined) query.set('starting_after', page.startingAfter);
    const attempts = this.options.statusAttemptsMax ?? STATUS_ATTEMPTS_MAX;
    const timeoutMs = this.options.statusTimeoutMs ?? statusTimeoutMs;
    return this.withRetries('status', attempts, async () => {
      const answer = await this.request('status', 'GET', `${SANDBOX_PATHS.payouts}?${query}`, timeoutMs, {});
      if (answer === 'not_found')
        throw new ProviderProtocolError('sandbox answered 404 to its payout list', { provider: PROVIDER_NAME });
      const list = answer.json as Partial<SandboxList<unknown>> | undefined;
      return { payouts: parseList(answer.json), hasMore: list?.has_more === true };
    });
  }

  /** Every payout, page by page (`has_more` / `starting_after`), each once. */
  async *listAll(pageSize: number): AsyncGenerator<SandboxPayout> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.listPage({ limit: pageSize, ...(startingAfter === undefined ? {} : { startingAfter }) });
      yield* page.payouts;
      const last = page.payouts.at(-1);
      // A page that says "more" but is empty would loop forever: the list ended, whatever it claims.
      if (!page.hasMore || last === undefined) return;
      startingAfter = last.id;
    }
  }

  private async withRetries<T>(operation: Operation, attemptsMax: number, call: () => Promise<T>): Promise<T> {
    const sleep =
      this.options.sleep ?? ((ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const decision = retryDecision(error, operation, attempt, attemptsMax, this.options.random);
        if (!decision.retry) throw error;
        this.options.onRetry?.({
          operation,
          attempt,
          error: error as ProviderError,
          reason: decision.reason,
          delayMs: decision.delayMs,
        });
        await sleep(decision.delayMs);
      }
    }
  }

  /**
   * One HTTP exchange, body included, under one timeout; throws classified ProviderErrors. Statuses
   * in `answers` are outcomes of the operation (a refused cancel), returned to the caller to read.
   */
  private async request(
    operation: Operation,
    method: 'GET' | 'POST',
    path: string,
    timeoutMs: number,
    init: { headers?: Record<string, string>; body?: string },
    answers: readonly number[] = [],
  ): Promise<HttpAnswer | 'not_found'> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw classifyFetchError(PROVIDER_NAME, error, timeoutMs);
    }
    const json = parseJson(text);
    if (answers.includes(response.status)) return { status: response.status, json, replayed: false, retryAfter: null };
    if (response.status >= 200 && response.status < 300) {
      if (json === undefined)
        throw new ProviderProtocolError(`sandbox answered ${response.status} with a body that is not JSON`, {
          provider: PROVIDER_NAME,
          httpStatus: response.status,
        });
      return {
        status: response.status,
        json,
        replayed: response.headers.get(IDEMPOTENT_REPLAYED_HEADER) === 'true',
        retryAfter: null,
      };
    }
    const failure = classifyHttpFailure(
      PROVIDER_NAME,
      operation,
      response.status,
      json as ErrorBodyShape | undefined,
      response.headers.get('retry-after'),
    );
    if (failure === 'not_found') return 'not_found';
    throw failure;
  }
}

/** The adapter for the running function, from `SANDBOX_PROVIDER_URL`. */
export function sandboxProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<SandboxProviderOptions> = {},
): SandboxProvider {
  const baseUrl = env[ENV.sandboxProviderUrl];
  if (baseUrl === undefined || baseUrl === '')
    throw new Error(`missing environment variable ${ENV.sandboxProviderUrl}`);
  return new SandboxProvider({ baseUrl, ...overrides });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Checks the fields we rely on; an answer without them is a protocol error (retryable: it may hide a success). */
function parsePayout(value: unknown): SandboxPayout {
  const payout = value as Partial<SandboxPayout> | undefined;
  if (
    typeof payout?.id !== 'string' ||
    typeof payout.status !== 'string' ||
    typeof payout.status_transitions !== 'object'
  ) {
    throw new ProviderProtocolError('sandbox answered without a payout id and status', { provider: PROVIDER_NAME });
  }
  // A state we do not know is kept as it came (mapSandboxState maps it to `unknown`), never guessed.
  return payout as SandboxPayout;
}

/**
 * The amount and currency the sandbox holds, for the sweeper's ownership check. An answer that
 * carries them unreadably is a protocol error: skipping the check would let the answer through unchecked.
 */
function moneyOf(payout: SandboxPayout): { amountMinor: number; currency: string } {
  const amountReadable = Number.isSafeInteger(payout.amount) && payout.amount >= 0;
  if (!amountReadable || typeof payout.currency !== 'string' || !/^[A-Za-z]{3}$/.test(payout.currency)) {
    const message = `sandbox answered payout ${payout.id} without a readable amount and currency`;
    throw new ProviderProtocolError(message, { provider: PROVIDER_NAME });
  }
  return { amountMinor: payout.amount, currency: payout.currency.toUpperCase() };
}

/** The sandbox's state of a payout it would not cancel, from its 409 body. */
function refusedStatusOf(body: unknown): string {
  return (body as Partial<SandboxErrorBody> | undefined)?.error?.payout_status ?? 'unknown';
}

function parseList(value: unknown): SandboxPayout[] {
  const list = value as Partial<SandboxList<unknown>> | undefined;
  if (!Array.isArray(list?.data))
    throw new ProviderProtocolError('sandbox answered a list without data', { provider: PROVIDER_NAME });
  return list.data.map(parsePayout);
}
