// Signs stand-in webhooks as PayPal signs its own (PayPal developer docs, "Webhooks: verify signature
// locally", developer.paypal.com/api/rest/webhooks/rest/, read 2026-12-01): RSA-SHA256 over
// `transmission id|transmission time|webhook id|CRC32(body)`, with the key of the certificate that
// PAYPAL-CERT-URL points at. The key and chain are the repo's test PKI (test-certs/generate.sh), not PayPal's.
import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAYPAL_AUTH_ALGO, PAYPAL_HEADERS, paypalSignedString } from '../../../functions/domain/webhook-signatures';

const CERTS_DIR = join(import.meta.dirname, 'test-certs');
const read = (file: string) => readFileSync(join(CERTS_DIR, file), 'utf8');

/** The test PKI: the signing leaf (with its intermediate, as PayPal serves a chain), its key, the root. */
export const TEST_PKI = {
  chainPem: () => `${read('leaf.pem')}${read('intermediate.pem')}`,
  leafKeyPem: () => read('leaf.key'),
  rootPem: () => read('root.pem'),
  /** A leaf with PayPal's name, chained to a root nobody trusts. */
  rogueChainPem: () => read('rogue-leaf.pem'),
  rogueKeyPem: () => read('rogue-leaf.key'),
} as const;

export interface PaypalSignInput {
  readonly rawBody: Uint8Array;
  readonly webhookId: string;
  /** ISO 8601, as PayPal sends PAYPAL-TRANSMISSION-TIME. */
  readonly transmissionTime: string;
  readonly certUrl: string;
  readonly keyPem: string;
  readonly transmissionId?: string;
}

export function signPaypalDelivery(input: PaypalSignInput): Record<string, string> {
  const transmissionId = input.transmissionId ?? randomUUID();
  const signer = createSign('sha256');
  signer.update(paypalSignedString(transmissionId, input.transmissionTime, input.webhookId, input.rawBody));
  return {
    [PAYPAL_HEADERS.transmissionId]: transmissionId,
    [PAYPAL_HEADERS.transmissionTime]: input.transmissionTime,
    [PAYPAL_HEADERS.transmissionSig]: signer.sign(input.keyPem, 'base64'),
    [PAYPAL_HEADERS.certUrl]: input.certUrl,
    [PAYPAL_HEADERS.authAlgo]: PAYPAL_AUTH_ALGO,
  };
}
