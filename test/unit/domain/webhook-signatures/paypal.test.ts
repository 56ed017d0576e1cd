// PayPal webhook self-verification (issue 14): CRC-32, the signed string, the certificate checks and
// every refusal, in order; then the certificate port's allow-list and cache. Keys are the repo's test
// PKI (local/providers/paypal/test-certs), not PayPal's.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PaypalCertificateSource } from '../../../../functions/adapters/providers/paypal-certs';
import { crc32 } from '../../../../functions/domain/webhook-signatures/crc32';
import { paypalSignedString, verifyPaypalSignature } from '../../../../functions/domain/webhook-signatures/paypal';
import type { SigningCertificate } from '../../../../functions/domain/webhook-signatures/verification';
import { signPaypalDelivery, TEST_PKI } from '../../../../local/providers/paypal/webhook-signer';

const URL_OK = 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test';
const WEBHOOK_ID = 'WH-1JE4802805123456A-70Y03947DU9876543';
const TIME = '2026-11-30T10:00:00Z';
const NOW = Date.parse(TIME) / 1_000;
const body = new TextEncoder().encode('{"id":"WH-1","event_type":"PAYMENT.PAYOUTS-ITEM.SUCCEEDED"}');
const certificate = (overrides: Partial<SigningCertificate> = {}): SigningCertificate => ({
  url: URL_OK,
  chainPem: TEST_PKI.chainPem(),
  trustedRootsPem: [TEST_PKI.rootPem()],
  leafNames: ['messageverificationcerts.paypal.com'],
  ...overrides,
});
const signed = (keyPem = TEST_PKI.leafKeyPem(), time = TIME) =>
  signPaypalDelivery({ rawBody: body, webhookId: WEBHOOK_ID, transmissionTime: time, certUrl: URL_OK, keyPem });

describe('CRC-32', () => {
  it.each(['', 'a', '123456789', '{"test": 2432232314}', 'é€😀', 'x'.repeat(10_000)])('equals zlib for %j', (text) => {
    const bytes = new TextEncoder().encode(text);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });
  it('is the check value of the standard (CRC-32/ISO-HDLC of "123456789" is 0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('goes into the signed string as unsigned decimal', () => {
    expect(paypalSignedString('t-1', TIME, WEBHOOK_ID, new TextEncoder().encode('123456789'))).toBe(
      `t-1|${TIME}|${WEBHOOK_ID}|3421780262`,
    );
  });
});

describe('verifyPaypalSignature', () => {
  const verify = (
    headers: Record<string, string | undefined>,
    extra: Partial<Parameters<typeof verifyPaypalSignature>[0]> = {},
  ) =>
    verifyPaypalSignature({
      headers,
      rawBody: body,
      secrets: [WEBHOOK_ID],
      nowSeconds: NOW,
      certificate: certificate(),
      ...extra,
    });

  it('accepts a delivery signed with the certificate it names, with a rotated-out webhook id listed first', () => {
    expect(verify(signed())).toEqual({ ok: true, timestampSeconds: NOW });
    expect(verify(signed(), { secrets: ['WH-OLD', WEBHOOK_ID] }).ok).toBe(true);
  });

  it.each<[string, () => Parameters<typeof verifyPaypalSignature>[0], string]>([
    [
      'no signature headers',
      () => ({ headers: {}, rawBody: body, secrets: [WEBHOOK_ID], nowSeconds: NOW }),
      'missing_header',
    ],
    [
      'another algorithm',
      () => ({
        headers: { ...signed(), 'paypal-auth-algo': 'SHA1withRSA' },
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
      }),
      'malformed_header',
    ],
    [
      'a time that is not ISO 8601',
      () => ({
        headers: { ...signed(), 'paypal-transmission-time': '1796032800' },
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
      }),
      'malformed_header',
    ],
    [
      'a signature that is not base64',
      () => ({
        headers: { ...signed(), 'paypal-transmission-sig': 'not base64!' },
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
      }),
      'malformed_header',
    ],
    [
      'a stale transmission',
      () => ({
        headers: signed(),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW + 301,
        certificate: certificate(),
      }),
      'timestamp_out_of_tolerance',
    ],
    [
      'no webhook id configured',
      () => ({ headers: signed(), rawBody: body, secrets: [], nowSeconds: NOW, certificate: certificate() }),
      'no_secret_configured',
    ],
    [
      'no certificate (the port refused or failed)',
      () => ({ headers: signed(), rawBody: body, secrets: [WEBHOOK_ID], nowSeconds: NOW }),
      'certificate_untrusted',
    ],
    [
      'a certificate fetched from another URL',
      () => ({
        headers: signed(),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate({ url: `${URL_OK}x` }),
      }),
      'certificate_untrusted',
    ],
    [
      'a chain to an untrusted root',
      () => ({
        headers: signed(TEST_PKI.rogueKeyPem()),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate({ chainPem: TEST_PKI.rogueChainPem() }),
      }),
      'certificate_untrusted',
    ],
    [
      "a leaf without PayPal's name",
      () => ({
        headers: signed(),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate({ leafNames: ['api.paypal.com'] }),
      }),
      'certificate_untrusted',
    ],
    [
      'a leaf without its intermediate',
      () => ({
        headers: signed(),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate({
          chainPem: TEST_PKI.chainPem().split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
        }),
      }),
      'certificate_untrusted',
    ],
    [
      'a certificate past its validity',
      () => ({
        headers: signed(TEST_PKI.leafKeyPem(), '2050-01-01T00:00:00Z'),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: Date.parse('2050-01-01T00:00:00Z') / 1_000,
        certificate: certificate(),
      }),
      'certificate_untrusted',
    ],
    [
      'the wrong webhook id',
      () => ({
        headers: signed(),
        rawBody: body,
        secrets: ['WH-SOMEONE-ELSE'],
        nowSeconds: NOW,
        certificate: certificate(),
      }),
      'signature_mismatch',
    ],
    [
      'a tampered body',
      () => ({
        headers: signed(),
        rawBody: new TextEncoder().encode('{"id":"WH-2"}'),
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate(),
      }),
      'signature_mismatch',
    ],
    [
      'a trusted chain that did not sign it',
      () => ({
        headers: signed(TEST_PKI.rogueKeyPem()),
        rawBody: body,
        secrets: [WEBHOOK_ID],
        nowSeconds: NOW,
        certificate: certificate(),
      }),
      'signature_mismatch',
    ],
  ])('refuses %s', (_name, input, reason) => {
    expect(verifyPaypalSignature(input())).toEqual({ ok: false, reason });
  });
});

describe('PaypalCertificateSource', () => {
  const served = (calls: string[], text = TEST_PKI.chainPem(), status = 200): typeof fetch =>
    (async (url: string | URL | Request) => {
      calls.push(String(url));
      return new Response(text, { status });
    }) as typeof fetch;
  const source = (fetchFn: typeof fetch, nowMs = () => 0) =>
    new PaypalCertificateSource({ fetch: fetchFn, nowMs, trustedRootsPem: [TEST_PKI.rootPem()] });

  it.each([
    [URL_OK, true],
    ['https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1', true],
    ['https://api-m.paypal.com/v1/notifications/certs/CERT-1', true],
    ['http://api.paypal.com/v1/notifications/certs/CERT-1', false],
    ['https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1', false],
    ['https://evil.example/v1/notifications/certs/CERT-1', false],
    ['https://user@api.paypal.com/v1/notifications/certs/CERT-1', false],
    ['https://api.paypal.com:8443/v1/notifications/certs/CERT-1', false],
    ['https://api.paypal.com/v1/notifications/certs/../../oauth2/token', false],
    ['https://api.paypal.com/v1/oauth2/token', false],
    ['https://api.paypal.com/v1/notifications/certs/CERT-1?x=1', false],
    ['not a url', false],
  ])('%s is fetched: %s', async (url, allowed) => {
    const calls: string[] = [];
    const result = await source(served(calls)).forDelivery({ 'paypal-cert-url': url });
    expect(result !== undefined).toBe(allowed);
    expect(calls.length).toBe(allowed ? 1 : 0);
  });

  it('fetches a certificate once per day, and never keeps a failure', async () => {
    const calls: string[] = [];
    let nowMs = 0;
    const certs = source(served(calls), () => nowMs);
    await certs.forDelivery({ 'paypal-cert-url': URL_OK });
    await certs.forDelivery({ 'paypal-cert-url': URL_OK });
    expect(calls.length).toBe(1);
    nowMs = 86_400_000;
    await certs.forDelivery({ 'paypal-cert-url': URL_OK });
    expect(calls.length).toBe(2);
    const failing = source(served(calls, 'oops', 503));
    expect(await failing.forDelivery({ 'paypal-cert-url': URL_OK })).toBeUndefined();
    expect(await failing.forDelivery({ 'paypal-cert-url': URL_OK })).toBeUndefined();
    expect(calls.length).toBe(4);
  });

  it('refuses an answer that is not a certificate or is too large', async () => {
    expect(await source(served([], 'hello')).forDelivery({ 'paypal-cert-url': URL_OK })).toBeUndefined();
    const huge = `-----BEGIN CERTIFICATE-----${'A'.repeat(40_000)}`;
    expect(await source(served([], huge)).forDelivery({ 'paypal-cert-url': URL_OK })).toBeUndefined();
  });

  it('hands the verifier a certificate that verifies a delivery end to end', async () => {
    const cert = await source(served([])).forDelivery({ 'paypal-cert-url': URL_OK });
    const result = verifyPaypalSignature({
      headers: signed(),
      rawBody: body,
      secrets: [WEBHOOK_ID],
      nowSeconds: NOW,
      ...(cert ? { certificate: cert } : {}),
    });
    expect(result.ok).toBe(true);
  });
});
