import {
  digestsEqual,
  fail,
  hmacSha256,
  parseUnixSeconds,
  SIGNATURE_TOLERANCE_SECONDS,
  SIGNATURES_PER_HEADER_MAX,
  withinTolerance,
  type VerificationResult,
  type VerifyInput,
} from './verification';

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>,v1=<hex>,…` — HMAC-SHA256 over
 * `t.rawBody`, keyed with the whole endpoint secret string (`whsec_…`, not base64-decoded). Stripe
 * sends one v1 per active secret while a secret is being rolled. Stripe's own library only bounds
 * the past; we bound both sides, as Standard Webhooks does, so a forged future timestamp cannot
 * extend a captured delivery's life.
 */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
const HEX_SHA256_PATTERN = /^[0-9a-f]{64}$/;
const ENCODER = new TextEncoder();

export function signStripe(secret: string, timestampSeconds: number, rawBody: Uint8Array): string {
  return hmacSha256(secret, ENCODER.encode(`${timestampSeconds}.`), rawBody).toString('hex');
}

export function verifyStripeSignature(input: VerifyInput): VerificationResult {
  const header = input.headers[STRIPE_SIGNATURE_HEADER];
  if (!header) return fail('missing_header');
  let timestamp: string | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return fail('malformed_header');
    // Neither trimmed nor case-folded: Stripe's own library compares `t`, `v1` and the lower-case
    // hex exactly, so ` v1=…` or upper-case hex is no signature to it and none to us.
    const key = part.slice(0, separator);
    const value = part.slice(separator + 1);
    if (key === 't') {
      if (timestamp !== undefined) return fail('malformed_header');
      timestamp = value;
    } else if (key === 'v1') {
      // Malformed hex is skipped, not fatal: a future scheme may share the header.
      if (HEX_SHA256_PATTERN.test(value)) candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined) return fail('malformed_header');
  const timestampSeconds = parseUnixSeconds(timestamp);
  if (timestampSeconds === undefined || candidates.length === 0 || candidates.length > SIGNATURES_PER_HEADER_MAX)
    return fail('malformed_header');
  if (!withinTolerance(timestampSeconds, input.nowSeconds, input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return fail('timestamp_out_of_tolerance');
  if (input.secrets.length === 0) return fail('no_secret_configured');
  const signedPrefix = ENCODER.encode(`${timestamp}.`);
  for (const secret of input.secrets) {
    const expected = hmacSha256(secret, signedPrefix, input.rawBody);
    if (candidates.some((candidate) => digestsEqual(expected, candidate))) return { ok: true, timestampSeconds };
  }
  return fail('signature_mismatch');
}
