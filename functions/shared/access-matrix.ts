// The access matrix: who may hold which scope. One row per actor; everything else reads it — the
// Cognito clients' allowed scopes and groups (lib/identity-construct.ts), the pre-token trigger
// that strips what a principal may not hold, the handlers' principal checks, tenant provisioning,
// the twin's token minting, GET /access-matrix, docs/contracts.md and the e2e test of every
// actor × route. Routes are not listed here: a row's routes are those whose scope it holds
// (lib/routes.ts), so a new route needs no second entry.
import {
  PRINCIPAL_ROLE_CLAIM,
  PRINCIPAL_TYPE_CLAIM,
  RESOURCE_SERVER_ID,
  SCOPES,
  SCOPE_DESCRIPTIONS,
  TENANT_CLAIM,
  type Scope,
} from './names';

/** The kinds of principal a token can name (claim `principal_type`). Jobs hold no token. */
export const PRINCIPAL_TYPES = ['tenant', 'operator'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** Roles of a tenant's principals: one Cognito app client per tenant and role. */
export const TENANT_ROLES = ['backend', 'approver', 'batch-operator'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Roles of the platform's operators: each is a Cognito group of the same name. */
export const OPERATOR_ROLES = ['ops', 'finance', 'compliance'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Cognito access tokens of every app client (CDK's and provisioned tenants') live this long. */
export const ACCESS_TOKEN_VALIDITY_MINUTES = 60;

/** Same shape as tenant ids everywhere (claims, keys, provisioning): a short slug, never free text. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{1,62}$/;

/**
 * Which kind of principal may hold each scope. No scope belongs to both: a tenant's token that
 * carried an operator scope would read other tenants' money, and an operator's token with a tenant
 * scope would act as a tenant it is not.
 */
export const SCOPE_PRINCIPAL = {
  'payouts:write': 'tenant',
  'payouts:read': 'tenant',
  'payouts:approve': 'tenant',
  'payouts:reverse': 'tenant',
  'payouts:correct': 'operator',
  'batches:write': 'tenant',
  'batches:retry': 'tenant',
  'recipients:write': 'tenant',
  'recipients:read': 'tenant',
  'ops:read': 'operator',
  'ops:redrive': 'operator',
  'exceptions:read': 'operator',
  'exceptions:write': 'operator',
  'reconciliation:read': 'operator',
  'reconciliation:run': 'operator',
  'exports:read': 'operator',
  'audit:read': 'operator',
  'compliance:review': 'operator',
} as const satisfies Record<Scope, PrincipalType>;

type ScopesHeldBy<P extends PrincipalType> = { [S in Scope]: (typeof SCOPE_PRINCIPAL)[S] extends P ? S : never }[Scope];
export type TenantScope = ScopesHeldBy<'tenant'>;
export type OperatorScope = ScopesHeldBy<'operator'>;

/**
 * How the actor gets its authority: a client-credentials token of its own app client, an
 * authorization-code (+ PKCE) token from the hosted UI, or no token at all (IAM).
 */
export const TOKEN_TYPES = ['client_credentials', 'authorization_code', 'iam'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

interface ActorCommon {
  readonly actor: string;
  readonly description: string;
  /** Where the scopes come from, in the identity provider's terms. */
  readonly grantedThrough: string;
}
export interface TenantActor extends ActorCommon {
  readonly principalType: 'tenant';
  readonly role: TenantRole;
  readonly tokenType: 'client_credentials';
  readonly scopes: readonly TenantScope[];
}
export interface OperatorActor extends ActorCommon {
  readonly principalType: 'operator';
  readonly role: OperatorRole;
  readonly tokenType: 'authorization_code';
  /** The Cognito group that makes a signed-in user this operator. */
  readonly cognitoGroup: OperatorRole;
  readonly scopes: readonly OperatorScope[];
}
export interface JobActor extends ActorCommon {
  readonly principalType: 'job';
  readonly role: 'jobs';
  readonly tokenType: 'iam';
  readonly scopes: readonly [];
}
export type ActorRow = TenantActor | OperatorActor | JobActor;

const TENANT_CLIENT = 'its own Cognito app client per tenant (client credentials; npm run tenants -- create)';

/**
 * The matrix. Finance does not hold ops:read: that scope reads any tenant's payout and the raw DLQ
 * messages, which reconciliation does not need; reconciliation runs and ledger balances have their
 * own scopes (reconciliation:read / :run), and exceptions are listed with exceptions:read, which
 * every operator role holds because every role owns exceptions (DESIGN §3). Starting a run is
 * finance's; on-call sees the runs' results but redrives through ops:redrive.
 */
export const ACCESS_MATRIX: readonly ActorRow[] = [
  {
    actor: 'tenant-backend',
    description: "The tenant's platform backend: creates payouts and batches, reads its own payouts.",
    principalType: 'tenant',
    role: 'backend',
    tokenType: 'client_credentials',
    grantedThrough: TENANT_CLIENT,
    scopes: [
      'payouts:write',
      'payouts:read',
      'batches:write',
      'payouts:reverse',
      'recipients:write',
      'recipients:read',
    ],
  },
  {
    actor: 'tenant-approver',
    description: "A second client of the same tenant: approves or rejects its tenant's payouts and reversals.",
    principalType: 'tenant',
    role: 'approver',
    tokenType: 'client_credentials',
    grantedThrough: TENANT_CLIENT,
    scopes: ['payouts:approve', 'payouts:read'],
  },
  {
    actor: 'tenant-batch-operator',
    description: 'Retries failed batch items: an authority apart from creating payouts.',
    principalType: 'tenant',
    role: 'batch-operator',
    tokenType: 'client_credentials',
    grantedThrough: TENANT_CLIENT,
    scopes: ['batches:retry', 'payouts:read'],
  },
  {
    actor: 'operator-ops',
    description: 'On-call operations: DLQ, redrive, replay, exceptions, payout lookups and corrections.',
    principalType: 'operator',
    role: 'ops',
    tokenType: 'authorization_code',
    cognitoGroup: 'ops',
    grantedThrough: 'Cognito group ops, signed in through the hosted UI (ops-console client)',
    scopes: [
      'ops:read',
      'ops:redrive',
      'exceptions:read',
      'exceptions:write',
      'payouts:correct',
      'reconciliation:read',
    ],
  },
  {
    actor: 'operator-finance',
    description: 'Finance: reconciliation runs, exports and ledger balances, and the exceptions they raise.',
    principalType: 'operator',
    role: 'finance',
    tokenType: 'authorization_code',
    cognitoGroup: 'finance',
    grantedThrough: 'Cognito group finance, signed in through the hosted UI (ops-console client)',
    scopes: ['reconciliation:read', 'reconciliation:run', 'exports:read', 'exceptions:read', 'exceptions:write'],
  },
  {
    actor: 'operator-compliance',
    description: 'Compliance: the audit trail, holds and the review of corrections.',
    principalType: 'operator',
    role: 'compliance',
    tokenType: 'authorization_code',
    cognitoGroup: 'compliance',
    grantedThrough: 'Cognito group compliance, signed in through the hosted UI (ops-console client)',
    scopes: ['audit:read', 'compliance:review', 'payouts:correct', 'exceptions:read', 'exceptions:write'],
  },
  {
    actor: 'jobs',
    description: 'Schedules and queue consumers (sweep, reconcile, submit, process-webhook).',
    principalType: 'job',
    role: 'jobs',
    tokenType: 'iam',
    grantedThrough: 'their Lambda execution roles (IAM); never a token, never an API route',
    scopes: [],
  },
];

export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (TENANT_ROLES as readonly string[]).includes(value);
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export function tenantActor(role: TenantRole): TenantActor {
  const row = ACCESS_MATRIX.find(
    (candidate): candidate is TenantActor => candidate.principalType === 'tenant' && candidate.role === role,
  );
  if (row === undefined) throw new Error(`access matrix: no row for tenant role ${role}`);
  return row;
}

export function operatorActor(role: OperatorRole): OperatorActor {
  const row = ACCESS_MATRIX.find(
    (candidate): candidate is OperatorActor => candidate.principalType === 'operator' && candidate.role === role,
  );
  if (row === undefined) throw new Error(`access matrix: no row for operator role ${role}`);
  return row;
}

/** The scopes a principal of this type and role may hold; none for an unknown role. */
export function scopesOfRole(principalType: PrincipalType, role: string): readonly Scope[] {
  if (principalType === 'tenant') return isTenantRole(role) ? tenantActor(role).scopes : [];
  return isOperatorRole(role) ? operatorActor(role).scopes : [];
}

/**
 * What the hosted-UI (ops-console) client may grant: every scope some operator role holds. The
 * pre-token trigger then narrows it to the signed-in user's group.
 */
export const OPERATOR_CLIENT_SCOPES: readonly OperatorScope[] = [
  ...new Set(ACCESS_MATRIX.flatMap((row) => (row.principalType === 'operator' ? row.scopes : []))),
];

/** A route as the matrix needs it: lib/routes.ts and functions/api/openapi-routes.ts both fit. */
export interface MatrixRoute {
  readonly method: string;
  readonly path: string;
  readonly scope: Scope | null;
}

/** The matrix as GET /access-matrix renders it (snake_case, like every API body). */
export interface AccessMatrixView {
  resource_server: string;
  claims: { principal_type: string; principal_role: string; tenant: string };
  scopes: Array<{ scope: Scope; principal_type: PrincipalType; action: string }>;
  actors: Array<{
    actor: string;
    description: string;
    principal_type: ActorRow['principalType'];
    role: string;
    token_type: TokenType;
    granted_through: string;
    cognito_group: string | null;
    scopes: Array<{ scope: Scope; action: string }>;
    routes: Array<{ method: string; path: string; scope: Scope }>;
  }>;
  public_routes: Array<{ method: string; path: string }>;
}

const routeKey = (route: MatrixRoute) => `${route.method.toUpperCase()} ${route.path}`;

export function accessMatrixView(routes: readonly MatrixRoute[]): AccessMatrixView {
  const sorted = [...routes].sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
  return {
    resource_server: RESOURCE_SERVER_ID,
    claims: { principal_type: PRINCIPAL_TYPE_CLAIM, principal_role: PRINCIPAL_ROLE_CLAIM, tenant: TENANT_CLAIM },
    scopes: SCOPES.map((scope) => ({
      scope,
      principal_type: SCOPE_PRINCIPAL[scope],
      action: SCOPE_DESCRIPTIONS[scope],
    })),
    actors: ACCESS_MATRIX.map((row) => ({
      actor: row.actor,
      description: row.description,
      principal_type: row.principalType,
      role: row.role,
      token_type: row.tokenType,
      granted_through: row.grantedThrough,
      cognito_group: row.principalType === 'operator' ? row.cognitoGroup : null,
      scopes: row.scopes.map((scope) => ({ scope, action: SCOPE_DESCRIPTIONS[scope] })),
      routes: sorted.flatMap((route) =>
        route.scope !== null && (row.scopes as readonly Scope[]).includes(route.scope)
          ? [{ method: route.method.toUpperCase(), path: route.path, scope: route.scope }]
          : [],
      ),
    })),
    public_routes: sorted
      .filter((route) => route.scope === null)
      .map((route) => ({ method: route.method.toUpperCase(), path: route.path })),
  };
}
