// The Adyen stand-in as the twin starts it: the API key and balance account from the developer's credentials
// file (or the checked-in example); balancePlatform.transfer.* webhooks to the twin's /webhooks/adyen, signed
// with the twin's Adyen HMAC key (config/webhook-secrets.local.json), delivered when a state is set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths.js';
import type { TwinStandIn } from '../twin-stand-in.js';
import { startAdyenStandIn } from './server.js';
import { deliver } from './webhooks.js';

const EXAMPLE_FILE = join(REPO_ROOT, 'config', 'provider-credentials.example.json');

export const adyenTwinStandIn: TwinStandIn = {
  provider: 'adyen',
  async start(context) {
    const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as {
      adyen: { api_key: string; balance_account_id: string };
    };
    const apiKey = context.credentials['adyen']?.['api_key'] ?? example.adyen.api_key;
    const balanceAccountId = context.credentials['adyen']?.['balance_account_id'] ?? example.adyen.balance_account_id;
    const secrets = JSON.parse(readFileSync(context.webhookSecretsFile, 'utf8')) as { adyen?: string[] };
    const hmacKeyHex = secrets.adyen?.[0];
    if (hmacKeyHex === undefined) throw new Error(`${context.webhookSecretsFile} holds no adyen HMAC key`);
    const standIn = await startAdyenStandIn({ apiKey, now: () => new Date(context.nowMs()) });
    const target = { url: `${context.apiUrl}/webhooks/adyen`, hmacKeyHex };
    return {
      provider: 'adyen',
      url: standIn.baseUrl,
      credentials: { api_key: apiKey, balance_account_id: balanceAccountId, base_url: standIn.baseUrl },
      // `status` or `status:reason` (Adyen's transfer reason, e.g. `returned:refusedByCounterpartyBank`).
      setState: async (transferId, state) => {
        const [status, reason] = state.split(':');
        standIn.books.setStatus(transferId, status!, reason);
        // Every queued webhook in order: the transfer's created event first, then this update.
        await deliver(standIn.books, target);
      },
      stop: () => standIn.close(),
    };
  },
};
