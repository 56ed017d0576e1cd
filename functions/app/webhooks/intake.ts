import type { InboxStore } from '../../adapters/inbox-repository';
import type { WebhookSecretsSource } from '../../adapters/webhook-secrets';
import type { WebhookEnqueuer } from '../../adapters/webhook-queue';
import {
  ENQUEUE_FAILED_RETRY_AFTER_SECONDS,
  WEBHOOK_BODY_BYTES_MAX,
  WEBHOOK_BODY_DEPTH_MAX,
} from '../../http/http-limits';
import type { WebhookAccepted } from '../../http/webhook-schemas';
import { webhookEnvelope } from '../../domain/provider-events';
import {
  isWebhookProvider,
  verifyWebhookSignature,
  type SignatureFailure,
  type SigningCertificate,
  type WebhookProvider,
} from '../../domain/webhook-signatures';
import { ApiError } from '../../http/api-error';
import { bodyError } from '../../http/body';
import { parseStrictJsonBytes, type StrictJsonFailure } from '../../http/strict-json';
import { errorResponse, json, type HttpResult } from '../../http/response';

/**
 * POST /webhooks/{provider}: verify → persist → enqueue → 2xx (DESIGN §1, durable intake).
 * Order of precedence of refusals, cheapest first and nothing written for any of them:
 * unknown provider (404) → body too large (413, before we hash it) → signature (401) → the body,
 * read by the HTTP edge's strict JSON reader (http/strict-json.ts): not UTF-8 (400 body_not_utf8),
 * not JSON or nested too deep (400 invalid_json, body_too_deep), a key repeated in one object
 * (400 duplicate_json_key) → not an event envelope (400 invalid_json).
 *
 * A signed body with a duplicate key is refused, not stored: the provider's HMAC proves who sent
 * the bytes, not what they mean, and the inbox keeps the raw body for later readers (replay, the
 * DLQ view, an auditor's tool) that may take the *first* value where JSON.parse took the last.
 * The 400 is counted (`WebhookRejected`, reason duplicate_json_key) so an alarm sees a provider
 * that starts sending such bodies; the provider's retries get the same answer.
 */

export type RejectionReason =
  | 'unknown_provider'
  | 'body_too_large'
  | 'body_not_utf8'
  | 'body_too_deep'
  | 'duplicate_json_key'
  | 'invalid_json'
  | SignatureFailure;

export interface IntakeDeps {
  secrets: WebhookSecretsSource;
  inbox: InboxStore;
  queue: WebhookEnqueuer;
  /** The `WebhookRejected` metric with its `reason` dimension. */
  countRejection(reason: RejectionReason, provider: string): void;
  nowMs(): number;
  log?: (message: string, detail: Record<string, unknown>) => void;
  /**
   * PayPal's signing certificate for a delivery (allow-listed fetch, cached:
   * adapters/providers/paypal-certs.ts). Absent, every PayPal delivery is refused as untrusted.
   */
  paypalCertificates?: { forDelivery(headers: IntakeRequest['headers']): Promise<SigningCertificate | undefined> };
}

export interface IntakeRequest {
  provider: string | undefined;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Uint8Array;
  requestId: string;
}

/** The refusals intake writes nothing for, each with its one answer. */
const refusal = (status: number, type: ApiError['type'], code: string, message: string) =>
  new ApiError({ status, type, code, category: 'terminal', message });
const UNKNOWN_PROVIDER = () =>
  refusal(404, 'not_found_error', 'unknown_provider', 'no webhook endpoint for this provider');
const BODY_TOO_LARGE = () =>
  refusal(
    413,
    'invalid_request_error',
    'body_too_large',
    `webhook bodies are limited to ${WEBHOOK_BODY_BYTES_MAX} bytes`,
  );
// One message for every signature failure: a forger learns nothing about which check failed.
const SIGNATURE_INVALID = () =>
  refusal(401, 'authentication_error', 'signature_invalid', 'webhook signature could not be verified');
const NOT_AN_ENVELOPE = () =>
  refusal(400, 'invalid_request_error', 'invalid_json', 'webhook body must be a JSON object with an event id and type');

type Refused = { ok: false; reason: RejectionReason; error: ApiError };
type Admitted = {
  ok: true;
  provider: WebhookProvider;
  providerEventId: string;
  eventType: string;
  signatureTimestampSeconds: number;
  nowMs: number;
};

export async function intakeWebhook(deps: IntakeDeps, request: IntakeRequest): Promise<HttpResult> {
  const { provider, requestId } = request;
  const admitted = await admit(deps, request);
  if (!admitted.ok) {
    deps.countRejection(admitted.reason, isWebhookProvider(provider) ? provider : 'unknown');
    deps.log?.('webhook rejected', { reason: admitted.reason, provider, requestId });
    return errorResponse(admitted.error, requestId);
  }
  return persistAndEnqueue(deps, request, admitted);
}

/** Every check before anything is written, in the order of precedence above. */
async function admit(deps: IntakeDeps, request: IntakeRequest): Promise<Refused | Admitted> {
  const { provider } = request;
  if (!isWebhookProvider(provider)) return { ok: false, reason: 'unknown_provider', error: UNKNOWN_PROVIDER() };
  if (request.rawBody.byteLength > WEBHOOK_BODY_BYTES_MAX) {
    return { ok: false, reason: 'body_too_large', error: BODY_TOO_LARGE() };
  }
  const nowMs = deps.nowMs();
  const verified = verifyWebhookSignature(provider, {
    headers: request.headers,
    rawBody: request.rawBody,
    secrets: await deps.secrets.secretsFor(provider, nowMs),
    nowSeconds: Math.floor(nowMs / 1_000),
    ...(provider === 'paypal' ? await paypalCertificate(deps, request.headers) : {}),
  });
  if (!verified.ok) return { ok: false, reason: verified.reason, error: SIGNATURE_INVALID() };
  const parsed = parseStrictJsonBytes(request.rawBody, WEBHOOK_BODY_DEPTH_MAX);
  if (!parsed.ok) return { ok: false, ...bodyRefusal(parsed.failure) };
  const envelope = webhookEnvelope(provider, request.headers, parsed.value);
  if (!envelope.ok) return { ok: false, reason: 'invalid_json', error: NOT_AN_ENVELOPE() };
  const { providerEventId, eventType } = envelope.envelope;
  return {
    ok: true,
    provider,
    providerEventId,
    eventType,
    signatureTimestampSeconds: verified.timestampSeconds,
    nowMs,
  };
}

async function paypalCertificate(
  deps: IntakeDeps,
  headers: IntakeRequest['headers'],
): Promise<{ certificate?: SigningCertificate }> {
  const certificate = await deps.paypalCertificates?.forDelivery(headers);
  return certificate === undefined ? {} : { certificate };
}

/** Persist, then enqueue, then answer 2xx: the provider hears "received" only once both are durable. */
async function persistAndEnqueue(deps: IntakeDeps, request: IntakeRequest, admitted: Admitted): Promise<HttpResult> {
  const { provider, providerEventId, eventType, nowMs } = admitted;
  const { requestId } = request;
  const receivedAt = new Date(nowMs).toISOString();
  const received = await deps.inbox.receive({
    provider,
    providerEventId,
    eventType,
    receivedAt,
    signatureTimestampSeconds: admitted.signatureTimestampSeconds,
    rawBody: request.rawBody,
  });
  const accepted = (duplicate: boolean, status: number) =>
    json(status, { received: true, event_id: providerEventId, duplicate } satisfies WebhookAccepted, requestId);
  // Already on the queue: the provider's retry is answered, never enqueued twice.
  if (received.kind === 'duplicate' && received.event.state === 'enqueued') return accepted(true, 200);
  // New, or stored earlier but its enqueue failed: enqueue now.
  const event = received.event;
  try {
    await deps.queue.enqueue({
      provider,
      provider_event_id: providerEventId,
      event_type: event.eventType,
      received_at: event.receivedAt,
    });
  } catch (error) {
    deps.log?.('webhook stored but not enqueued; the provider retries and the sweeper enqueues it', {
      provider,
      providerEventId,
      requestId,
      error: String(error),
    });
    return errorResponse(enqueueFailed(error), requestId);
  }
  // If this write fails after a successful send, the sweeper enqueues once more: the processor's
  // dedup record makes that second message a no-op. The provider still gets its 2xx only below.
  await deps.inbox.markEnqueued(provider, providerEventId, receivedAt);
  return accepted(received.kind === 'duplicate', received.kind === 'duplicate' ? 200 : 202);
}

const enqueueFailed = (cause: unknown) =>
  new ApiError({
    status: 503,
    type: 'api_error',
    code: 'enqueue_failed',
    category: 'retryable',
    message: 'the event was stored but not queued; retry the delivery',
    headers: { 'retry-after': String(ENQUEUE_FAILED_RETRY_AFTER_SECONDS) },
    cause,
  });

/** The API's body errors (http/body.ts), except that a syntax error keeps intake's documented `invalid_json`. */
function bodyRefusal(failure: StrictJsonFailure): { reason: RejectionReason; error: ApiError } {
  if (failure.code === 'body_not_json') {
    const error = new ApiError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_json',
      category: 'terminal',
      message: 'webhook body is not valid JSON',
    });
    return { reason: 'invalid_json', error };
  }
  return { reason: failure.code, error: bodyError(failure) };
}
