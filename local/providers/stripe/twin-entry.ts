// The Stripe stand-in as the twin starts it: the secret key from the developer's credentials file (or the
// checked-in example), payout.* webhooks to the twin's /webhooks/stripe signed with the twin's Stripe secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths.js';
import type { TwinStandIn } from '../twin-stand-in.js';
import { startStripeStandIn } from './stand-in.js';

const EXAMPLE_FILE = join(REPO_ROOT, 'config', 'provider-credentials.example.json');

export const stripeTwinStandIn: TwinStandIn = {
  provider: 'stripe',
  async start(context) {
    const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as { stripe: { secret_key: string } };
    const secretKey = context.credentials['stripe']?.['secret_key'] ?? example.stripe.secret_key;
    const secrets = JSON.parse(readFileSync(context.webhookSecretsFile, 'utf8')) as { stripe?: string[] };
    const webhookSecret = secrets.stripe?.[0];
    if (webhookSecret === undefined) throw new Error(`${context.webhookSecretsFile} holds no stripe secret`);
    const standIn = await startStripeStandIn({
      secretKey,
      webhookUrl: `${context.apiUrl}/webhooks/stripe`,
      webhookSecret,
      nowSeconds: () => Math.floor(context.nowMs() / 1000),
    });
    return {
      provider: 'stripe',
      url: standIn.url,
      credentials: { secret_key: secretKey, base_url: standIn.url },
      setState: (reference, state) => standIn.setState(reference, state),
      stop: () => standIn.close(),
    };
  },
};
