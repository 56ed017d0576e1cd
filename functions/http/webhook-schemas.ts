import * as z from 'zod';
import { PROVIDER_EVENT_ID_CHARS_MAX } from '../domain/provider-events';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  STANDARD_WEBHOOKS_HEADERS,
  STRIPE_SIGNATURE_HEADER,
  WEBHOOK_PROVIDERS,
} from '../domain/webhook-signatures';
import { WEBHOOK_BODY_BYTES_MAX } from './http-limits';

/**
 * POST /webhooks/{provider} (docs/ops-api.md, "Webhook intake"). The body is the provider's own
 * event, verified on its raw bytes before it is parsed, so it is described, not restricted:
 * each provider adds fields of its own. The answer types the handler's 2xx body.
 */
export const webhookProviderSchema = z
  .enum(WEBHOOK_PROVIDERS)
  .describe('Any other provider answers 404 unknown_provider');

export const webhookEventBodySchema = z
  .looseObject({ type: z.string().describe('The provider event type (sandbox: payout.<state>)') })
  .describe(
    `The provider's event as it signed it, at most ${WEBHOOK_BODY_BYTES_MAX} bytes (413 body_too_large). ` +
      `stripe: the body's \`id\` is the event id (evt_…, 1 to ${PROVIDER_EVENT_ID_CHARS_MAX} printable ASCII); ` +
      `sandbox: the webhook-id header is (same rule). ` +
      `The signature is checked first (401 signature_invalid, timestamps within ±${SIGNATURE_TOLERANCE_SECONDS} s); ` +
      'a verified body that is not a JSON object with an event id and type answers 400 invalid_json.',
  );

export const webhookAcceptedSchema = z.object({
  received: z.literal(true),
  event_id: z.string().describe('The provider event id (sandbox: the webhook-id header; stripe: the body id)'),
  duplicate: z.boolean().describe('true: already enqueued earlier, not enqueued again'),
});
export type WebhookAccepted = z.infer<typeof webhookAcceptedSchema>;

/** Header parameters of the intake; which ones a delivery needs depends on the provider. */
export const WEBHOOK_SIGNATURE_HEADERS = [
  {
    name: STANDARD_WEBHOOKS_HEADERS.id,
    description: 'sandbox (Standard Webhooks): the event id; a redelivery reuses it',
  },
  {
    name: STANDARD_WEBHOOKS_HEADERS.timestamp,
    description: 'sandbox (Standard Webhooks): unix seconds of the signature',
  },
  {
    name: STANDARD_WEBHOOKS_HEADERS.signature,
    description: 'sandbox (Standard Webhooks): space-separated `v1,<base64>` HMAC-SHA256 signatures',
  },
  { name: STRIPE_SIGNATURE_HEADER, description: 'stripe: `t=<unix seconds>,v1=<hex>[,v1=…]`' },
] as const;
