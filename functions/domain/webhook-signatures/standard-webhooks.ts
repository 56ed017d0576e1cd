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
 * Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp`, and
 * `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, keyed
 * with the base64 part of a `whsec_` secret. Several signatures and several secrets let a sender
 * and a receiver rotate keys without a window where deliveries fail.
 */
export const STANDARD_WEBHOOKS_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;
const SECRET_PREFIX = 'whsec_';
const VERSION_PREFIX = 'v1,';
const ENCODER = new TextEncoder();

export function standardWebhooksKey(secret: string): Buffer {
  const base64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(base64, 'base64');
}

/**
 * The signature as the spec and its reference library (`standardwebhooks`, which compares the
 * header's text with its own padded standard-alphabet encoding) accept it: canonical base64 only.
 * Node's decoder is lenient — it takes the URL-safe alphabet, a missing or extra `=`, whitespace
 * and non-zero trailing bits — so a value is accepted only if re-encoding its bytes gives back the
 * same text. A non-canonical value is skipped like an unknown version (another valid signature in
 * the header may still match); with none left the header is malformed.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, rawBody: Uint8Array): string {
  return (
    VERSION_PREFIX +
    hmacSha256(standardWebhooksKey(secret), ENCODER.encode(`${id}.${timestampSeconds}.`), rawBody).toString('base64')
  );
}

export function verifyStandardWebhook(input: VerifyInput): VerificationResult {
  const id = input.headers[STANDARD_WEBHOOKS_HEADERS.id];
  const timestamp = input.headers[STANDARD_WEBHOOKS_HEADERS.timestamp];
  const signatureHeader = input.headers[STANDARD_WEBHOOKS_HEADERS.signature];
  if (!id || !timestamp || !signatureHeader) return fail('missing_header');
  const timestampSeconds = parseUnixSeconds(timestamp);
  if (timestampSeconds === undefined) return fail('malformed_header');
  const candidates = signatureHeader
    .split(' ')
    .filter((s) => s.startsWith(VERSION_PREFIX))
    .map((s) => decodeBase64Strict(s.slice(VERSION_PREFIX.length)))
    .filter((candidate): candidate is Buffer => candidate !== undefined);
  if (candidates.length === 0 || candidates.length > SIGNATURES_PER_HEADER_MAX) return fail('malformed_header');
  if (!withinTolerance(timestampSeconds, input.nowSeconds, input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return fail('timestamp_out_of_tolerance');
  if (input.secrets.length === 0) return fail('no_secret_configured');
  const signedPrefix = ENCODER.encode(`${id}.${timestamp}.`);
  for (const secret of input.secrets) {
    const expected = hmacSha256(standardWebhooksKey(secret), signedPrefix, input.rawBody);
    // Compare against every candidate without stopping early on the first secret's result.
    if (candidates.some((candidate) => digestsEqual(expected, candidate))) return { ok: true, timestampSeconds };
  }
  return fail('signature_mismatch');
}
