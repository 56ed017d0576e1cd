import * as z from 'zod';
import { TRANSIENT_FAILURE_RETRY_AFTER_SECONDS, unknownFailureOf, type FailureSemantics } from '../internal-error';
import { qualifiedScope, RESOURCE_SERVER_ID, SCOPE_DESCRIPTIONS } from '../../shared/names';
import { API_BODY_DEPTH_MAX } from '../http-limits';
import {
  DEFAULT_LIMITS,
  openApiRoutes,
  TAGS,
  type DocumentedLimits,
  type OpenApiRoute,
  type ResponseHeader,
} from './openapi-routes';
import { errorBodySchema } from '../schemas';

/**
 * GET /openapi.json, generated from the zod schemas the handlers validate with and answer (zod v4
 * `z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Request schemas are
 * rendered as input (what a caller may send), response schemas as output (what the handler
 * sends: objects closed, so an undocumented field is a contract break, not a surprise).
 */
export const OPENAPI_VERSION = '3.1.0';
export const API_VERSION = '1.0.0';
/** API Gateway HTTP API refuses larger request bodies itself (413), before any handler runs (DESIGN §7). */
export const API_GATEWAY_BODY_BYTES_MAX = 10 * 1024 * 1024;
/** `npm start` (config/local.json `port`). */
export const TWIN_SERVER_URL = 'http://127.0.0.1:3000';
/** Names the vendor extension that says a query refuses unknown parameters (400 parameter_unknown). */
export const STRICT_QUERY_EXTENSION = 'x-additional-query-parameters';
/** Names the vendor extension on a request body with the handler's own byte limit. */
export const BODY_BYTES_MAX_EXTENSION = 'x-body-bytes-max';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const GATEWAY_ERROR_REF = { $ref: '#/components/schemas/GatewayError' };

const HEADER_COMPONENTS: Record<ResponseHeader | 'Request-Id', JsonObject> = {
  'Request-Id': {
    description: 'Correlation id of this request (yours from X-Request-Id when well formed)',
    required: true,
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description: '`true` when this answer is the stored answer of an earlier request with the same key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  Location: { description: 'Where to poll the created resource', required: true, schema: { type: 'string' } },
};
const headerRef = (name: ResponseHeader | 'Request-Id') => ({ $ref: `#/components/headers/${name.replace(/-/g, '')}` });
const responseHeaders = (extra: readonly ResponseHeader[] = []) =>
  Object.fromEntries([['Request-Id', headerRef('Request-Id')], ...extra.map((name) => [name, headerRef(name)])]);

function parameters(route: OpenApiRoute): JsonObject[] {
  const list: JsonObject[] = [];
  const placeholders = (route.path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1));
  const given = Object.keys(route.pathParameters ?? {});
  if (placeholders.join() !== given.join())
    throw new Error(`${route.operationId}: path parameters ${given} do not match ${route.path}`);
  for (const [name, schema] of Object.entries(route.pathParameters ?? {}))
    list.push(parameter(name, 'path', true, jsonSchema(schema, 'input')));
  if (route.query !== undefined) {
    const output = jsonSchema(route.query, 'output') as { properties?: Record<string, JsonObject> };
    const inputRequired = new Set((jsonSchema(route.query, 'input') as { required?: string[] }).required ?? []);
    for (const [name, schema] of Object.entries(output.properties ?? {}))
      list.push(parameter(name, 'query', inputRequired.has(name), schema));
  }
  for (const header of route.headers ?? [])
    list.push({
      ...parameter(header.name, 'header', header.required, jsonSchema(header.schema, 'input')),
      description: header.description,
    });
  return list;
}

function parameter(
  name: string,
  location: 'path' | 'query' | 'header',
  required: boolean,
  schema: JsonObject,
): JsonObject {
  const { description, ...rest } = schema;
  return { name, in: location, required, ...(description === undefined ? {} : { description }), schema: rest };
}

function requestBody(body: NonNullable<OpenApiRoute['requestBody']>): JsonObject {
  const limit = body.bodyBytesMax ?? API_GATEWAY_BODY_BYTES_MAX;
  const schema = jsonSchema(body.schema, 'input');
  const anyType = body.anyContentType === true ? '; any Content-Type (the raw bytes are what counts)' : '';
  return {
    required: body.required,
    description: `At most ${limit} bytes${body.required ? '' : '; an empty body means `{}`'}${anyType}.`,
    content: {
      'application/json': {
        schema,
        ...(body.examples === undefined
          ? {}
          : { examples: Object.fromEntries(Object.entries(body.examples).map(([name, value]) => [name, { value }])) }),
      },
      ...(body.anyContentType === true ? { '*/*': { schema } } : {}),
    },
    [BODY_BYTES_MAX_EXTENSION]: limit,
  };
}

/** The strict body parser's refusals (handlers/http/body.ts), in its order, then the strict schema's. */
const JSON_BODY_400 =
  'body_not_utf8, body_not_json, ' +
  `body_too_deep (nested deeper than ${API_BODY_DEPTH_MAX} levels), duplicate_json_key (a key repeated in one ` +
  'object; param its path, fields every one), body_not_object, forbidden_key (__proto__, constructor, ' +
  'prototype); field_unknown (a field the schema does not list; fields: every one)';
const STRICT_QUERY_400 = 'parameter_unknown: a query parameter the route does not take (fields: every one)';

/** httpHandler's rule (api/http-handler.ts): a GET reads, a POST is an operator action unless it says otherwise. */
const failureOf = (route: OpenApiRoute): FailureSemantics =>
  route.failure ?? (route.method === 'get' ? 'read' : 'operator_action');

const isStrictQuery = (route: OpenApiRoute): boolean =>
  route.query !== undefined && jsonSchema(route.query, 'input')['additionalProperties'] === false;

/** Statuses every route may answer, and the routes' own, with who answers them. */
function errorResponses(route: OpenApiRoute): Record<string, JsonObject> {
  const { descriptions, fromGateway } = errorDescriptions(route);
  const extraHeaders = {
    ...(route.errorHeaders ?? {}),
    ...(descriptions.has(503) ? { 503: ['Retry-After'] } : {}),
  } as Partial<Record<number, ResponseHeader[]>>;
  return Object.fromEntries(
    [...descriptions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, description]) => [
        String(status),
        {
          description,
          headers: responseHeaders(extraHeaders[status]),
          content: {
            'application/json': {
              schema: fromGateway.has(status) ? { anyOf: [ERROR_REF, GATEWAY_ERROR_REF] } : ERROR_REF,
            },
          },
        },
      ]),
  );
}

/** Each error status the route can answer, described; and which of them API Gateway may answer instead. */
function errorDescriptions(route: OpenApiRoute): { descriptions: Map<number, string>; fromGateway: Set<number> } {
  const own = route.errors as Partial<Record<number, string>>;
  const join = (...parts: Array<string | undefined>) => parts.filter((p) => p !== undefined).join('; ');
  const fromGateway = new Set<number>([429, 500]);
  const descriptions = new Map<number, string>();
  for (const [status, when] of Object.entries(own)) descriptions.set(Number(status), when!);
  const body = route.requestBody;
  const jsonBody = body !== undefined && body.anyContentType !== true;
  const queryRefusal = isStrictQuery(route) && !(own[400] ?? '').includes('parameter_unknown');
  if (jsonBody || queryRefusal)
    descriptions.set(
      400,
      join(own[400], jsonBody ? JSON_BODY_400 : undefined, queryRefusal ? STRICT_QUERY_400 : undefined),
    );
  if (route.scope !== null) {
    fromGateway.add(401).add(403);
    descriptions.set(
      401,
      join(
        "No valid bearer token: missing, malformed, expired, or of another issuer or audience (API Gateway's JWT authorizer)",
        own[401],
      ),
    );
    descriptions.set(
      403,
      join(`The token lacks the ${qualifiedScope(route.scope)} scope (the authorizer's insufficient_scope)`, own[403]),
    );
  }
  if (body !== undefined) {
    fromGateway.add(413);
    const own413 = body.bodyBytesMax === undefined ? undefined : `body_too_large: over ${body.bodyBytesMax} bytes`;
    descriptions.set(413, join(`Over API Gateway's ${API_GATEWAY_BODY_BYTES_MAX} bytes`, own413, own[413]));
    if (jsonBody)
      descriptions.set(
        415,
        join('content_type_unsupported: a body whose Content-Type is not application/json', own[415]),
      );
  }
  descriptions.set(429, "Throttled by API Gateway (the stage's rate and burst limits; AWS only)");
  if (route.callsAws !== false) {
    const transient =
      'temporarily_unavailable (retryable): an AWS service the route depends on failed transiently ' +
      "(throttling, a 5xx, a timeout) after the SDK's retries; retry after Retry-After " +
      `(${TRANSIENT_FAILURE_RETRY_AFTER_SECONDS} s)`;
    descriptions.set(503, join(own[503], transient));
  }
  const unknown = unknownFailureOf(failureOf(route));
  descriptions.set(
    500,
    `internal_error (${unknown.category}): ${unknown.message}. Or API Gateway's own refusal when the function ` +
      'itself fails (a crash or a timeout)',
  );
  return { descriptions, fromGateway };
}

function operation(route: OpenApiRoute): JsonObject {
  const list = parameters(route);
  const strictQuery = isStrictQuery(route);
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const mediaType = response.mediaType ?? 'application/json';
    responses[status] = {
      description: response.description,
      headers: responseHeaders(response.headers),
      content: { [mediaType]: { schema: jsonSchema(response.schema, 'output') } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description:
      route.scope === null ? route.description : `${route.description} Scope: ${qualifiedScope(route.scope)}.`,
    tags: route.tags,
    security: route.scope === null ? [] : [{ jwt: [qualifiedScope(route.scope)] }],
    ...(list.length === 0 ? {} : { parameters: list }),
    ...(strictQuery ? { [STRICT_QUERY_EXTENSION]: false } : {}),
    ...(route.requestBody === undefined ? {} : { requestBody: requestBody(route.requestBody) }),
    responses: { ...responses, ...errorResponses(route) },
  };
}

function servers(serverUrl: string | undefined): JsonObject[] {
  const list: JsonObject[] = [];
  if (serverUrl !== undefined && serverUrl !== TWIN_SERVER_URL)
    list.push({ url: serverUrl, description: 'This server' });
  list.push({ url: TWIN_SERVER_URL, description: 'The local twin (`npm start`)' });
  list.push({
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
    description: "A deployed stack's HTTP API (stack output ApiUrl)",
    variables: {
      apiId: { default: 'api-id', description: 'The HTTP API id' },
      region: { default: 'us-east-1', description: 'The AWS region of the stack' },
    },
  });
  return list;
}

/** `limits` are the deployment's: get-openapi reads them from the same variables create-payout does. */
export function buildOpenApiDocument(serverUrl?: string, limits: DocumentedLimits = DEFAULT_LIMITS): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of openApiRoutes(limits))
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation(route) };
  const scopes = Object.entries(SCOPE_DESCRIPTIONS).map(([s, d]) => `${RESOURCE_SERVER_ID}/${s} (${d})`);
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Payout platform API',
      version: API_VERSION,
      description:
        "Idempotent payouts, their lifecycle and ledger. Tokens are JWTs from the platform's Cognito user pool " +
        `(client credentials); scopes: ${scopes.join('; ')}. Every answer carries Request-Id; every error has the ` +
        'body `{ error: { type, code, category, message, param?, request_id } }` (API Gateway’s own refusals in AWS: ' +
        '`{ message }`).',
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    },
    servers: servers(serverUrl),
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token; the required scope of each operation is listed in its security requirement.',
        },
      },
      schemas: {
        Error: jsonSchema(errorBodySchema, 'output'),
        GatewayError: {
          type: 'object',
          description:
            "API Gateway's own refusal in AWS (authorizer, size, throttling, a failed function); the twin answers with Error",
          properties: { message: { type: 'string' } },
          required: ['message'],
        },
      },
      headers: Object.fromEntries(
        Object.entries(HEADER_COMPONENTS).map(([name, header]) => [name.replace(/-/g, ''), header]),
      ),
    },
  };
}
