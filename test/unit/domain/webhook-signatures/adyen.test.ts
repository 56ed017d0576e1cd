import HmacValidator from '@adyen/api-library/lib/src/utils/hmacValidator';
import { describe, expect, it } from 'vitest';
import {
  ADYEN_WEBHOOK_AGE_SECONDS_MAX,
  ADYEN_WEBHOOK_SKEW_SECONDS_MAX,
  signAdyen,
  verifyAdyenSignature,
} from '../../../../functions/domain/webhook-signatures/adyen';
import { verifyWebhookSignature } from '../../../../functions/domain/webhook-signatures';
import { PROVIDER_WEBHOOK_RETRY_WINDOWS } from '../../../../functions/shared/provider-retry-windows';
import {
  ADYEN_VECTOR_BODY,
  ADYEN_VECTOR_KEY,
  ADYEN_VECTOR_SIGNATURE,
  ADYEN_VECTOR_TIMESTAMP_SECONDS,
} from '../../../conformance/fixtures/adyen/vectors';

const bytes = (s: string) => new TextEncoder().encode(s);
const NEXT_KEY = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';
const T = ADYEN_VECTOR_TIMESTAMP_SECONDS;
const verify = (
  signature: string | undefined,
  opts: { body?: string; secrets?: readonly string[]; now?: number } = {},
) =>
  verifyAdyenSignature({
    headers: { hmacsignature: signature },
    rawBody: bytes(opts.body ?? ADYEN_VECTOR_BODY),
    secrets: opts.secrets ?? [ADYEN_VECTOR_KEY],
    nowSeconds: opts.now ?? T + 10,
  });
const bodyAt = (timestamp: string) => JSON.stringify({ ...JSON.parse(ADYEN_VECTOR_BODY), timestamp });

describe('adyen HmacSignature', () => {
  it('the derived vector is what the official library accepts, and what we sign', () => {
    expect(new HmacValidator().validateHMACSignature(ADYEN_VECTOR_KEY, ADYEN_VECTOR_SIGNATURE, ADYEN_VECTOR_BODY)).toBe(
      true,
    );
    expect(signAdyen(ADYEN_VECTOR_KEY, bytes(ADYEN_VECTOR_BODY))).toBe(ADYEN_VECTOR_SIGNATURE);
    expect(signAdyen(ADYEN_VECTOR_KEY.toLowerCase(), bytes(ADYEN_VECTOR_BODY))).toBe(ADYEN_VECTOR_SIGNATURE);
  });

  it('accepts the vector and dates it by the signed body timestamp', () =>
    expect(verify(ADYEN_VECTOR_SIGNATURE)).toEqual({ ok: true, timestampSeconds: T }));

  it('the provider switch routes adyen to this scheme', () =>
    expect(
      verifyWebhookSignature('adyen', {
        headers: { hmacsignature: ADYEN_VECTOR_SIGNATURE },
        rawBody: bytes(ADYEN_VECTOR_BODY),
        secrets: [ADYEN_VECTOR_KEY],
        nowSeconds: T,
      }),
    ).toEqual({ ok: true, timestampSeconds: T }));

  it('accepts a delivery signed with the previous key while a new one propagates', () =>
    expect(verify(ADYEN_VECTOR_SIGNATURE, { secrets: [NEXT_KEY, ADYEN_VECTOR_KEY] }).ok).toBe(true));

  it('the past bound is Adyen’s redelivery horizon (shared/provider-retry-windows.ts)', () =>
    expect(ADYEN_WEBHOOK_AGE_SECONDS_MAX).toBe(
      PROVIDER_WEBHOOK_RETRY_WINDOWS.find((w) => w.provider === 'adyen')?.retries_for_seconds,
    ));

  // Every refusal, in the order the checks run.
  const stale = T + ADYEN_WEBHOOK_AGE_SECONDS_MAX + 1;
  const early = T - ADYEN_WEBHOOK_SKEW_SECONDS_MAX - 1;
  const signedWithoutTime = JSON.stringify({ ...JSON.parse(ADYEN_VECTOR_BODY), timestamp: undefined });
  it.each([
    ['no header', undefined, {}, 'missing_header'],
    ['an empty header', '', {}, 'missing_header'],
    ['not base64', 'not a signature!', {}, 'malformed_header'],
    ['base64 of the wrong length', Buffer.from('short').toString('base64'), {}, 'malformed_header'],
    ['non-canonical base64 (URL-safe alphabet)', ADYEN_VECTOR_SIGNATURE.replace(/\+/g, '-'), {}, 'malformed_header'],
    ['no key configured', ADYEN_VECTOR_SIGNATURE, { secrets: [] }, 'no_secret_configured'],
    ['a wrong key', ADYEN_VECTOR_SIGNATURE, { secrets: [NEXT_KEY] }, 'signature_mismatch'],
    ['a key that is not hex', ADYEN_VECTOR_SIGNATURE, { secrets: ['whsec_not_hex'] }, 'signature_mismatch'],
    [
      'a tampered body',
      ADYEN_VECTOR_SIGNATURE,
      { body: ADYEN_VECTOR_BODY.replace('10000', '10001') },
      'signature_mismatch',
    ],
    ['a stale delivery (30 days + 1 s)', ADYEN_VECTOR_SIGNATURE, { now: stale }, 'timestamp_out_of_tolerance'],
    ['a delivery from the future (300 s + 1 s)', ADYEN_VECTOR_SIGNATURE, { now: early }, 'timestamp_out_of_tolerance'],
  ] as const)('refuses %s', (_name, signature, opts, reason) =>
    expect(verify(signature, opts)).toEqual({ ok: false, reason }),
  );

  it('refuses a signed body without a timestamp, or with one it cannot read', () => {
    for (const body of [signedWithoutTime, bodyAt('yesterday'), '[1,2]', 'not json']) {
      const signature = signAdyen(ADYEN_VECTOR_KEY, bytes(body));
      expect(verify(signature, { body })).toEqual({ ok: false, reason: 'malformed_header' });
    }
  });

  it('keeps both bounds inclusive at the edge', () => {
    expect(verify(ADYEN_VECTOR_SIGNATURE, { now: T + ADYEN_WEBHOOK_AGE_SECONDS_MAX }).ok).toBe(true);
    expect(verify(ADYEN_VECTOR_SIGNATURE, { now: T - ADYEN_WEBHOOK_SKEW_SECONDS_MAX }).ok).toBe(true);
  });
});
