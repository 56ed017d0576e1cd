import { Client, EnvironmentEnum } from '@adyen/api-library';
import { TransfersApi } from '@adyen/api-library/lib/src/services/transfers/transfersApi';
import { Client as PaypalClient, Environment, OAuthAuthorizationController } from '@paypal/paypal-server-sdk';
import { ADYEN_TEST_BASE_URL } from '../../../functions/adapters/providers/adyen-api';
import { AdyenProvider } from '../../../functions/adapters/providers/adyen-provider';
import { PAYPAL_PATHS } from '../../../functions/adapters/providers/paypal-api';
import { parseItem } from '../../../functions/adapters/providers/paypal-batch';
import { PaypalProvider } from '../../../functions/adapters/providers/paypal-provider';
import type { ProviderPort } from '../../../functions/domain/provider-port';
import type { ConformanceSubject, StandIn } from '../subject';
import { adyenSubject } from './adyen';
import { paypalSubject } from './paypal';

/**
 * PayPal's and Adyen's subjects against their own sandboxes (`npm run provider-check -- paypal|adyen`):
 * no stand-in, so the fault checks skip (a live sandbox cannot be made to fail on cue); the mapping,
 * webhook vectors and report checks are the same as against the stand-ins. The official SDKs run against
 * the real sandbox here (PayPal's OAuth client, Adyen's TransfersApi), not through a local transport.
 */
export const PAYPAL_SANDBOX_BASE_URL = 'https://api-m.sandbox.paypal.com';
const LIVE_TIMEOUT_MS = 10_000;

export interface PaypalLiveTarget {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function paypalLiveSubject(target: PaypalLiveTarget): ConformanceSubject {
  // Our items' payout_item_ids of this run: PayPal lists items per batch and has no "list my batches".
  const references = new Set<string>();
  const adapter = () => {
    const provider = new PaypalProvider({
      baseUrl: PAYPAL_SANDBOX_BASE_URL,
      credentials: target,
      submitTimeoutMs: LIVE_TIMEOUT_MS,
      statusTimeoutMs: LIVE_TIMEOUT_MS,
    });
    return remembering(provider, references);
  };
  return {
    ...paypalSubject,
    startStandIn: async (): Promise<StandIn> => ({ baseUrl: PAYPAL_SANDBOX_BASE_URL, close: async () => undefined }),
    adapter: () => adapter(),
    async sdkRoundTrip() {
      const client = new PaypalClient({
        environment: Environment.Sandbox,
        clientCredentialsAuthCredentials: { oAuthClientId: target.clientId, oAuthClientSecret: target.clientSecret },
      });
      const basic = Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64');
      const answer = await new OAuthAuthorizationController(client).requestToken({ authorization: `Basic ${basic}` });
      if (answer.result.accessToken === '') throw new Error('the PayPal sandbox answered no token');
    },
    paging: {
      async listAll(_standIn, pageSize) {
        const provider = new PaypalProvider({ baseUrl: PAYPAL_SANDBOX_BASE_URL, credentials: target });
        const batchIds = new Set<string>();
        for (const reference of references) {
          const answer = await provider.http.exchange({
            operation: 'status',
            method: 'GET',
            path: PAYPAL_PATHS.item(reference),
            timeoutMs: LIVE_TIMEOUT_MS,
          });
          if (answer !== 'not_found') batchIds.add(parseItem(answer.json).payout_batch_id);
        }
        const listed: string[] = [];
        for (const batchId of batchIds)
          for (const item of await provider.listBatch(batchId, pageSize)) listed.push(item.payout_item_id);
        return listed;
      },
    },
  };
}

export interface AdyenLiveTarget {
  readonly apiKey: string;
  readonly balanceAccountId: string;
}

export function adyenLiveSubject(target: AdyenLiveTarget): ConformanceSubject {
  const adapter = () =>
    new AdyenProvider({
      baseUrl: ADYEN_TEST_BASE_URL,
      apiKey: target.apiKey,
      balanceAccountId: target.balanceAccountId,
      submitTimeoutMs: LIVE_TIMEOUT_MS,
      statusTimeoutMs: LIVE_TIMEOUT_MS,
    });
  return {
    ...adyenSubject,
    startStandIn: async (): Promise<StandIn> => ({ baseUrl: ADYEN_TEST_BASE_URL, close: async () => undefined }),
    adapter: () => adapter(),
    async sdkRoundTrip() {
      // Read-only: the SDK lists our balance account's transfers of the last day in Adyen's test environment.
      const api = new TransfersApi(new Client({ apiKey: target.apiKey, environment: EnvironmentEnum.TEST }));
      const since = new Date(Date.now() - 86_400_000);
      const page = await api.getAllTransfers(since, new Date(), undefined, undefined, target.balanceAccountId);
      if (!Array.isArray(page.data ?? [])) throw new Error('the Adyen test API answered no transfer list');
    },
    paging: {
      async listAll(_standIn, pageSize) {
        const ids: string[] = [];
        for await (const page of adapter().pager.pages({ limit: pageSize })) ids.push(...page.map((t) => t.id));
        return ids;
      },
    },
  };
}

/** The adapter, remembering every provider reference it was answered (for the PayPal paging check). */
function remembering(provider: ProviderPort, references: Set<string>): ProviderPort {
  return {
    provider: provider.provider,
    submit: async (submission) => {
      const result = await provider.submit(submission);
      if (result.kind === 'accepted') references.add(result.providerReference);
      return result;
    },
    getStatus: (query) => provider.getStatus(query),
    cancel: (request) => provider.cancel(request),
    requestReturn: (request) => provider.requestReturn(request),
  };
}
