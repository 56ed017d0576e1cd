import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ProviderCredentialsError, type SecretLoader } from './provider-credentials';

/** Reads a provider's credentials secret with the handler's client; the text goes only to the parser. */
export function secretsManagerLoader(client: SecretsManagerClient): SecretLoader {
  return async (secretArn) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (out.SecretString === undefined)
      throw new ProviderCredentialsError('the credentials secret has no SecretString');
    return out.SecretString;
  };
}
