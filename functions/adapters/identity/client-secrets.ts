import { CreateSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStorePort, TenantClientCredentials } from '../../app/access/tenants';

/**
 * One Secrets Manager secret per tenant and role (JSON), encrypted with the account's default key.
 * The name stays the same when a disabled role gets a new client: the new credentials become the
 * secret's current version, so the tenant's engineers always read one place.
 */
export class ClientSecretsManager implements SecretStorePort {
  constructor(private readonly client: Pick<SecretsManagerClient, 'send'>) {}

  async store(name: string, credentials: TenantClientCredentials): Promise<string> {
    const secretString = JSON.stringify(credentials);
    try {
      const out = await this.client.send(
        new CreateSecretCommand({
          Name: name,
          Description: `Cognito client credentials of tenant ${credentials.tenant_id}, role ${credentials.role}`,
          SecretString: secretString,
          Tags: [
            { Key: 'payout-platform:tenant', Value: credentials.tenant_id },
            { Key: 'payout-platform:role', Value: credentials.role },
          ],
        }),
      );
      return arnOf(out.ARN, name);
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceExistsException') throw error;
      const out = await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secretString }));
      return arnOf(out.ARN, name);
    }
  }
}

function arnOf(arn: string | undefined, name: string): string {
  if (arn === undefined) throw new Error(`Secrets Manager answered without an ARN for ${name}`);
  return arn;
}
