import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What every signature scheme shares: the outcome type, the clock tolerance and the one
 * constant-time comparison. Schemes are pure: the raw bytes, the secrets and the time come in.
 */

/** Both schemes' published replay window (Standard Webhooks and Stripe use 5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** A header list longer than this is not a rotation, it is an attempt to make us hash a lot. */
export const SIGNATURES_PER_HEADER_MAX = 10;
/** Secrets active at once per provider: the current one and the one being rotated out, with room for an overlap. */
export const SECRETS_PER_PROVIDER_MAX = 5;

/** Why a delivery was refused; each reason is a metric dimension value. */
export type SignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_out_of_tolerance'
  | 'signature_mismatch'
  | 'no_secret_configured'
  /** PayPal: the signing certificate could not be fetched, is not on the allow-list, or does not chain to a trusted root. */
  | 'certificate_untrusted';

export type VerificationResult =
  { readonly ok: true; readonly timestampSeconds: number } | { readonly ok: false; readonly reason: SignatureFailure };

export interface VerifyInput {
  /** Header names in lower case (HTTP API v2 lowercases them). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: re-serialized JSON would not match the provider's HMAC. */
  readonly rawBody: Uint8Array;
  readonly secrets: readonly string[];
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
  /** PayPal only: the signing certificate the delivery names, fetched (allow-listed, cached) by the caller. */
  readonly certificate?: SigningCertificate;
}

/** A certificate chain as the caller fetched it, and the roots it must lead to. */
export interface SigningCertificate {
  /** The URL it came from: must be the one the delivery names. */
  readonly url: string;
  /** Leaf first, then intermediates, as PEM blocks. */
  readonly chainPem: string;
  readonly trustedRootsPem: readonly string[];
  /** DNS names the leaf must carry (PayPal: messageverificationcerts.paypal.com). */
  readonly leafNames: readonly string[];
}

export const fail = (reason: SignatureFailure): VerificationResult => ({ ok: false, reason });

const UNIX_SECONDS_PATTERN = /^\d{1,12}$/;

export function parseUnixSeconds(value: string): number | undefined {
  return UNIX_SECONDS_PATTERN.test(value) ? Number(value) : undefined;
}

/** Inside the window on both sides, boundary included (matching the reference libraries). */
export function withinTolerance(timestampSeconds: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - timestampSeconds) <= toleranceSeconds;
}

export function hmacSha256(key: Uint8Array | string, ...parts: Uint8Array[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Constant time in the content; a length difference is not a secret (the digest length is public). */
export function digestsEqual(expected: Buffer, candidate: Buffer): boolean {
  return expected.length === candidate.length && timingSafeEqual(expected, candidate);
}
