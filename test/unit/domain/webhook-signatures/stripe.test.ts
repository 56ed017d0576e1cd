import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signStripe,
  verifyStripeSignature,
} from '../../../../functions/domain/webhook-signatures';

// Oracle: the official stripe package signs; we verify. No network: the key is never used.
const stripe = new Stripe('sk_test_oracle_only');
const SECRET = 'whsec_test_primary_0123456789abcdef';
const NEXT_SECRET = 'whsec_test_next_fedcba9876543210';
const T = 1_764_000_000;
const BODY = JSON.stringify(
  {
    id: 'evt_1',
    type: 'payout.paid',
    data: { object: { id: 'po_1', status: 'paid', metadata: { payout_id: 'pay_1' } } },
  },
  null,
  2,
);
const bytes = (s: string) => new TextEncoder().encode(s);

const header = (secret = SECRET, timestamp = T, payload = BODY) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const verify = (h: string | undefined, opts: { body?: string; secrets?: string[]; now?: number } = {}) =>
  verifyStripeSignature({
    headers: { 'stripe-signature': h },
    rawBody: bytes(opts.body ?? BODY),
    secrets: opts.secrets ?? [SECRET],
    nowSeconds: opts.now ?? T,
  });

describe('Stripe signature verification', () => {
  it('accepts a header from stripe.webhooks.generateTestHeaderString', () =>
    expect(verify(header())).toEqual({ ok: true, timestampSeconds: T }));
  it('signs exactly as stripe does', () => expect(header()).toBe(`t=${T},v1=${signStripe(SECRET, T, bytes(BODY))}`));

  it.each([
    ['tampered body', () => verify(header(), { body: BODY.replace('paid', 'fail') }), 'signature_mismatch'],
    ['tampered timestamp', () => verify(header().replace(`t=${T}`, `t=${T + 1}`)), 'signature_mismatch'],
    [
      'tampered signature',
      () => verify(header().slice(0, -1) + (header().endsWith('0') ? '1' : '0')),
      'signature_mismatch',
    ],
    ['wrong secret', () => verify(header(), { secrets: [NEXT_SECRET] }), 'signature_mismatch'],
    ['no secret configured', () => verify(header(), { secrets: [] }), 'no_secret_configured'],
    ['missing header', () => verify(undefined), 'missing_header'],
    ['no timestamp', () => verify(`v1=${signStripe(SECRET, T, bytes(BODY))}`), 'malformed_header'],
    ['no v1', () => verify(`t=${T},v0=abc`), 'malformed_header'],
    ['two timestamps', () => verify(`t=${T},t=${T},v1=${signStripe(SECRET, T, bytes(BODY))}`), 'malformed_header'],
    ['301 s old', () => verify(header(), { now: T + SIGNATURE_TOLERANCE_SECONDS + 1 }), 'timestamp_out_of_tolerance'],
    ['301 s ahead', () => verify(header(), { now: T - SIGNATURE_TOLERANCE_SECONDS - 1 }), 'timestamp_out_of_tolerance'],
  ] as const)('%s → rejected', (_name, run, reason) => expect(run()).toEqual({ ok: false, reason }));

  it('accepts exactly ±300 s', () => {
    expect(verify(header(), { now: T + SIGNATURE_TOLERANCE_SECONDS }).ok).toBe(true);
    expect(verify(header(), { now: T - SIGNATURE_TOLERANCE_SECONDS }).ok).toBe(true);
  });

  it('rotation: several v1 values and several secrets', () => {
    const rolled = `t=${T},v1=${signStripe(NEXT_SECRET, T, bytes(BODY))},v1=${signStripe(SECRET, T, bytes(BODY))}`;
    expect(verify(rolled, { secrets: [SECRET] }).ok).toBe(true);
    expect(verify(rolled, { secrets: [NEXT_SECRET] }).ok).toBe(true);
    expect(verify(header(), { secrets: [NEXT_SECRET, SECRET] }).ok).toBe(true);
  });

  it('our verification agrees with stripe.webhooks.constructEvent on what it accepts', () => {
    const now = Math.floor(Date.now() / 1000);
    const h = header(SECRET, now);
    expect(() => stripe.webhooks.constructEvent(BODY, h, SECRET)).not.toThrow();
    expect(verify(h, { now }).ok).toBe(true);
  });
});

describe('Stripe v1: compared as strictly as stripe.webhooks does', () => {
  const now = Math.floor(Date.now() / 1000);
  const hex = signStripe(SECRET, now, bytes(BODY));
  const oracleAccepts = (h: string): boolean => {
    try {
      stripe.webhooks.constructEvent(BODY, h, SECRET);
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    ['upper-case hex', `t=${now},v1=${hex.toUpperCase()}`],
    ['one hex digit short', `t=${now},v1=${hex.slice(0, -1)}`],
    ['one hex digit long', `t=${now},v1=${hex}0`],
    ['a space before v1', `t=${now}, v1=${hex}`],
    ['a space around the value', `t=${now},v1= ${hex}`],
    ['a space before the timestamp', ` t=${now},v1=${hex}`],
  ])('%s: the oracle refuses it, and so do we', (_name, h) => {
    expect(oracleAccepts(h)).toBe(false);
    expect(verify(h, { now }).ok).toBe(false);
  });

  it('the exact header: both accept', () => {
    expect(oracleAccepts(`t=${now},v1=${hex}`)).toBe(true);
    expect(verify(`t=${now},v1=${hex}`, { now }).ok).toBe(true);
  });
});
