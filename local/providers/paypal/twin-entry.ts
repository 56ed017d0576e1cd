// The PayPal stand-in as the twin starts it: the app's client id and secret from the developer's credentials
// file (or the checked-in example); PAYMENT.PAYOUTS-ITEM.* webhooks to the twin's /webhooks/paypal, signed
// with the repo's test PKI for the twin's webhook id, naming the certificate URL the twin's intake maps to
// that chain (config/paypal-webhook-certs.local.json), so the intake verifies them offline.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths.js';
import type { TwinStandIn } from '../twin-stand-in.js';
import { startPaypalStandIn } from './server.js';

const EXAMPLE_FILE = join(REPO_ROOT, 'config', 'provider-credentials.example.json');
const CERTS_FILE = join(REPO_ROOT, 'config', 'paypal-webhook-certs.local.json');

export const paypalTwinStandIn: TwinStandIn = {
  provider: 'paypal',
  async start(context) {
    const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as {
      paypal: { client_id: string; client_secret: string };
    };
    const clientId = context.credentials['paypal']?.['client_id'] ?? example.paypal.client_id;
    const clientSecret = context.credentials['paypal']?.['client_secret'] ?? example.paypal.client_secret;
    const secrets = JSON.parse(readFileSync(context.webhookSecretsFile, 'utf8')) as { paypal?: string[] };
    const webhookId = secrets.paypal?.[0];
    if (webhookId === undefined) throw new Error(`${context.webhookSecretsFile} holds no paypal webhook id`);
    const certs = JSON.parse(readFileSync(CERTS_FILE, 'utf8')) as { certificates: Record<string, unknown> };
    const certUrl = Object.keys(certs.certificates)[0];
    if (certUrl === undefined) throw new Error(`${CERTS_FILE} maps no certificate URL`);
    const standIn = await startPaypalStandIn({
      clientId,
      clientSecret,
      webhookId,
      webhookUrl: `${context.apiUrl}/webhooks/paypal`,
      certUrl,
      nowMs: context.nowMs,
    });
    return {
      provider: 'paypal',
      url: standIn.baseUrl,
      credentials: { client_id: clientId, client_secret: clientSecret, base_url: standIn.baseUrl },
      // The reference is the item's payout_item_id; the state one of PayPal's item statuses.
      setState: (reference, state) => standIn.controls.setState(reference, state),
      stop: () => standIn.close(),
    };
  },
};
