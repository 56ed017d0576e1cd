import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import {
  signStandardWebhook,
  verifyStandardWebhook,
  SIGNATURE_TOLERANCE_SECONDS,
} from '../../../../functions/domain/webhook-signatures';
import { decodeBase64Strict } from '../../../../functions/domain/webhook-signatures/standard-webhooks';

// DESIGN §7: the vector from the Standard Webhooks repository.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const bytes = (s: string) => new TextEncoder().encode(s);
const OTHER_SECRET = 'whsec_' + Buffer.from('another-secret-of-32-bytes-long!').toString('base64');

function verify(
  overrides: {
    id?: string;
    timestamp?: string;
    signature?: string;
    body?: string;
    secrets?: string[];
    now?: number;
  } = {},
) {
  return verifyStandardWebhook({
    headers: {
      'webhook-id': overrides.id ?? VECTOR.id,
      'webhook-timestamp': overrides.timestamp ?? String(VECTOR.timestamp),
      'webhook-signature': overrides.signature ?? VECTOR.signature,
    },
    rawBody: bytes(overrides.body ?? VECTOR.body),
    secrets: overrides.secrets ?? [VECTOR.secret],
    nowSeconds: overrides.now ?? VECTOR.timestamp,
  });
}

describe('Standard Webhooks verification', () => {
  it('accepts the DESIGN §7 test vector', () =>
    expect(verify()).toEqual({ ok: true, timestampSeconds: VECTOR.timestamp }));
  it('signs the DESIGN §7 test vector', () =>
    expect(signStandardWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, bytes(VECTOR.body))).toBe(VECTOR.signature));

  it.each([
    ['tampered id', { id: 'msg_p5jXN8AQM9LWM0D4loKWxJeX' }, 'signature_mismatch'],
    ['tampered timestamp (in tolerance)', { timestamp: String(VECTOR.timestamp + 1) }, 'signature_mismatch'],
    ['tampered body', { body: '{"test": 2432232315}' }, 'signature_mismatch'],
    ['body with added whitespace', { body: '{"test":  2432232314}' }, 'signature_mismatch'],
    ['tampered signature', { signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' }, 'signature_mismatch'],
    ['truncated signature', { signature: 'v1,g0hM9SsE+OTPJTGt' }, 'signature_mismatch'],
    ['wrong version', { signature: 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, 'malformed_header'],
    ['wrong secret', { secrets: [OTHER_SECRET] }, 'signature_mismatch'],
    ['no secret configured', { secrets: [] }, 'no_secret_configured'],
    ['missing id', { id: '' }, 'missing_header'],
    ['non-numeric timestamp', { timestamp: '1614265330.5' }, 'malformed_header'],
    ['timestamp 301 s old', { now: VECTOR.timestamp + SIGNATURE_TOLERANCE_SECONDS + 1 }, 'timestamp_out_of_tolerance'],
    [
      'timestamp 301 s ahead',
      { now: VECTOR.timestamp - SIGNATURE_TOLERANCE_SECONDS - 1 },
      'timestamp_out_of_tolerance',
    ],
  ] as const)('%s → rejected (%s)', (_name, overrides, reason) => {
    expect(verify(overrides as Parameters<typeof verify>[0])).toEqual({ ok: false, reason });
  });

  it('accepts exactly ±300 s', () => {
    expect(verify({ now: VECTOR.timestamp + SIGNATURE_TOLERANCE_SECONDS }).ok).toBe(true);
    expect(verify({ now: VECTOR.timestamp - SIGNATURE_TOLERANCE_SECONDS }).ok).toBe(true);
  });

  it('rotation: either of two secrets verifies, and a header with two signatures verifies with either secret', () => {
    expect(verify({ secrets: [OTHER_SECRET, VECTOR.secret] }).ok).toBe(true);
    const both = `${signStandardWebhook(OTHER_SECRET, VECTOR.id, VECTOR.timestamp, bytes(VECTOR.body))} ${VECTOR.signature}`;
    expect(verify({ signature: both, secrets: [OTHER_SECRET] }).ok).toBe(true);
    expect(verify({ signature: both, secrets: [VECTOR.secret] }).ok).toBe(true);
  });

  it('agrees with the standardwebhooks package (oracle) on signing', () => {
    const now = 1_764_000_000;
    for (let i = 0; i < 20; i++) {
      const secret = 'whsec_' + Buffer.from(`secret-${i}-`.padEnd(32, 'x')).toString('base64');
      const body = JSON.stringify({ type: 'payout.paid', data: { payout_id: `po_${i}`, n: i * 7919 } });
      const id = `msg_${i}`;
      const header = new Webhook(secret).sign(id, new Date(now * 1000), body);
      expect(
        verifyStandardWebhook({
          headers: { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': header },
          rawBody: bytes(body),
          secrets: [secret],
          nowSeconds: now,
        }).ok,
      ).toBe(true);
      // …and the oracle accepts what we sign.
      expect(() =>
        new Webhook(secret).verify(body, {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': signStandardWebhook(secret, id, Math.floor(Date.now() / 1000), bytes(body)),
        }),
      ).not.toThrow();
    }
  });
});

describe('Standard Webhooks: the signature is decoded as strictly as the reference library', () => {
  const base64 = VECTOR.signature.slice('v1,'.length);
  // Each variant decodes, with Node's lenient decoder, to the vector's very bytes.
  const VARIANTS: Array<[string, string]> = [
    ['trailing = dropped', base64.replace(/=$/, '')],
    ['extra padding', `${base64}=`],
    ['URL-safe alphabet', base64.replace(/\+/g, '-').replace(/\//g, '_')],
    ['non-zero trailing bits (E= written F=)', base64.replace(/E=$/, 'F=')],
    ['a space inside', `${base64.slice(0, 10)} ${base64.slice(10)}`],
    ['a newline at the end', `${base64}\n`],
  ];

  const oracleAccepts = (signature: string): boolean => {
    vi.useFakeTimers({ now: VECTOR.timestamp * 1_000 });
    try {
      new Webhook(VECTOR.secret).verify(VECTOR.body, {
        'webhook-id': VECTOR.id,
        'webhook-timestamp': String(VECTOR.timestamp),
        'webhook-signature': signature,
      });
      return true;
    } catch {
      return false;
    } finally {
      vi.useRealTimers();
    }
  };

  it('the DESIGN §7 vector: the oracle and we both accept it', () => {
    expect(oracleAccepts(VECTOR.signature)).toBe(true);
    expect(verify().ok).toBe(true);
  });

  it.each(VARIANTS)('%s: the oracle refuses it, and so do we', (_name, variant) => {
    expect(Buffer.from(variant, 'base64').equals(Buffer.from(base64, 'base64'))).toBe(true);
    expect(oracleAccepts(`v1,${variant}`)).toBe(false);
    expect(verify({ signature: `v1,${variant}` })).toEqual({ ok: false, reason: 'malformed_header' });
  });

  it('a lenient variant beside the canonical signature does not hide it (rotation still works)', () => {
    const [, variant] = VARIANTS[0]!;
    expect(oracleAccepts(`v1,${variant} ${VECTOR.signature}`)).toBe(true);
    expect(verify({ signature: `v1,${variant} ${VECTOR.signature}` }).ok).toBe(true);
  });

  it('decodeBase64Strict accepts canonical base64 only', () => {
    expect(decodeBase64Strict(base64)?.length).toBe(32);
    for (const [, variant] of VARIANTS) expect(decodeBase64Strict(variant)).toBeUndefined();
    expect(decodeBase64Strict('')).toBeUndefined();
  });
});
