import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStorePort, TenantClientCredentials } from '../../app/access/tenants';

/** One Secrets Manager secret per tenant client (JSON), encrypted with the account's default key. */
export class ClientSecretsManager implements SecretStorePort {
  constructor(private readonly client: Pick<SecretsManagerClient, 'send'>) {}

  async store(name: string, credentials: TenantClientCredentials): Promise<string> {
    const out = await this.client.send(
      new CreateSecretCommand({
        Name: name,
        Description: `Cognito client credentials of tenant ${credentials.tenant_id}, role ${credentials.role}`,
        SecretString: JSON.stringify(credentials),
        Tags: [
          { Key: 'payout-platform:tenant', Value: credentials.tenant_id },
          { Key: 'payout-platform:role', Value: credentials.role },
        ],
      }),
    );
    if (out.ARN === undefined) throw new Error(`CreateSecret answered without an ARN for ${name}`);
    return out.ARN;
  }
}
