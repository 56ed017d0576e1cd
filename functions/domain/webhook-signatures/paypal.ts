import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { crc32 } from './crc32';
import {
  fail,
  SIGNATURE_TOLERANCE_SECONDS,
  withinTolerance,
  type SigningCertificate,
  type VerificationResult,
  type VerifyInput,
} from './verification';

/**
 * PayPal's self-verification of a webhook (PayPal developer docs, "Webhooks: verify signature
 * locally", developer.paypal.com/api/rest/webhooks/rest/, read 2026-12-01; header names as in the
 * verify-webhook-signature request of openapi/notifications_webhooks_v1.json, commit ec4d8f3):
 *
 *   signed = `${PAYPAL-TRANSMISSION-ID}|${PAYPAL-TRANSMISSION-TIME}|${webhook id}|${CRC32(raw body), unsigned decimal}`
 *   PAYPAL-TRANSMISSION-SIG = base64(RSA-SHA256(signed)) with the key of the certificate at PAYPAL-CERT-URL
 *
 * The webhook id (ours, from PayPal's dashboard) plays the secret's part: a delivery signed for
 * another webhook does not verify. The certificate must chain to a trusted root, be valid now and
 * carry PayPal's name; the caller fetched it from an allow-listed host (adapters/providers/paypal-certs.ts).
 * Pure: bytes, certificates, webhook ids and the time come in.
 */
export const PAYPAL_HEADERS = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const;
/** The only algorithm PayPal documents. */
export const PAYPAL_AUTH_ALGO = 'SHA256withRSA';
/** The name on PayPal's signing certificate. */
export const PAYPAL_SIGNING_CERT_NAME = 'messageverificationcerts.paypal.com';
/** Leaf plus intermediates; a longer chain is not PayPal's. */
export const PAYPAL_CHAIN_CERTS_MAX = 4;
/** An RSA-2048…4096 signature is 256…512 bytes; 1,024 base64 characters bound the header. */
export const PAYPAL_SIGNATURE_CHARS_MAX = 1_024;
const ISO_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The string PayPal signs. */
export function paypalSignedString(
  transmissionId: string,
  transmissionTime: string,
  webhookId: string,
  rawBody: Uint8Array,
): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody)}`;
}

export function verifyPaypalSignature(input: VerifyInput): VerificationResult {
  const h = (name: string) => input.headers[name];
  const id = h(PAYPAL_HEADERS.transmissionId);
  const time = h(PAYPAL_HEADERS.transmissionTime);
  const sig = h(PAYPAL_HEADERS.transmissionSig);
  const certUrl = h(PAYPAL_HEADERS.certUrl);
  const algo = h(PAYPAL_HEADERS.authAlgo);
  if (!id || !time || !sig || !certUrl || !algo) return fail('missing_header');
  if (algo !== PAYPAL_AUTH_ALGO || !ISO_TIME_PATTERN.test(time) || sig.length > PAYPAL_SIGNATURE_CHARS_MAX)
    return fail('malformed_header');
  const timeMs = Date.parse(time);
  const signature = Buffer.from(sig, 'base64');
  if (Number.isNaN(timeMs) || signature.length === 0 || signature.toString('base64') !== sig)
    return fail('malformed_header');
  const timestampSeconds = Math.floor(timeMs / 1_000);
  if (!withinTolerance(timestampSeconds, input.nowSeconds, input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return fail('timestamp_out_of_tolerance');
  if (input.secrets.length === 0) return fail('no_secret_configured');
  const leaf = trustedLeaf(input.certificate, certUrl, input.nowSeconds);
  if (leaf === undefined) return fail('certificate_untrusted');
  for (const webhookId of input.secrets) {
    const signed = Buffer.from(paypalSignedString(id, time, webhookId, input.rawBody), 'utf8');
    if (verifySignature('sha256', signed, leaf.publicKey, signature)) return { ok: true, timestampSeconds };
  }
  return fail('signature_mismatch');
}

/** The leaf, if the chain is the one the delivery names, valid now, PayPal's by name and rooted in trust. */
export function trustedLeaf(
  certificate: SigningCertificate | undefined,
  certUrl: string,
  nowSeconds: number,
): X509Certificate | undefined {
  if (certificate === undefined || certificate.url !== certUrl) return undefined;
  let chain: X509Certificate[];
  let roots: X509Certificate[];
  try {
    chain = (certificate.chainPem.match(PEM_BLOCK) ?? []).map((pem) => new X509Certificate(pem));
    roots = certificate.trustedRootsPem.map((pem) => new X509Certificate(pem));
  } catch {
    return undefined;
  }
  const [leaf] = chain;
  if (leaf === undefined || chain.length > PAYPAL_CHAIN_CERTS_MAX) return undefined;
  if (!certificate.leafNames.some((name) => leaf.checkHost(name, { subject: 'default' }) === name)) return undefined;
  const nowMs = nowSeconds * 1_000;
  const validNow = (cert: X509Certificate) => Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo);
  if (!chain.every(validNow)) return undefined;
  // Each certificate is signed by the next; an intermediate must be a CA.
  for (let i = 0; i + 1 < chain.length; i += 1) {
    const issuer = chain[i + 1]!;
    if (!issuer.ca || chain[i]!.checkIssued(issuer) === false || !chain[i]!.verify(issuer.publicKey)) return undefined;
  }
  const top = chain[chain.length - 1]!;
  const rooted = roots.some(
    (root) =>
      root.fingerprint256 === top.fingerprint256 ||
      (root.ca && validNow(root) && top.checkIssued(root) && top.verify(root.publicKey)),
  );
  return rooted ? leaf : undefined;
}
