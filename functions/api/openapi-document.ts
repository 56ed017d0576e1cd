import { z } from 'zod';
import { RESOURCE_SERVER_ID, SCOPE_DESCRIPTIONS } from '../shared/names';
import { OPENAPI_ROUTES, type OpenApiRoute } from './openapi-routes';
import { errorBodySchema } from './schemas';

/**
 * GET /openapi.json, generated from the zod schemas the handlers validate with (zod v4
 * `z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
export const OPENAPI_VERSION = '3.1.0';
export const API_VERSION = '1.0.0';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (named error code and param)',
  401: 'Missing or invalid token',
  403: 'Token without the route scope or without a tenant, or of the wrong principal (GET /access-matrix)',
  404: 'Not found (or another tenant’s)',
  409: 'Conflict, e.g. idempotency_request_in_progress (see Retry-After)',
  413: 'Body too large',
  415: 'Content-Type must be application/json',
  422: 'Semantically invalid (corridor, account fields) or idempotency_key_reused',
  500: 'Internal error (retryable unless stored for the Idempotency-Key)',
};

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

function operation(route: OpenApiRoute): JsonObject {
  const parameters: JsonObject[] = [];
  for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
    parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query !== undefined) {
    const query = jsonSchema(route.query, 'output') as { properties?: Record<string, JsonObject>; required?: string[] };
    const inputRequired = new Set((jsonSchema(route.query, 'input') as { required?: string[] }).required ?? []);
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: 'query', required: inputRequired.has(name), schema: rest, ...(description === undefined ? {} : { description }) });
    }
  }
  for (const header of route.headers ?? []) parameters.push({ name: header.name, in: 'header', required: header.required, description: header.description, schema: header.schema });

  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      headers: Object.fromEntries([['Request-Id', { $ref: '#/components/headers/RequestId' }], ...(response.headers ?? []).map((h) => [h, { $ref: `#/components/headers/${h.replace(/-/g, '')}` }])]),
      content: { 'application/json': { schema: response.schema === undefined ? { type: 'object' } : jsonSchema(response.schema, 'output') } },
    };
  }
  const errorStatuses = new Set([400, 500, ...(route.scope === null ? [] : [401, 403]), ...(route.errors ?? [])]);
  for (const status of [...errorStatuses].sort()) {
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: route.tags,
    security: route.scope === null ? [] : [{ jwt: [`${RESOURCE_SERVER_ID}/${route.scope}`] }],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.requestBody === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.requestBody, 'input') } } } }),
    responses,
  };
}

export function buildOpenApiDocument(serverUrl?: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of OPENAPI_ROUTES) paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation(route) };
  const errorSchema = jsonSchema(errorBodySchema, 'output');
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Payout platform API',
      version: API_VERSION,
      description: `Idempotent payouts, their lifecycle and ledger. Tokens are JWTs from the platform's Cognito user pool (client credentials); scopes: ${Object.entries(SCOPE_DESCRIPTIONS).map(([s, d]) => `${RESOURCE_SERVER_ID}/${s} (${d})`).join('; ')}.`,
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token; the required scope of each operation is listed in its security requirement.' } },
      schemas: { Error: errorSchema },
      headers: {
        RequestId: { description: 'Correlation id of this request (yours from X-Request-Id when well formed)', schema: { type: 'string' } },
        IdempotentReplayed: { description: '`true` when this answer is the stored answer of an earlier request with the same key', schema: { type: 'string', enum: ['true'] } },
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
      },
      responses: Object.fromEntries(
        Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
          `Error${status}`,
          { description, headers: { 'Request-Id': { $ref: '#/components/headers/RequestId' }, ...(status === '409' ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}) }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
    },
  };
}
