// The twin's identity endpoints, for CLIs and the console on the twin (all loopback, no auth, like
// the rest of /.twin/):
//   POST /.twin/issuer/oauth2/token   Cognito's token endpoint, grant_type=client_credentials
//   POST /.twin/issuer/token          twin only: {tenant, role} or {operator, role}, [scopes], [ttl_seconds]
//   GET|POST /.twin/issuer/clients    CreateUserPoolClient (tenant provisioning) and the list, no secrets
//   GET|POST /.twin/apigateway/audience  the JWT authorizer's audience beyond the template (UpdateAuthorizer)
// Token errors are OAuth's `{ error, error_description }`, as Cognito answers them.
import type { HttpResponse } from './apigw-event.js';
import type { ClientRegistry } from './client-registry.js';
import { OAuthError, type MintedToken, type TwinCognito } from './cognito.js';
import { ISSUER_PATH } from './issuer.js';

export const TWIN_TOKEN_PATH = `${ISSUER_PATH}/token`;
export const OAUTH_TOKEN_PATH = `${ISSUER_PATH}/oauth2/token`;
export const CLIENTS_PATH = `${ISSUER_PATH}/clients`;
export const AUDIENCE_PATH = '/.twin/apigateway/audience';

export interface EndpointRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

function reply(status: number, body: unknown, requestId: string): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, 'cache-control': 'no-store' },
    cookies: [],
    body: Buffer.from(JSON.stringify(body)),
  };
}

function tokenBody(token: MintedToken) {
  return {
    access_token: token.accessToken,
    token_type: 'Bearer',
    expires_in: token.expiresInSeconds,
    client_id: token.clientId,
    scope: token.scopes.join(' '),
  };
}

function oauthFailure(error: unknown, requestId: string): HttpResponse {
  if (!(error instanceof OAuthError)) throw error;
  return reply(
    error.error === 'invalid_client' ? 401 : 400,
    { error: error.error, error_description: error.message },
    requestId,
  );
}

function json(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OAuthError('invalid_request', 'the body must be a JSON object');
}

function stringList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : undefined;
}
const optionalNumber = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

/** Client authentication as Cognito takes it: HTTP Basic, or client_id + client_secret in the form. */
function clientCredentialsOf(
  request: EndpointRequest,
  form: URLSearchParams,
): { clientId: string; clientSecret: string } {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers['authorization'] ?? '')?.[1];
  if (basic !== undefined) {
    const [clientId, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(clientId ?? ''), clientSecret: decodeURIComponent(rest.join(':')) };
  }
  return { clientId: form.get('client_id') ?? '', clientSecret: form.get('client_secret') ?? '' };
}

async function oauthToken(cognito: TwinCognito, request: EndpointRequest, requestId: string): Promise<HttpResponse> {
  try {
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      throw new OAuthError(
        'unsupported_grant_type',
        'the twin issues client_credentials tokens here; operators use POST /.twin/issuer/token',
      );
    }
    const scope = form.get('scope');
    const token = await cognito.clientCredentials({
      ...clientCredentialsOf(request, form),
      ...(scope === null ? {} : { scope }),
    });
    return reply(200, tokenBody(token), requestId);
  } catch (error) {
    return oauthFailure(error, requestId);
  }
}

async function twinToken(cognito: TwinCognito, request: EndpointRequest, requestId: string): Promise<HttpResponse> {
  try {
    const body = json(request.body);
    const scopes = stringList(body['scopes']);
    const ttlSeconds = optionalNumber(body['ttl_seconds']);
    const common = {
      role: String(body['role'] ?? ''),
      ...(scopes === undefined ? {} : { scopes }),
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    };
    const { tenant, operator } = body;
    if (typeof tenant === 'string' && operator === undefined)
      return reply(200, tokenBody(await cognito.tenantToken({ tenant, ...common })), requestId);
    if (typeof operator === 'string' && tenant === undefined)
      return reply(200, tokenBody(await cognito.operatorToken({ operator, ...common })), requestId);
    throw new OAuthError(
      'invalid_request',
      'give either tenant (with a tenant role) or operator (with an operator role)',
    );
  } catch (error) {
    return oauthFailure(error, requestId);
  }
}

function clients(registry: ClientRegistry, request: EndpointRequest, requestId: string): HttpResponse {
  if (request.method === 'GET') {
    const listed = registry.list().map((client) => ({
      client_id: client.clientId,
      client_name: client.clientName,
      allowed_scopes: client.allowedScopes,
      created_at: client.createdAt,
    }));
    return reply(200, { clients: listed }, requestId);
  }
  try {
    const body = json(request.body);
    const clientName = body['client_name'];
    const allowedScopes = stringList(body['allowed_scopes']);
    if (typeof clientName !== 'string' || clientName === '' || allowedScopes === undefined) {
      throw new OAuthError('invalid_request', 'client_name and allowed_scopes are required');
    }
    const created = registry.create({ clientName, allowedScopes });
    return reply(200, { client_id: created.clientId, client_secret: created.clientSecret }, requestId);
  } catch (error) {
    return oauthFailure(error, requestId);
  }
}

function audience(
  registry: ClientRegistry,
  templateAudience: string[],
  request: EndpointRequest,
  requestId: string,
): HttpResponse {
  if (request.method === 'POST') {
    try {
      const body = json(request.body);
      registry.addAudience(stringList(body['add']) ?? []);
      registry.removeAudience(stringList(body['remove']) ?? []);
    } catch (error) {
      return oauthFailure(error, requestId);
    }
  }
  return reply(200, { template: templateAudience, added: registry.audience() }, requestId);
}

/** The answer for one of these paths, or undefined when the path is not one of them. */
export interface IdentityDependencies {
  cognito: TwinCognito;
  registry: ClientRegistry;
  /** The template's own audiences (shown beside the added ones). */
  templateAudience: string[];
}

export async function identityEndpoint(
  deps: IdentityDependencies,
  request: EndpointRequest,
  requestId: string,
): Promise<HttpResponse | undefined> {
  const route = `${request.method} ${request.path}`;
  switch (route) {
    case `POST ${OAUTH_TOKEN_PATH}`:
      return oauthToken(deps.cognito, request, requestId);
    case `POST ${TWIN_TOKEN_PATH}`:
      return twinToken(deps.cognito, request, requestId);
    case `GET ${CLIENTS_PATH}`:
    case `POST ${CLIENTS_PATH}`:
      return clients(deps.registry, request, requestId);
    case `GET ${AUDIENCE_PATH}`:
    case `POST ${AUDIENCE_PATH}`:
      return audience(deps.registry, deps.templateAudience, request, requestId);
    default:
      return undefined;
  }
}
