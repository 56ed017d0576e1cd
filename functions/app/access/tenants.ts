import type { TenantClientRecord, TenantDirectory } from '../../adapters/tenant-directory';
import {
  TENANT_ID_PATTERN,
  TENANT_ROLES,
  isScope,
  isTenantRole,
  tenantActor,
  type TenantRole,
} from '../../shared/access-matrix';
import { qualifiedScope, type Scope } from '../../shared/names';

// Tenant provisioning: a tenant is its app clients — one per tenant role of the access matrix, each
// allowed exactly its role's scopes (layer 1) — their secrets, and the mapping the pre-token trigger
// reads (layer 2). The same use case runs against AWS (Cognito, Secrets Manager, DynamoDB, API
// Gateway) and against the twin (its issuer, a secrets file, DynamoDB Local); only the ports differ.

/** Creates an app client; AWS: CreateUserPoolClient. Scopes arrive qualified (`payout-platform/…`). */
export interface IdentityProviderPort {
  createClient(input: { clientName: string; allowedScopes: string[] }): Promise<{
    clientId: string;
    clientSecret: string;
  }>;
}

/** What a tenant's engineer needs to get tokens, kept where only they (and the platform) can read it. */
export interface TenantClientCredentials {
  tenant_id: string;
  role: TenantRole;
  client_id: string;
  client_secret: string;
  scopes: string[];
}

/** Stores one client's credentials and says where; AWS: Secrets Manager CreateSecret → ARN. */
export interface SecretStorePort {
  store(name: string, credentials: TenantClientCredentials): Promise<string>;
}

/** The API's JWT authorizer audience; AWS: GetAuthorizer / UpdateAuthorizer. */
export interface ApiAudiencePort {
  list(): Promise<string[]>;
  add(clientIds: string[]): Promise<void>;
  remove(clientIds: string[]): Promise<void>;
}

export interface TenantPorts {
  identity: IdentityProviderPort;
  secrets: SecretStorePort;
  directory: Pick<TenantDirectory, 'list' | 'add' | 'setStatus'>;
  audience: ApiAudiencePort;
  /** Secret name of one client, e.g. `payout-platform/dev/tenants/acme/backend`. */
  secretName(tenantId: string, role: TenantRole): string;
  now(): Date;
}

/** The module's one error type: a stable code, the category of DESIGN §3, the flag it is about. */
export class TenantProvisioningError extends Error {
  readonly code: string;
  readonly category: 'terminal' | 'retryable' | 'human_action_required';
  readonly param?: string;
  /** Clients created before a later step failed: they exist and must be finished or cleaned up. */
  readonly created: PlannedClient[];

  constructor(
    code: string,
    message: string,
    options: {
      param?: string;
      category?: TenantProvisioningError['category'];
      created?: PlannedClient[];
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenantProvisioningError';
    this.code = code;
    this.category = options.category ?? 'terminal';
    if (options.param !== undefined) this.param = options.param;
    this.created = options.created ?? [];
  }
}

export interface CreateTenantRequest {
  tenantId: string;
  /** Default: every tenant role of the matrix. */
  roles?: readonly string[];
  /** Narrows the clients' scopes; each must be one the role may hold (else `invalid_scope`). */
  scopes?: readonly string[];
  dryRun?: boolean;
}

export interface PlannedClient {
  role: TenantRole;
  clientName: string;
  scopes: Scope[];
  secretName: string;
  clientId?: string;
  secretLocation?: string;
}

export interface CreateTenantResult {
  tenantId: string;
  dryRun: boolean;
  clients: PlannedClient[];
  /** What the pre-token trigger will read, per client. */
  mappingKeys: string[];
}

export const clientNameOf = (tenantId: string, role: TenantRole) => `tenant-${tenantId}-${role}`;

function checkTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    const shape = `${TENANT_ID_PATTERN} (2–63 lower-case letters, digits, _ or -)`;
    throw new TenantProvisioningError('tenant_id_invalid', `tenant id must match ${shape}, got '${tenantId}'`, {
      param: 'tenant',
    });
  }
}

function rolesOf(requested: readonly string[] | undefined): TenantRole[] {
  if (requested === undefined || requested.length === 0) return [...TENANT_ROLES];
  for (const role of requested) {
    if (!isTenantRole(role)) {
      const known = TENANT_ROLES.join(', ');
      throw new TenantProvisioningError(
        'role_unknown',
        `no tenant role '${role}' in the access matrix (roles: ${known})`,
        { param: 'role' },
      );
    }
  }
  return [...new Set(requested as TenantRole[])];
}

/** The role's scopes, or the requested subset; a scope outside the role is `invalid_scope`, as Cognito says it. */
function scopesFor(role: TenantRole, requested: readonly string[] | undefined): Scope[] {
  const allowed = tenantActor(role).scopes;
  if (requested === undefined || requested.length === 0) return [...allowed];
  const bare = requested.map((scope) => scope.replace(/^payout-platform\//, ''));
  for (const scope of bare) {
    if (!isScope(scope) || !(allowed as readonly string[]).includes(scope)) {
      const message = `the ${role} role may not hold ${scope} (its scopes: ${allowed.join(', ')})`;
      throw new TenantProvisioningError('invalid_scope', message, { param: 'scopes' });
    }
  }
  return [...new Set(bare as Scope[])];
}

export async function createTenant(ports: TenantPorts, request: CreateTenantRequest): Promise<CreateTenantResult> {
  checkTenantId(request.tenantId);
  const roles = rolesOf(request.roles);
  const planned: PlannedClient[] = roles.map((role) => ({
    role,
    clientName: clientNameOf(request.tenantId, role),
    scopes: scopesFor(role, request.scopes),
    secretName: ports.secretName(request.tenantId, role),
  }));
  // One active client per tenant and role: a second would be a second secret nobody rotates.
  const existing = await ports.directory.list(request.tenantId);
  const active = existing.filter((record) => record.status === 'active' && roles.includes(record.role));
  if (active.length > 0) {
    const message = `tenant ${request.tenantId} already has active ${active.map((r) => r.role).join(', ')} client(s); disable it first`;
    throw new TenantProvisioningError('tenant_exists', message, { param: 'tenant' });
  }
  const result = (clients: PlannedClient[]): CreateTenantResult => ({
    tenantId: request.tenantId,
    dryRun: request.dryRun === true,
    clients,
    mappingKeys: clients.map((client) => `TENANT_CLIENT#${client.clientId ?? '<client id>'}`),
  });
  if (request.dryRun === true) return result(planned);

  // Order: client, secret, mapping, audience. Until the mapping exists the client's tokens carry no
  // scope (the trigger fails closed), and until the audience lists it the API refuses them: a
  // failure half-way leaves nothing that can move money.
  const created: PlannedClient[] = [];
  const createdAt = ports.now().toISOString();
  try {
    for (const client of planned) {
      const { clientId, clientSecret } = await ports.identity.createClient({
        clientName: client.clientName,
        allowedScopes: client.scopes.map(qualifiedScope),
      });
      const done: PlannedClient = { ...client, clientId };
      created.push(done);
      done.secretLocation = await ports.secrets.store(client.secretName, {
        tenant_id: request.tenantId,
        role: client.role,
        client_id: clientId,
        client_secret: clientSecret,
        scopes: client.scopes.map(qualifiedScope),
      });
    }
    const records: TenantClientRecord[] = created.map((client) => ({
      tenantId: request.tenantId,
      role: client.role,
      clientId: client.clientId!,
      clientName: client.clientName,
      status: 'active',
      scopes: client.scopes,
      secretLocation: client.secretLocation!,
      createdAt,
    }));
    await ports.directory.add(records);
    await ports.audience.add(records.map((record) => record.clientId));
  } catch (error) {
    if (error instanceof TenantProvisioningError) throw error;
    const message = `provisioning ${request.tenantId} stopped after ${created.length} client(s): ${(error as Error).message}`;
    throw new TenantProvisioningError('provisioning_incomplete', message, {
      category: 'human_action_required',
      created,
      cause: error,
    });
  }
  return result(created);
}

export interface ListedClient extends TenantClientRecord {
  /** Whether the API's JWT authorizer accepts this client's tokens right now. */
  inAudience: boolean;
}

export async function listTenants(
  ports: Pick<TenantPorts, 'directory' | 'audience'>,
  tenantId?: string,
): Promise<ListedClient[]> {
  if (tenantId !== undefined) checkTenantId(tenantId);
  const [records, audience] = await Promise.all([ports.directory.list(tenantId), ports.audience.list()]);
  const accepted = new Set(audience);
  return records.map((record) => ({ ...record, inAudience: accepted.has(record.clientId) }));
}

export interface DisableTenantResult {
  tenantId: string;
  dryRun: boolean;
  disabled: TenantClientRecord[];
}

/**
 * Disables every active client of the tenant: the mapping turns `disabled` (new tokens carry no
 * scope once the trigger's cache expires) and the clients leave the API's audience (tokens already
 * issued are refused at once). The Cognito clients and secrets stay, for the audit trail.
 */
export async function disableTenant(
  ports: TenantPorts,
  request: { tenantId: string; dryRun?: boolean },
): Promise<DisableTenantResult> {
  checkTenantId(request.tenantId);
  const active = (await ports.directory.list(request.tenantId)).filter((record) => record.status === 'active');
  if (active.length === 0) {
    throw new TenantProvisioningError('tenant_not_found', `tenant ${request.tenantId} has no active client`, {
      param: 'tenant',
    });
  }
  if (request.dryRun !== true) {
    await ports.directory.setStatus(active, 'disabled', ports.now().toISOString());
    await ports.audience.remove(active.map((record) => record.clientId));
  }
  return { tenantId: request.tenantId, dryRun: request.dryRun === true, disabled: active };
}

export interface SyncAudienceResult {
  dryRun: boolean;
  added: string[];
  removed: string[];
}

/**
 * Makes the authorizer's audience agree with the directory: every active tenant client in it,
 * every disabled one out. Audiences that are no tenant's (the console client) are left alone.
 * Run after a deploy that rewrote the authorizer, or after a provisioning that stopped half-way.
 */
export async function syncAudience(
  ports: Pick<TenantPorts, 'directory' | 'audience'>,
  request: { dryRun?: boolean } = {},
): Promise<SyncAudienceResult> {
  const [records, audience] = await Promise.all([ports.directory.list(), ports.audience.list()]);
  const current = new Set(audience);
  const ids = (keep: (record: TenantClientRecord) => boolean) => records.filter(keep).map((record) => record.clientId);
  const added = ids((record) => record.status === 'active' && !current.has(record.clientId));
  const removed = ids((record) => record.status === 'disabled' && current.has(record.clientId));
  if (request.dryRun !== true) {
    if (added.length > 0) await ports.audience.add(added);
    if (removed.length > 0) await ports.audience.remove(removed);
  }
  return { dryRun: request.dryRun === true, added, removed };
}
