// Tenant provisioning's ports on the twin (functions/app/access/tenants.ts has the use case): the
// twin's issuer stands in for Cognito and for the API's authorizer audience, a 0600 JSON file per
// client for Secrets Manager, and the mapping goes into DynamoDB Local through the same adapter as
// in AWS. Two ways to reach the issuer: in the twin's own process (Twin.token), or over HTTP for a
// CLI (`npm run tenants`) talking to a running twin.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TenantDirectory } from '../../functions/adapters/tenant-directory.js';
import type {
  ApiAudiencePort,
  IdentityProviderPort,
  SecretStorePort,
  TenantClientCredentials,
  TenantPorts,
} from '../../functions/app/access/tenants.js';
import type { ClientRegistry } from './client-registry.js';

/** Where a tenant client's credentials land on the twin, under the state directory. */
export const TENANT_SECRETS_DIR = 'tenants';

export class SecretFiles implements SecretStorePort {
  constructor(private readonly stateDir: string) {}

  async store(name: string, credentials: TenantClientCredentials): Promise<string> {
    const file = join(this.stateDir, `${name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    return file;
  }
}

export function registryPorts(registry: ClientRegistry): { identity: IdentityProviderPort; audience: ApiAudiencePort } {
  return {
    identity: {
      createClient: async (input) => {
        const client = registry.create(input);
        return { clientId: client.clientId, clientSecret: client.clientSecret };
      },
    },
    audience: {
      list: async () => registry.audience(),
      add: async (clientIds) => registry.addAudience(clientIds),
      remove: async (clientIds) => registry.removeAudience(clientIds),
    },
  };
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The same two ports, over the running twin's HTTP endpoints (local/aws/issuer-endpoints.ts). */
export function httpRegistryPorts(twinUrl: string): { identity: IdentityProviderPort; audience: ApiAudiencePort } {
  const audienceUrl = `${twinUrl}/.twin/apigateway/audience`;
  return {
    identity: {
      createClient: async (input) => {
        const body = { client_name: input.clientName, allowed_scopes: input.allowedScopes };
        const created = await postJson<{ client_id: string; client_secret: string }>(
          `${twinUrl}/.twin/issuer/clients`,
          body,
        );
        return { clientId: created.client_id, clientSecret: created.client_secret };
      },
    },
    audience: {
      list: async () => ((await (await fetch(audienceUrl)).json()) as { added: string[] }).added,
      add: async (clientIds) => void (await postJson(audienceUrl, { add: clientIds })),
      remove: async (clientIds) => void (await postJson(audienceUrl, { remove: clientIds })),
    },
  };
}

export function twinTenantPorts(options: {
  registry: { identity: IdentityProviderPort; audience: ApiAudiencePort };
  documentClient: Pick<DynamoDBDocumentClient, 'send'>;
  operationsTable: string;
  stateDir: string;
}): TenantPorts {
  return {
    identity: options.registry.identity,
    audience: options.registry.audience,
    secrets: new SecretFiles(options.stateDir),
    directory: new TenantDirectory(options.documentClient, options.operationsTable),
    secretName: (tenantId, role) => `${TENANT_SECRETS_DIR}/${tenantId}/${role}`,
    now: () => new Date(),
  };
}
