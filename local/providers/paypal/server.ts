// The PayPal Payouts stand-in (node:http on 127.0.0.1), built from PayPal's published API reference:
// paypal/paypal-rest-api-specifications openapi/payments_payouts_batch_v1.json (commit ec4d8f3,
// 2024-02-03; read 2026-12-01) for paths, parameters, shapes and the error schema; PayPal developer
// docs (read 2026-12-01) for the OAuth token endpoint, webhook event names and signing, error names.
// It answers what our adapter and PayPal's own SDK send, and plays faults for the conformance suite.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PAYPAL_BATCH_ITEMS_MAX,
  PAYPAL_PAGE_SIZE_MAX,
  PAYPAL_PATHS,
  PAYPAL_REQUEST_ID_HEADER,
  PAYPAL_SENDER_ITEM_ID_CHARS_MAX,
  type PaypalCreatePayoutRequest,
} from '../../../functions/adapters/providers/paypal-api';
import { STAND_IN_REPORT_PATHS } from '../../../functions/adapters/reconciliation/provider-report-sources';
import {
  invalidClient,
  invalidToken,
  CREATE_REJECTIONS,
  notFound,
  paypalError,
  STATUS_ERRORS,
  validationError,
} from './errors';
import { renderPaypalReport } from './report';
import { paypalReportRowsOf } from './report-rows';
import { PaypalBooks } from './store';
import { PaypalWebhooks, type PaypalWebhookOptions } from './webhooks';

/** A create of 15,000 items is about 3 MB of JSON. */
export const STANDIN_BODY_BYTES_MAX = 8 * 1024 * 1024;
/** PayPal's documented token lifetime is about nine hours. */
export const TOKEN_LIFETIME_SECONDS_DEFAULT = 32_400;
export const CERT_PATH = '/v1/notifications/certs/CERT-standin-test';
export const TEST_BATCHES_PATH = '/v1/test/batches';
/**
 * The day's Transaction Detail Report (`?date=YYYY-MM-DD`), what PayPal drops on SFTP in production:
 * no OAuth token, as SFTP has none (functions/adapters/reconciliation/provider-report-sources.ts).
 */
export const TEST_REPORT_PATH = STAND_IN_REPORT_PATHS.paypal;
const AMOUNT_PATTERN = /^\d{1,13}(\.\d{1,3})?$/;

export type StandInFault =
  | { readonly kind: 'http_status'; readonly status: 500 | 502 | 503 | 429; readonly count: number }
  | { readonly kind: 'record_then_hang' }
  | { readonly kind: 'reject'; readonly attribution: 'recipient_details' | 'provider' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PaypalStandInOptions extends Omit<PaypalWebhookOptions, 'certUrl'> {
  /**
   * The PAYPAL-CERT-URL its webhooks name; its own certificate endpoint when absent. The twin names the URL
   * its intake maps to the test chain (config/paypal-webhook-certs.local.json), as the intake fetches nothing.
   */
  readonly certUrl?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenLifetimeSeconds?: number;
  readonly nowMs?: () => number;
}

export interface PaypalStandIn {
  readonly baseUrl: string;
  readonly webhooks: PaypalWebhooks;
  readonly controls: {
    inject(fault: StandInFault): void;
    clearFaults(): void;
    countFor(payoutId: string): number;
    setState(providerReference: string, providerState: string): Promise<void>;
    requests(): readonly RecordedRequest[];
    /** Drops every token, as PayPal may before `expires_in`: the next call answers 401. */
    revokeTokens(): void;
    /** Forgets every PayPal-Request-Id, as PayPal does after 30 days (a reused sender_batch_id is still refused). */
    forgetRequestIds(): void;
  };
  close(): Promise<void>;
}

export async function startPaypalStandIn(options: PaypalStandInOptions): Promise<PaypalStandIn> {
  const nowMs = options.nowMs ?? Date.now;
  const books = new PaypalBooks(() => new Date(nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const state: StandInState = {
    books,
    faults: [],
    recorded: [],
    tokens: new Map(),
    hanging: new Set(),
    options,
    nowMs,
  };
  const server = createServer((request, response) => void handle(state, request, response));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.webhooks = new PaypalWebhooks({ ...options, certUrl: options.certUrl ?? `${baseUrl}${CERT_PATH}`, nowMs });
  return {
    baseUrl,
    webhooks: state.webhooks,
    controls: {
      inject: (fault) => void state.faults.push(fault.kind === 'http_status' ? { ...fault } : fault),
      clearFaults: () => void state.faults.splice(0),
      countFor: (payoutId) => books.countForSenderItem(payoutId),
      setState: (reference, providerState) => state.webhooks!.moveItem(books, reference, providerState),
      requests: () => [...state.recorded],
      revokeTokens: () => state.tokens.clear(),
      forgetRequestIds: () => books.forgetRequestIds(),
    },
    close: () => closeServer(server, state),
  };
}

interface StandInState {
  readonly books: PaypalBooks;
  readonly faults: StandInFault[];
  readonly recorded: RecordedRequest[];
  readonly tokens: Map<string, number>;
  readonly hanging: Set<ServerResponse>;
  readonly options: PaypalStandInOptions;
  readonly nowMs: () => number;
  webhooks?: PaypalWebhooks;
}

async function handle(state: StandInState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  let body: string;
  try {
    body = await readBody(request);
  } catch {
    return send(response, 413, paypalError('VALIDATION_ERROR', 'Request body too large.'));
  }
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  state.recorded.push({ method: request.method ?? 'GET', path: url.pathname + url.search, headers, body });
  if (request.method === 'GET' && url.pathname === CERT_PATH) return sendText(response, state.webhooks!.chainPem());
  if (request.method === 'GET' && url.pathname === TEST_BATCHES_PATH)
    return send(response, 200, state.books.batchIds());
  if (request.method === 'GET' && url.pathname === TEST_REPORT_PATH) return sendReport(state, url, response);
  if (request.method === 'POST' && url.pathname === PAYPAL_PATHS.token) return token(state, headers, body, response);
  if (!authorized(state, headers)) return send(response, 401, invalidToken);
  const fault = takeStatusFault(state);
  if (fault !== undefined) return send(response, fault, STATUS_ERRORS[fault]());
  return route(state, request.method ?? 'GET', url, headers, body, response);
}

function route(
  state: StandInState,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string,
  response: ServerResponse,
): void {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (method === 'POST' && url.pathname === PAYPAL_PATHS.payouts) return createPayout(state, headers, body, response);
  if (method === 'GET' && parts.length === 4 && parts[2] === 'payouts')
    return readBatch(state, parts[3]!, url, response);
  if (parts[2] === 'payouts-item' && parts[3] !== undefined) {
    if (method === 'GET' && parts.length === 4) {
      const item = state.books.item(parts[3]);
      if (item === undefined) return send(response, 404, notFound());
      const { canceled: _canceled, ...view } = item;
      return send(response, 200, view);
    }
    if (method === 'POST' && parts.length === 5 && parts[4] === 'cancel') return cancelItem(state, parts[3], response);
  }
  send(response, 404, notFound());
}

function token(state: StandInState, headers: Record<string, string>, body: string, response: ServerResponse): void {
  const expected = Buffer.from(`${state.options.clientId}:${state.options.clientSecret}`).toString('base64');
  if (headers['authorization'] !== `Basic ${expected}`) return send(response, 401, invalidClient);
  if (new URLSearchParams(body).get('grant_type') !== 'client_credentials')
    return send(response, 400, { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
  const lifetime = state.options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS_DEFAULT;
  const accessToken = `A21AA${Buffer.from(`${state.tokens.size}:${state.nowMs()}`).toString('base64url')}`;
  state.tokens.set(accessToken, state.nowMs() + lifetime * 1_000);
  send(response, 200, {
    scope: 'https://uri.paypal.com/services/payments/payouts',
    access_token: accessToken,
    token_type: 'Bearer',
    app_id: 'APP-STANDIN',
    expires_in: lifetime,
    nonce: `${new Date(state.nowMs()).toISOString()}standin`,
  });
}

function authorized(state: StandInState, headers: Record<string, string>): boolean {
  const bearer = /^Bearer (.+)$/.exec(headers['authorization'] ?? '')?.[1];
  const expiresAtMs = bearer === undefined ? undefined : state.tokens.get(bearer);
  return expiresAtMs !== undefined && state.nowMs() < expiresAtMs;
}

function takeStatusFault(state: StandInState): 429 | 500 | 502 | 503 | undefined {
  const index = state.faults.findIndex((fault) => fault.kind === 'http_status');
  if (index === -1) return undefined;
  const fault = state.faults[index] as { kind: 'http_status'; status: 429 | 500 | 502 | 503; count: number };
  fault.count -= 1;
  if (fault.count <= 0) state.faults.splice(index, 1);
  return fault.status;
}

function createPayout(
  state: StandInState,
  headers: Record<string, string>,
  body: string,
  response: ServerResponse,
): void {
  const requestId = headers[PAYPAL_REQUEST_ID_HEADER];
  // The spec: "The server stores keys for 30 days": a repeat gets the first answer, whatever its body.
  const stored = requestId === undefined ? undefined : state.books.answerFor(requestId);
  if (stored !== undefined) return send(response, stored.status, stored.body);
  const parsed = parseCreate(body);
  if ('name' in parsed) return send(response, 400, parsed);
  const senderBatchId = parsed.sender_batch_header.sender_batch_id;
  const original = state.books.batchIdForSender(senderBatchId);
  if (original !== undefined) return send(response, 400, duplicateBatch(senderBatchId, original, state));
  const faultIndex = state.faults.findIndex((fault) => fault.kind !== 'http_status');
  const fault = faultIndex === -1 ? undefined : state.faults.splice(faultIndex, 1)[0];
  if (fault?.kind === 'reject') return send(response, 422, CREATE_REJECTIONS[fault.attribution]());
  const header = state.books.create(parsed);
  const answer = {
    status: 201,
    body: {
      batch_header: header,
      links: [{ href: batchHref(state, header.payout_batch_id), rel: 'self', method: 'GET' }],
    },
  };
  if (requestId !== undefined) state.books.remember(requestId, answer);
  // Recorded, then never answered: the "did it land?" case. The socket is freed on close.
  if (fault?.kind === 'record_then_hang') return void state.hanging.add(response);
  send(response, answer.status, answer.body);
}

function parseCreate(body: string): PaypalCreatePayoutRequest | ReturnType<typeof validationError> {
  let value: Partial<PaypalCreatePayoutRequest>;
  try {
    value = JSON.parse(body) as Partial<PaypalCreatePayoutRequest>;
  } catch {
    return paypalError('INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.');
  }
  const senderBatchId = value.sender_batch_header?.sender_batch_id;
  if (typeof senderBatchId !== 'string' || senderBatchId.length === 0 || senderBatchId.length > 256)
    return validationError(
      '/sender_batch_header/sender_batch_id',
      'REQUIRED_FIELD_MISSING',
      'sender_batch_id is required',
    );
  if (!Array.isArray(value.items) || value.items.length === 0 || value.items.length > PAYPAL_BATCH_ITEMS_MAX)
    return validationError('/items', 'INVALID_ARRAY_LENGTH', `items must hold 1 to ${PAYPAL_BATCH_ITEMS_MAX} entries`);
  for (const [index, item] of value.items.entries()) {
    const at = `/items/${index}`;
    if (typeof item?.receiver !== 'string' || item.receiver === '')
      return validationError(`${at}/receiver`, 'REQUIRED_FIELD_MISSING', 'receiver is required');
    if (typeof item.amount?.value !== 'string' || !AMOUNT_PATTERN.test(item.amount.value))
      return validationError(`${at}/amount/value`, 'INVALID_PARAMETER_SYNTAX', 'amount value is not a decimal');
    if (typeof item.amount.currency !== 'string' || !/^[A-Z]{3}$/.test(item.amount.currency))
      return validationError(`${at}/amount/currency`, 'INVALID_CURRENCY_CODE', 'currency is not ISO 4217');
    if (typeof item.sender_item_id === 'string' && item.sender_item_id.length > PAYPAL_SENDER_ITEM_ID_CHARS_MAX)
      return validationError(`${at}/sender_item_id`, 'INVALID_STRING_MAX_LENGTH', 'sender_item_id is too long');
  }
  return value as PaypalCreatePayoutRequest;
}

function duplicateBatch(senderBatchId: string, original: string, state: StandInState) {
  const link = [{ href: batchHref(state, original), rel: 'self', method: 'GET' }];
  return paypalError('USER_BUSINESS_ERROR', 'User business error.', [
    {
      field: 'SENDER_BATCH_ID',
      value: senderBatchId,
      location: 'body',
      issue: 'Batch with given sender_batch_id already exists',
      link,
    },
  ]);
}

function readBatch(state: StandInState, batchId: string, url: URL, response: ServerResponse): void {
  const page = intParam(url, 'page', 1);
  const pageSize = intParam(url, 'page_size', PAYPAL_PAGE_SIZE_MAX);
  if (page === undefined || page < 1 || page > 1_000)
    return send(response, 400, validationError('page', 'INVALID_PARAMETER_VALUE', 'page must be 1 to 1000'));
  if (pageSize === undefined || pageSize < 1 || pageSize > PAYPAL_PAGE_SIZE_MAX)
    return send(response, 400, validationError('page_size', 'INVALID_PARAMETER_VALUE', 'page_size must be 1 to 1000'));
  const batch = state.books.batchPage(batchId, page, pageSize);
  if (batch === undefined) return send(response, 404, notFound());
  const totals = url.searchParams.get('total_required') === 'true';
  const { total_items, total_pages, ...rest } = batch;
  const links = [
    { href: `${batchHref(state, batchId)}?page=${page}&page_size=${pageSize}`, rel: 'self', method: 'GET' },
  ];
  if (page < total_pages)
    links.push({
      href: `${batchHref(state, batchId)}?page=${page + 1}&page_size=${pageSize}`,
      rel: 'next',
      method: 'GET',
    });
  send(response, 200, { ...(totals ? { total_items, total_pages } : {}), ...rest, links });
}

function cancelItem(state: StandInState, itemId: string, response: ServerResponse): void {
  const item = state.books.item(itemId);
  if (item === undefined) return send(response, 404, notFound());
  if (item.canceled)
    return send(response, 400, paypalError('ITEM_ALREADY_CANCELLED', 'Requested item is already cancelled.'));
  if (item.transaction_status !== 'UNCLAIMED')
    return send(
      response,
      400,
      paypalError('ITEM_INCORRECT_STATUS', 'You can only cancel items that are in UNCLAIMED state.'),
    );
  void state.webhooks!.moveItem(state.books, itemId, 'CANCELED').then(() => {
    const { canceled: _canceled, ...view } = state.books.item(itemId)!;
    send(response, 200, view);
  });
}

function intParam(url: URL, name: string, fallback: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  return /^\d{1,5}$/.test(text) ? Number(text) : undefined;
}

const batchHref = (state: StandInState, batchId: string) =>
  `${state.webhooks!.baseUrl()}${PAYPAL_PATHS.batch(batchId)}`;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > STANDIN_BODY_BYTES_MAX) throw new RangeError('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'paypal-debug-id': (body as { debug_id?: string } | undefined)?.debug_id ?? 'standin',
  });
  response.end(text);
}

function sendText(response: ServerResponse, text: string, contentType = 'application/x-pem-file'): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendReport(state: StandInState, url: URL, response: ServerResponse): void {
  const date = url.searchParams.get('date') ?? undefined;
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
    return send(response, 400, validationError('date', 'INVALID_PARAMETER_SYNTAX', 'date must be YYYY-MM-DD.'));
  const rows = paypalReportRowsOf(state.books.reportItems(), date);
  const reportDate = `${date ?? new Date(state.nowMs()).toISOString().slice(0, 10)}T00:00:00Z`;
  sendText(response, renderPaypalReport(rows, reportDate), 'text/csv');
}

async function closeServer(server: Server, state: StandInState): Promise<void> {
  for (const response of state.hanging) response.destroy();
  state.hanging.clear();
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}
