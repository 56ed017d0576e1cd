// The twin's user-pool app clients created at run time (tenant provisioning's CreateUserPoolClient),
// and the client ids added to the API's JWT authorizer audience (its UpdateAuthorizer). Kept in
// `.local/issuer/clients.json` (mode 0600: it holds secrets), owned by the running twin's process;
// CLIs reach it over HTTP (local/aws/issuer-endpoints.ts). Template clients are not here: the twin
// reads those from the template.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CLIENTS_FILE = 'clients.json';
/** Cognito's shapes: 26 lower-case alphanumerics for an id, 51 for a secret. */
const CLIENT_ID_CHARS = 26;
const CLIENT_SECRET_CHARS = 51;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface RegisteredClient {
  clientId: string;
  clientName: string;
  clientSecret: string;
  flows: ['client_credentials'];
  /** Qualified (`payout-platform/payouts:read`), as CreateUserPoolClient takes them. */
  allowedScopes: string[];
  createdAt: string;
}

interface RegistryFile {
  clients: RegisteredClient[];
  /** Client ids added to the authorizer's audience beyond the template's. */
  audience: string[];
}

function randomText(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

export class ClientRegistry {
  private readonly file: string;
  private state: RegistryFile;

  constructor(issuerDir: string) {
    this.file = join(issuerDir, CLIENTS_FILE);
    this.state = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as RegistryFile)
      : { clients: [], audience: [] };
  }

  create(input: { clientName: string; allowedScopes: string[] }): RegisteredClient {
    const client: RegisteredClient = {
      clientId: randomText(CLIENT_ID_CHARS),
      clientName: input.clientName,
      clientSecret: randomText(CLIENT_SECRET_CHARS),
      flows: ['client_credentials'],
      allowedScopes: [...input.allowedScopes],
      createdAt: new Date().toISOString(),
    };
    this.state.clients.push(client);
    this.save();
    return client;
  }

  find(clientId: string): RegisteredClient | undefined {
    return this.state.clients.find((client) => client.clientId === clientId);
  }

  /** The client, if `secret` is its secret (compared in constant time). */
  authenticate(clientId: string, secret: string): RegisteredClient | undefined {
    const client = this.find(clientId);
    if (client === undefined) return undefined;
    const given = Buffer.from(secret);
    const expected = Buffer.from(client.clientSecret);
    return given.length === expected.length && timingSafeEqual(given, expected) ? client : undefined;
  }

  list(): RegisteredClient[] {
    return [...this.state.clients];
  }

  /** For tests that need a client misconfigured the way a hand-edited Cognito client could be. */
  setAllowedScopes(clientId: string, allowedScopes: string[]): void {
    const client = this.find(clientId);
    if (client === undefined) throw new Error(`no client ${clientId}`);
    client.allowedScopes = [...allowedScopes];
    this.save();
  }

  audience(): string[] {
    return [...this.state.audience];
  }

  addAudience(clientIds: string[]): void {
    this.state.audience = [...new Set([...this.state.audience, ...clientIds])];
    this.save();
  }

  removeAudience(clientIds: string[]): void {
    this.state.audience = this.state.audience.filter((id) => !clientIds.includes(id));
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }
}
