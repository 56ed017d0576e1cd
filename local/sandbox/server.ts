// The sandbox provider's HTTP surface (node:http, no framework). Routes:
//   POST /v1/payouts                 Idempotency-Key required (our payout id)
//   GET  /v1/payouts/{reference}
//   POST /v1/payouts/{reference}/cancel    stops it while accepted or in transit (409 once it paid)
//   POST /v1/payouts/{reference}/return    Idempotency-Key required; a paid payout is returned a step later
//   GET  /v1/payouts?payout_id=…     every payout held for one of our payout ids (drills count them)
//   GET  /v1/payouts?limit=&starting_after=   one page, oldest first; has_more says whether another follows
//   POST /v1/test/advance            { seconds } moves the sandbox clock and applies due states
//   GET  /v1/test/triggers           the trigger table
//   POST /v1/test/settlement         { stalled } a staged outage: no payout moves on while stalled
//   GET  /healthz
// plus whatever routes the plugins add.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  type SandboxList,
  type SandboxPayout,
} from '../../functions/adapters/providers/sandbox-api.js';
import { BodyTooLargeError, readBody, sendError, sendJson } from './http.js';
import type { SandboxRoute } from './plugin-types.js';
import type { SandboxStore } from './store.js';
import { SANDBOX_TRIGGERS, SANDBOX_US_ROUTING_NUMBER } from './triggers.js';
import { validateCreatePayout, validIdempotencyKey } from './validate.js';

/** Largest page of GET /v1/payouts. */
export const LIST_LIMIT_MAX = 1000;
/** Largest single clock advance, to catch a test passing milliseconds where seconds are meant. */
export const ADVANCE_SECONDS_MAX = 30 * 24 * 3600;

export interface SandboxServerOptions {
  store: SandboxStore;
  /** How long the `timeout_on_submit` trigger holds its first answer. */
  submitHangMs: number;
  extraRoutes: readonly SandboxRoute[];
  /** Hung responses in flight, so stop() can end them instead of waiting. */
  hung: Set<NodeJS.Timeout>;
}

export function requestHandler(options: SandboxServerOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    route(options, request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError)
        return sendError(response, 413, 'invalid_request_error', 'body_too_large', error.message);
      console.error('sandbox: request failed', error);
      sendError(response, 500, 'api_error', 'internal_error', 'The sandbox failed to process the request.');
    });
  };
}

async function route(options: SandboxServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { store } = options;
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
  const method = request.method ?? 'GET';
  const path = url.pathname;

  if (method === 'POST' && path === '/v1/payouts') return createPayout(options, request, response);
  if (method === 'GET' && path === '/v1/payouts') {
    const payoutId = url.searchParams.get('payout_id') ?? undefined;
    const requested = Math.trunc(Number(url.searchParams.get('limit') ?? LIST_LIMIT_MAX));
    const limit = Number.isFinite(requested) && requested >= 1 ? Math.min(requested, LIST_LIMIT_MAX) : LIST_LIMIT_MAX;
    const all = store.listPayouts(payoutId === undefined ? {} : { payoutId });
    // Stripe's cursor: the page after the payout with this id (oldest first); an unknown id is a 400, not page one.
    const startingAfter = url.searchParams.get('starting_after');
    const cursor = startingAfter === null ? -1 : all.findIndex((payout) => payout.id === startingAfter);
    if (startingAfter !== null && cursor === -1)
      return sendError(
        response,
        400,
        'invalid_request_error',
        'parameter_invalid',
        `starting_after ${startingAfter} is not a payout in this list`,
        'starting_after',
      );
    const rest = all.slice(cursor + 1);
    const list: SandboxList<SandboxPayout> = {
      object: 'list',
      data: rest.slice(0, limit),
      has_more: rest.length > limit,
    };
    return sendJson(response, 200, list);
  }
  const action = /^\/v1\/payouts\/([^/]+)\/(cancel|return)$/.exec(path);
  if (method === 'POST' && action) {
    const reference = decodeURIComponent(action[1]!);
    return action[2] === 'cancel'
      ? cancelPayout(store, reference, response)
      : returnPayout(store, reference, request, response);
  }
  const single = /^\/v1\/payouts\/([^/]+)$/.exec(path);
  if (method === 'GET' && single) {
    const payout = store.getPayout(decodeURIComponent(single[1]!));
    return payout
      ? sendJson(response, 200, payout)
      : sendError(response, 404, 'not_found', 'resource_missing', `No such payout: ${single[1]}`);
  }
  if (method === 'POST' && path === '/v1/test/advance') {
    const parsed = parseJson(await readBody(request)) as { seconds?: unknown } | undefined;
    const seconds = parsed?.seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > ADVANCE_SECONDS_MAX) {
      return sendError(
        response,
        400,
        'invalid_request_error',
        'parameter_invalid',
        `seconds must be a number between 0 and ${ADVANCE_SECONDS_MAX}`,
        'seconds',
      );
    }
    const changed = store.advance(seconds);
    return sendJson(response, 200, { now: new Date(store.nowMs()).toISOString(), changed });
  }
  if (method === 'POST' && path === '/v1/test/settlement') {
    const parsed = parseJson(await readBody(request)) as { stalled?: unknown } | undefined;
    if (typeof parsed?.stalled !== 'boolean')
      return sendError(
        response,
        400,
        'invalid_request_error',
        'parameter_invalid',
        'stalled must be a boolean',
        'stalled',
      );
    store.setStalled(parsed.stalled);
    return sendJson(response, 200, { stalled: store.isStalled(), now: new Date(store.nowMs()).toISOString() });
  }
  if (method === 'GET' && path === '/v1/test/triggers')
    return sendJson(response, 200, { us_routing_number: SANDBOX_US_ROUTING_NUMBER, triggers: SANDBOX_TRIGGERS });
  if (method === 'GET' && path === '/healthz')
    return sendJson(response, 200, { ok: true, now: new Date(store.nowMs()).toISOString() });

  for (const extra of options.extraRoutes) {
    const match = method === extra.method ? extra.path.exec(path) : null;
    if (match) return extra.handle(request, response, match, url);
  }
  sendError(response, 404, 'not_found', 'route_missing', `No route for ${method} ${path}`);
}

/** The request's Idempotency-Key when it is valid (1-255 printable ASCII characters), else undefined. */
function idempotencyKeyOf(request: IncomingMessage): string | undefined {
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  const key = Array.isArray(header) ? header[0] : header;
  return validIdempotencyKey(key) ? key : undefined;
}

function refuseMissingIdempotencyKey(response: ServerResponse): void {
  sendError(
    response,
    400,
    'invalid_request_error',
    'idempotency_key_missing',
    'Idempotency-Key header (1-255 printable ASCII characters) is required',
    'Idempotency-Key',
  );
}

async function createPayout(
  options: SandboxServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const key = idempotencyKeyOf(request);
  const raw = await readBody(request);
  if (key === undefined) return refuseMissingIdempotencyKey(response);
  const parsed = parseJson(raw);
  if (parsed === undefined)
    return sendError(response, 400, 'invalid_request_error', 'body_invalid_json', 'body must be JSON');
  const validation = validateCreatePayout(parsed);
  if (!validation.ok)
    return sendError(response, 400, 'invalid_request_error', 'parameter_invalid', validation.message, validation.param);

  const outcome = options.store.submit(key, validation.body);
  const replayHeader: Record<string, string> = outcome.replayed ? { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } : {};
  if (outcome.kind === 'error') return sendJson(response, outcome.httpStatus, outcome.body, replayHeader);
  if (outcome.httpStatus === 500)
    return sendError(
      response,
      500,
      'api_error',
      'internal_error',
      'The sandbox recorded the payout but failed before answering (test trigger).',
    );
  if (!outcome.holdFirstAnswer) return sendJson(response, 200, outcome.payout, replayHeader);
  // The dangerous case: the payout exists, but the caller will give up before it hears so.
  await new Promise<void>((resolveHold) => {
    const timer = setTimeout(() => {
      options.hung.delete(timer);
      resolveHold();
    }, options.submitHangMs);
    options.hung.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      options.hung.delete(timer);
      resolveHold();
    });
  });
  sendJson(response, 200, outcome.payout);
}

function cancelPayout(store: SandboxStore, reference: string, response: ServerResponse): void {
  const outcome = store.cancel(reference);
  switch (outcome.kind) {
    case 'not_found':
      return sendError(response, 404, 'not_found', 'resource_missing', `No such payout: ${reference}`);
    case 'refused':
      return sendJson(response, 409, {
        error: {
          type: 'invalid_request_error',
          code: 'payout_not_cancelable',
          message: `The payout is ${outcome.payout.status} and can no longer be canceled.`,
          payout_status: outcome.payout.status,
        },
      });
    case 'canceled':
      return sendJson(response, 200, outcome.payout);
  }
}

async function returnPayout(
  store: SandboxStore,
  reference: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const key = idempotencyKeyOf(request);
  const raw = await readBody(request);
  if (key === undefined) return refuseMissingIdempotencyKey(response);
  const body = parseJson(raw) as { amount?: unknown } | undefined;
  const held = store.getPayout(reference);
  // Full returns only: an amount, when sent, must be the payout's.
  if (held !== undefined && body?.amount !== undefined && body.amount !== held.amount) {
    return sendError(
      response,
      400,
      'invalid_request_error',
      'parameter_invalid',
      `amount must be the payout's amount ${held.amount}`,
      'amount',
    );
  }
  const outcome = store.requestReturn(reference, key);
  switch (outcome.kind) {
    case 'not_found':
      return sendError(response, 404, 'not_found', 'resource_missing', `No such payout: ${reference}`);
    case 'refused':
      return sendJson(response, 409, {
        error: {
          type: 'invalid_request_error',
          code: outcome.code,
          message:
            outcome.code === 'payout_not_returnable'
              ? `The payout is ${outcome.payout.status}; only a paid payout can be returned.`
              : 'A return with another key was already requested for this payout.',
          payout_status: outcome.payout.status,
        },
      });
    case 'accepted':
      return sendJson(response, 200, outcome.payout, outcome.replayed ? { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } : {});
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
