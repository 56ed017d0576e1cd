// The Adyen Transfers API (Balance Platform) stand-in: node:http on 127.0.0.1.
//
// Source: Adyen/adyen-openapi json/TransferService-v4.json (commit aa014f0, 2026-07-01; read 2026-12-01):
//   POST /transfers            TransferInfo → 202 Transfer; `X-API-Key`; `Idempotency-Key` (≤ 64 characters)
//   GET  /transfers/{id}       → 200 TransferData (an unknown id: 404, which the spec does not list: assumed)
//   GET  /transfers            balanceAccountId | accountHolderId | balancePlatform, createdSince and
//                              createdUntil required, reference, category, limit ≤ 100 (default 10), cursor;
//                              → FindTransfersResponse { data, _links.next.href } (cursor paging)
// Webhooks: balancePlatform.transfer.created / .updated (BalancePlatformTransferNotification-v4.json), signed
// with `HmacSignature` (see webhooks.ts). Test-only controls (faults, state changes) are methods, not routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ADYEN_IDEMPOTENCY_KEY_CHARS_MAX,
  ADYEN_LIST_PAGE_SIZE_MAX,
  type AdyenTransferInfo,
} from '../../../functions/adapters/providers/adyen-api';
import { STAND_IN_REPORT_PATHS } from '../../../functions/adapters/reconciliation/provider-report-sources';
import { readBody } from '../../sandbox/http';
import * as errors from './errors';
import { renderAccountingReport } from './report';
import { accountingReportRowsOf } from './report-rows';
import { AdyenBooks } from './store';
import { validateTransferInfo } from './validate';

/** The faults the stand-in plays (the conformance suite's StandInFault, test/conformance/subject.ts). */
export type StandInFault =
  | { readonly kind: 'http_status'; readonly status: number; readonly count: number }
  | { readonly kind: 'record_then_hang' }
  | { readonly kind: 'reject'; readonly attribution: 'recipient_details' | 'provider' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface AdyenStandInOptions {
  readonly apiKey: string;
  readonly balancePlatform?: string;
  readonly now?: () => Date;
  readonly port?: number;
}

export interface AdyenStandInServer {
  readonly baseUrl: string;
  readonly books: AdyenBooks;
  inject(fault: StandInFault): void;
  clearFaults(): void;
  requests(): readonly RecordedRequest[];
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Pending = { fault: StandInFault; remaining: number };
const DEFAULT_PAGE_SIZE = 10;

export async function startAdyenStandIn(options: AdyenStandInOptions): Promise<AdyenStandInServer> {
  const books = new AdyenBooks(options.balancePlatform ?? 'YOUR_BALANCE_PLATFORM', options.now ?? (() => new Date()));
  const recorded: RecordedRequest[] = [];
  const faults: Pending[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const takeFault = (isCreate: boolean): StandInFault | undefined => {
    const index = faults.findIndex((pending) => pending.fault.kind === 'http_status' || isCreate);
    if (index === -1) return undefined;
    const pending = faults[index]!;
    pending.remaining -= 1;
    if (pending.remaining <= 0) faults.splice(index, 1);
    return pending.fault;
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const url = new URL(incoming.url ?? '/', baseUrl);
    recorded.push({ method: incoming.method ?? 'GET', path: `${url.pathname}${url.search}`, headers, body });
    // The day's accounting report (`?date=`): Adyen's report download, which the twin's reconciliation
    // fetches without the Transfers API key (provider-report-sources.ts sends none for Adyen).
    if (incoming.method === 'GET' && url.pathname === STAND_IN_REPORT_PATHS.adyen)
      return sendReport(books, url, response);
    if (headers['x-api-key'] !== options.apiKey) return send(response, errors.unauthorized());
    const isCreate = incoming.method === 'POST' && url.pathname === '/transfers';
    const fault = takeFault(isCreate);
    if (fault?.kind === 'http_status') return send(response, errors.unavailable(fault.status));
    if (isCreate) {
      const answer = create(books, body, headers['idempotency-key'], fault);
      // Recorded, then silent: the adapter times out not knowing whether Adyen acted.
      if (answer === 'hang') return;
      return send(response, answer);
    }
    if (incoming.method === 'GET' && url.pathname === '/transfers') return send(response, list(books, url, baseUrl));
    const match = /^\/transfers\/([^/]+)$/.exec(url.pathname);
    if (incoming.method === 'GET' && match !== null) {
      const transfer = books.get(decodeURIComponent(match[1]!));
      return send(response, transfer === undefined ? errors.notFound(match[1]!) : { status: 200, body: transfer });
    }
    return send(response, errors.problem(404, '00_404', 'Not Found', `${incoming.method} ${url.pathname}`));
  };

  const server: Server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) =>
      send(response, errors.problem(500, '00_500', 'Internal Server Error', String(error))),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen) => server.listen(options.port ?? 0, '127.0.0.1', resolveListen));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    books,
    inject: (fault) => faults.push({ fault, remaining: fault.kind === 'http_status' ? fault.count : 1 }),
    clearFaults: () => void faults.splice(0, faults.length),
    requests: () => [...recorded],
    close: () =>
      new Promise<void>((resolveClose) => {
        // Hung answers (record_then_hang) keep their sockets open: end them, or close never returns.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

function create(
  books: AdyenBooks,
  text: string,
  idempotencyKey: string | undefined,
  fault: StandInFault | undefined,
): Answer | 'hang' {
  if (idempotencyKey !== undefined && idempotencyKey.length > ADYEN_IDEMPOTENCY_KEY_CHARS_MAX)
    return errors.validation('Idempotency-Key is longer than 64 characters', 'Idempotency-Key', idempotencyKey);
  // Adyen answers a repeat with the first answer, whatever the repeat's body (the documented behaviour).
  const stored = idempotencyKey === undefined ? undefined : books.answerFor(idempotencyKey);
  if (stored !== undefined)
    return { status: stored.status, body: JSON.parse(stored.body), headers: { 'idempotency-key': idempotencyKey! } };
  const checked = validateTransferInfo(text);
  if (checked.kind === 'invalid') return checked.answer;
  if (fault?.kind === 'reject')
    return fault.attribution === 'recipient_details'
      ? errors.invalidCounterparty('counterparty.bankAccount.accountIdentification', accountText(checked.info))
      : errors.refusedByAdyen();
  const transfer = books.create(checked.info, idempotencyKey);
  const answer = { status: 202, body: JSON.stringify(transfer) };
  if (idempotencyKey !== undefined) books.remember(idempotencyKey, answer);
  if (fault?.kind === 'record_then_hang') return 'hang';
  return {
    status: 202,
    body: transfer,
    ...(idempotencyKey === undefined ? {} : { headers: { 'idempotency-key': idempotencyKey } }),
  };
}

function accountText(info: AdyenTransferInfo): string {
  const id = info.counterparty.bankAccount.accountIdentification;
  return id.type === 'iban' ? id.iban : id.accountNumber;
}

function list(books: AdyenBooks, url: URL, baseUrl: string): Answer {
  const q = url.searchParams;
  if (!q.get('balanceAccountId') && !q.get('accountHolderId') && !q.get('balancePlatform'))
    return errors.validation(
      'balanceAccountId, accountHolderId or balancePlatform is required',
      'balanceAccountId',
      '',
    );
  const since = Date.parse(q.get('createdSince') ?? '');
  const until = Date.parse(q.get('createdUntil') ?? '');
  if (Number.isNaN(since) || Number.isNaN(until))
    return errors.validation('createdSince and createdUntil are required', 'createdSince', q.get('createdSince') ?? '');
  const limit = Number(q.get('limit') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(limit) || limit < 1 || limit > ADYEN_LIST_PAGE_SIZE_MAX)
    return errors.validation('limit must be 1 to 100', 'limit', q.get('limit') ?? '');
  const matching = books.all().filter((transfer) => {
    const created = Date.parse(transfer.createdAt ?? '');
    return (
      created >= since &&
      created <= until &&
      (!q.get('balanceAccountId') || transfer.balanceAccount?.id === q.get('balanceAccountId')) &&
      (!q.get('reference') || transfer.reference === q.get('reference')) &&
      (!q.get('category') || transfer.category === q.get('category'))
    );
  });
  // The cursor is opaque to clients; here it is the offset, base64url-encoded.
  const offset = q.get('cursor') === null ? 0 : Number(Buffer.from(q.get('cursor')!, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return errors.validation('invalid cursor', 'cursor', q.get('cursor')!);
  const page = matching.slice(offset, offset + limit);
  const next = new URLSearchParams(q);
  next.set('cursor', Buffer.from(String(offset + limit)).toString('base64url'));
  const links = offset + limit < matching.length ? { next: { href: `${baseUrl}/transfers?${next.toString()}` } } : {};
  return { status: 200, body: { data: page, _links: links } };
}

function sendReport(books: AdyenBooks, url: URL, response: ServerResponse): void {
  const date = url.searchParams.get('date') ?? undefined;
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
    return send(response, errors.validation('date must be YYYY-MM-DD', 'date', date));
  const text = renderAccountingReport(accountingReportRowsOf(books.all(), date));
  response.writeHead(200, { 'content-type': 'text/csv', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  });
  response.end(text);
}
