import { ProviderAuthenticationError } from '../../domain/provider-errors';
import type { ProviderPort } from '../../domain/provider-port';
import type { CredentialsSource } from './provider-credentials';

/**
 * A provider adapter whose credentials are read on first use, not at cold start: PayPal's and Adyen's
 * adapters take their credentials when constructed, so this builds one per credentials value and keeps
 * it while the value is unchanged (PayPal's OAuth token cache lives in the adapter: rebuilding it on
 * every call would fetch a token per payout). A rotated secret, read after the credentials cache period,
 * builds a fresh adapter. Unreadable credentials are a human-action error that names the provider and
 * the field, never the value.
 */
export function credentialedProvider<T>(
  provider: string,
  load: CredentialsSource<T>,
  build: (credentials: T) => ProviderPort,
): ProviderPort {
  let built: { fingerprint: string; adapter: ProviderPort } | undefined;
  const adapter = async (): Promise<ProviderPort> => {
    let credentials: T;
    try {
      credentials = await load();
    } catch (error) {
      throw new ProviderAuthenticationError(`${provider} credentials could not be read: ${(error as Error).message}`, {
        provider,
        cause: error,
      });
    }
    // Held in memory only, to tell a rotated value from the same one re-read; never logged.
    const fingerprint = JSON.stringify(credentials);
    if (built?.fingerprint !== fingerprint) built = { fingerprint, adapter: build(credentials) };
    return built.adapter;
  };
  return {
    provider,
    submit: async (submission) => (await adapter()).submit(submission),
    getStatus: async (query) => (await adapter()).getStatus(query),
    cancel: async (request) => (await adapter()).cancel(request),
    requestReturn: async (request) => (await adapter()).requestReturn(request),
  };
}
