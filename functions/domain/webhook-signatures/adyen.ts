import { decodeBase64Strict } from './standard-webhooks';
import {
  digestsEqual,
  fail,
  hmacSha256,
  SIGNATURE_TOLERANCE_SECONDS,
  type VerificationResult,
  type VerifyInput,
} from './verification';

/**
 * Adyen Balance Platform webhooks (balancePlatform.transfer.*): the `HmacSignature` header is the base64
 * HMAC-SHA256 of the raw body, keyed with the endpoint's HMAC key decoded from hex.
 * Source: https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
 * (last modified 2026-05-23, read 2026-12-01), and the scheme as the official library computes it
 * (@adyen/api-library 32.1.0, HmacValidator.validateHMACSignature). Several keys are tried, because Adyen
 * keeps signing with the previous key for a while after a new one is saved (same page).
 *
 * The replay bound: Adyen puts no time in a header; the body's `timestamp` ("when the event was queued",
 * BalancePlatformTransferNotification-v4.json) is signed with it, so it is read only after the HMAC holds.
 * A queued event keeps its time through Adyen's redeliveries, which run for up to 30 days
 * (functions/shared/provider-retry-windows.ts), so the past bound is that horizon: shorter would refuse
 * Adyen's own retries after an outage. A captured delivery replayed inside it is applied once (the inbox
 * dedups on the event id) and never moves a payout backwards. The future bound is the usual 300 s of skew.
 */
export const ADYEN_SIGNATURE_HEADER = 'hmacsignature';
/** How old a signed delivery may be: Adyen's documented redelivery horizon, 30 days. */
export const ADYEN_WEBHOOK_AGE_SECONDS_MAX = 30 * 86_400;
/** How far ahead of our clock a delivery's timestamp may be. */
export const ADYEN_WEBHOOK_SKEW_SECONDS_MAX = SIGNATURE_TOLERANCE_SECONDS;
const HEX_KEY_PATTERN = /^(?:[0-9A-Fa-f]{2})+$/;
const SHA256_BYTES = 32;

/** Base64 HMAC-SHA256 of the body with the hex key, as Adyen sends it. */
export function signAdyen(hexKey: string, rawBody: Uint8Array): string {
  if (!HEX_KEY_PATTERN.test(hexKey)) throw new Error('an Adyen HMAC key is hex');
  return hmacSha256(Buffer.from(hexKey, 'hex'), rawBody).toString('base64');
}

export function verifyAdyenSignature(input: VerifyInput): VerificationResult {
  const header = input.headers[ADYEN_SIGNATURE_HEADER];
  if (!header) return fail('missing_header');
  const candidate = decodeBase64Strict(header);
  if (candidate === undefined || candidate.length !== SHA256_BYTES) return fail('malformed_header');
  if (input.secrets.length === 0) return fail('no_secret_configured');
  let matched = false;
  for (const secret of input.secrets) {
    // A key that is not hex is a configuration slip: it matches nothing, the next key is still tried.
    if (!HEX_KEY_PATTERN.test(secret)) continue;
    if (digestsEqual(hmacSha256(Buffer.from(secret, 'hex'), input.rawBody), candidate)) matched = true;
  }
  if (!matched) return fail('signature_mismatch');
  const timestampSeconds = signedTimestampSeconds(input.rawBody);
  // Signed, but with no time we can bound: a delivery we cannot date is not accepted.
  if (timestampSeconds === undefined) return fail('malformed_header');
  const ageSeconds = input.nowSeconds - timestampSeconds;
  const ageMax = input.toleranceSeconds ?? ADYEN_WEBHOOK_AGE_SECONDS_MAX;
  if (ageSeconds > ageMax || -ageSeconds > Math.min(ageMax, ADYEN_WEBHOOK_SKEW_SECONDS_MAX))
    return fail('timestamp_out_of_tolerance');
  return { ok: true, timestampSeconds };
}

/** The body's `timestamp` in whole seconds (ISO 8601 with an offset, as Adyen writes it). */
export function signedTimestampSeconds(rawBody: Uint8Array): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody).toString('utf8'));
  } catch {
    return undefined;
  }
  const timestamp = (body as { timestamp?: unknown } | null)?.timestamp;
  if (typeof timestamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(timestamp)) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1_000);
}
