// The Stripe stand-in's HTTP surface (node:http, 127.0.0.1), the part of Stripe's v1 API our adapter and
// the `stripe` SDK use. Source: stripe/openapi at commit f6c2a48 (openapi/fixtures3.json) and the SDK
// 23.1.0's types, read 2026-12-01; error bodies as docs.stripe.com/api/errors documents them.
//   POST /v1/payouts                      form body; Idempotency-Key; Stripe-Account scopes the books
//   GET  /v1/payouts/{id}                 404 resource_missing when the account does not hold it
//   GET  /v1/payouts?limit=&starting_after=   newest first; { object: 'list', data, has_more, url }
//   POST /v1/payouts/{id}/cancel          pending only
//   POST /v1/payouts/{id}/reverse         paid, connected account, usd/cad only; Idempotency-Key
//   GET  /v1/test/reports/payouts_itemized   the itemized payouts report (CSV) of every payout held,
//                                            or with ?date=YYYY-MM-DD of those created that UTC day
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STRIPE_LIST_LIMIT_MAX, type StripePayout } from '../../../functions/adapters/providers/stripe-api.js';
import { renderStripeReport } from '../../../functions/domain/reconciliation/stripe-report.js';
import { readBody, sendJson } from '../../sandbox/http.js';
import { PLATFORM_ACCOUNT, type StripeBooks } from './books.js';
import type { FaultQueue } from './faults.js';
import { reportRowsOf } from './report.js';

export interface StripeServerOptions {
  readonly books: StripeBooks;
  readonly faults: FaultQueue;
  readonly secretKey: string;
  /** Hung answers (record_then_hang), so close() can end them. */
  readonly hung: Set<ServerResponse>;
  readonly record: (request: { method: string; path: string; headers: Record<string, string>; body: string }) => void;
}

const LIST_LIMIT_DEFAULT = 10;
const REVERSIBLE_CURRENCIES = new Set(['usd', 'cad']);

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
const stripeError = (status: number, type: string, message: string, extra: Record<string, string> = {}): Answer => ({
  status,
  body: { error: { type, message, ...extra } },
});
const missing = (id: string): Answer =>
  stripeError(404, 'invalid_request_error', `No such payout: '${id}'`, { code: 'resource_missing', param: 'id' });

export function stripeRequestHandler(options: StripeServerOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(options, request, response).catch((error: unknown) =>
      reply(response, stripeError(500, 'api_error', `stand-in failure: ${String(error)}`)),
    );
  };
}

async function handle(options: StripeServerOptions, request: IncomingMessage, response: ServerResponse) {
  const body = await readBody(request);
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value!]),
  );
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://stripe.invalid');
  options.record({ method, path: `${url.pathname}${url.search}`, headers, body });
  if (headers['authorization'] !== `Bearer ${options.secretKey}`)
    return reply(response, stripeError(401, 'invalid_request_error', 'Invalid API Key provided.'));
  const account = headers['stripe-account'] ?? PLATFORM_ACCOUNT;
  if (account !== PLATFORM_ACCOUNT && !/^acct_[A-Za-z0-9]+$/.test(account))
    return reply(response, stripeError(403, 'invalid_request_error', 'No such account.', { code: 'account_invalid' }));
  const isCreate = method === 'POST' && url.pathname === '/v1/payouts';
  const fault = options.faults.take(isCreate);
  if (fault?.kind === 'http_status') return reply(response, faultAnswer(fault.status));
  if (fault?.kind === 'reject') return reply(response, rejection(fault.attribution));
  const answer = route(options, { method, url, account, headers, form: new URLSearchParams(body) });
  if (fault?.kind === 'record_then_hang') {
    options.hung.add(response);
    response.once('close', () => options.hung.delete(response));
    return;
  }
  reply(response, answer);
}

interface Call {
  method: string;
  url: URL;
  account: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

function route(options: StripeServerOptions, call: Call): Answer {
  const { books } = options;
  const { method, url, account } = call;
  if (method === 'POST' && url.pathname === '/v1/payouts')
    return idempotent(books, call, () => createPayout(books, call));
  if (method === 'GET' && url.pathname === '/v1/payouts') return listPayouts(books, account, url);
  if (method === 'GET' && url.pathname === '/v1/test/reports/payouts_itemized')
    return {
      status: 200,
      body: renderStripeReport(reportRowsOf(books.all(), url.searchParams.get('date') ?? undefined)),
      headers: { 'content-type': 'text/csv' },
    };
  const match = /^\/v1\/payouts\/([^/]+)(?:\/(cancel|reverse))?$/.exec(url.pathname);
  if (match === null)
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}).`);
  const id = decodeURIComponent(match[1]!);
  const payout = books.get(account, id);
  if (method === 'GET' && match[2] === undefined) return payout === undefined ? missing(id) : ok(payout);
  if (method !== 'POST' || payout === undefined)
    return payout === undefined ? missing(id) : stripeError(405, 'invalid_request_error', 'Method not allowed.');
  if (match[2] === 'cancel') {
    if (payout.status === 'canceled') return ok(payout);
    if (payout.status !== 'pending')
      return stripeError(
        400,
        'invalid_request_error',
        `Payouts can only be canceled while they are pending; this one is ${payout.status}.`,
      );
    return ok(books.setState(account, id, 'canceled')!);
  }
  if (match[2] === 'reverse') return idempotent(books, call, () => reversePayout(books, account, payout));
  return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}).`);
}

/** Stripe's idempotency: the first answer replays for the same key and parameters, 400 for other ones. */
function idempotent(books: StripeBooks, call: Call, run: () => Answer): Answer {
  const key = call.headers['idempotency-key'];
  if (key === undefined) return run();
  const fingerprint = `${call.url.pathname}?${[...call.form]
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;
  const stored = books.replay(call.account, key, fingerprint);
  if (stored === 'conflict')
    return stripeError(
      400,
      'idempotency_error',
      'Keys for idempotent requests can only be used with the same parameters they were first used with.',
    );
  if (stored !== undefined) return { ...stored, headers: { 'idempotent-replayed': 'true' } };
  const answer = run();
  // Stripe keeps results of requests that started executing; a 5xx is not kept, so a retry runs again.
  if (answer.status < 500) books.remember(call.account, key, fingerprint, { status: answer.status, body: answer.body });
  return answer;
}

function createPayout(books: StripeBooks, { account, form }: Call): Answer {
  const amountText = form.get('amount');
  if (amountText === null)
    return stripeError(400, 'invalid_request_error', 'Missing required param: amount.', {
      code: 'parameter_missing',
      param: 'amount',
    });
  const amount = Number(amountText);
  if (!/^\d+$/.test(amountText) || !Number.isSafeInteger(amount) || amount < 1)
    return stripeError(400, 'invalid_request_error', 'Invalid positive integer', {
      code: 'parameter_invalid_integer',
      param: 'amount',
    });
  const currency = form.get('currency') ?? '';
  if (!/^[a-z]{3}$/.test(currency))
    return stripeError(400, 'invalid_request_error', `Invalid currency: ${currency}.`, {
      code: 'invalid_currency',
      param: 'currency',
    });
  const metadata: Record<string, string> = {};
  for (const [key, value] of form) {
    const inner = /^metadata\[(.+)\]$/.exec(key);
    if (inner) metadata[inner[1]!] = value;
  }
  const description = form.get('description');
  const destination = form.get('destination');
  return ok(
    books.create(account, {
      amount,
      currency,
      metadata,
      ...(description === null ? {} : { description }),
      ...(destination === null ? {} : { destination }),
    }),
  );
}

function reversePayout(books: StripeBooks, account: string, payout: StripePayout): Answer {
  if (account === PLATFORM_ACCOUNT || payout.status !== 'paid' || !REVERSIBLE_CURRENCIES.has(payout.currency))
    return stripeError(
      400,
      'invalid_request_error',
      'Only paid payouts of connected accounts to US and Canadian bank accounts can be reversed.',
    );
  if (payout.reversed_by !== null) return ok(books.get(account, payout.reversed_by)!);
  const reversal = books.create(account, {
    amount: payout.amount,
    currency: payout.currency,
    metadata: payout.metadata,
    original_payout: payout.id,
  });
  payout.reversed_by = reversal.id;
  return ok(reversal);
}

function listPayouts(books: StripeBooks, account: string, url: URL): Answer {
  const limitText = url.searchParams.get('limit') ?? String(LIST_LIMIT_DEFAULT);
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > STRIPE_LIST_LIMIT_MAX)
    return stripeError(400, 'invalid_request_error', `Invalid integer: limit must be 1-${STRIPE_LIST_LIMIT_MAX}.`, {
      param: 'limit',
    });
  const all = books.list(account);
  const after = url.searchParams.get('starting_after');
  const cursor = after === null ? -1 : all.findIndex((payout) => payout.id === after);
  if (after !== null && cursor === -1) return missing(after);
  const rest = all.slice(cursor + 1);
  return {
    status: 200,
    body: { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url: '/v1/payouts' },
  };
}

function faultAnswer(status: 500 | 502 | 503 | 429): Answer {
  if (status === 429)
    return stripeError(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', {
      code: 'rate_limit',
    });
  return stripeError(status, 'api_error', 'An unknown error occurred (stand-in fault).');
}

/** Stripe's refusals of a payout: the recipient's bank account, or Stripe's own decision about the account. */
function rejection(attribution: 'recipient_details' | 'provider'): Answer {
  return attribution === 'recipient_details'
    ? stripeError(400, 'invalid_request_error', 'The bank account provided cannot be used for payouts.', {
        code: 'bank_account_unusable',
      })
    : stripeError(400, 'invalid_request_error', 'Payouts have been disabled on this account.', {
        code: 'payouts_not_allowed',
      });
}

const ok = (payout: StripePayout): Answer => ({ status: 200, body: payout });

function reply(response: ServerResponse, answer: Answer): void {
  if (typeof answer.body === 'string') {
    if (response.writableEnded) return;
    response.writeHead(answer.status, { 'content-type': 'text/csv', ...answer.headers });
    response.end(answer.body);
    return;
  }
  sendJson(response, answer.status, answer.body, { 'request-id': `req_${Date.now().toString(36)}`, ...answer.headers });
}
