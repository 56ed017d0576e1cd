// The twin's HTTP front door on 127.0.0.1:$PORT: every route of the template (API Gateway HTTP API
// emulation), plus the twin's own endpoints under /.twin/ and GET /health.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { buildEvent, mapResult, type HttpResponse } from './apigw-event.js';
import { InvocationError, PortInUseError } from '../errors.js';
import { ISSUER_PATH, JWKS_PATH, jwks, type IssuerKeys } from './issuer.js';
import { authorize } from './jwt-authorizer.js';
import type { AuthorizerSpec, RouteSpec } from '../template/model.js';
import { LOOPBACK_HOST } from '../emulators/ports.js';
import { RouteTable } from './routes.js';
import { ClockAdvanceError, parseAdvanceBody, type ClockReading } from './twin-clock.js';

/** API Gateway refuses payloads over 10 MB; so does the twin, before buffering more. */
const REQUEST_BODY_BYTES_MAX = 10 * 1024 * 1024;
const SCHEDULE_RUN_PATH = /^\/\.twin\/schedules\/([^/]+)\/run$/;
/** Like Lambda's Invoke API: `npm run invoke` posts an event here when the twin is running. */
const FUNCTION_INVOKE_PATH = /^\/\.twin\/functions\/([^/]+)\/invoke$/;
const CLOCK_PATH = '/.twin/clock';

/** The twin's clock (twin-clock.ts) and what moves with it (schedules, the sandbox provider). */
export interface ClockBackend {
  read(): ClockReading;
  /** The twin's now, epoch ms: the request time API Gateway stamps on the event. */
  nowMs(): number;
  /** Throws ClockAdvanceError when refused; then nothing moved. */
  advance(seconds: unknown): unknown;
  reset(): unknown;
}

export interface ApiBackend {
  /**
   * Undefined until the functions are loaded: routes answer 503 meanwhile. `audience()` is what
   * tenant provisioning added to the authorizers' audiences (the twin's UpdateAuthorizer).
   */
  routing:
    | {
        routes: RouteSpec[];
        authorizers: AuthorizerSpec[];
        keys: IssuerKeys;
        issuer: string;
        apiId: string;
        audience(): string[];
      }
    | undefined;
  /** The identity endpoints under /.twin/issuer and /.twin/apigateway (issuer-endpoints.ts); undefined: not one of them. */
  identity(
    request: { method: string; path: string; headers: Record<string, string>; body: Buffer },
    requestId: string,
  ): Promise<HttpResponse | undefined>;
  invoke(functionLogicalId: string, event: unknown, requestId: string): Promise<unknown>;
  runSchedule(functionShortName: string): Promise<unknown[] | undefined>;
  health(): { ready: boolean; body: unknown };
  inventory(): unknown;
  clock: ClockBackend;
  /**
   * POST /.twin/providers/<provider>/state: a provider stand-in moves one of its payouts and sends its signed
   * webhook (drills/providers.ts). False: no stand-in of that name.
   */
  providerState(provider: string, providerReference: string, state: string): Promise<boolean>;
}

type ErrorType =
  'authentication_error' | 'permission_error' | 'not_found_error' | 'api_error' | 'invalid_request_error';

/** DESIGN §3 error body; every response carries Request-Id. */
export function errorResponse(
  status: number,
  type: ErrorType,
  code: string,
  message: string,
  requestId: string,
  category: 'retryable' | 'terminal' = 'terminal',
  param?: string,
): HttpResponse {
  const error = { type, code, category, message, ...(param === undefined ? {} : { param }), request_id: requestId };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
    cookies: [],
    body: Buffer.from(JSON.stringify({ error })),
  };
}

function jsonResponse(status: number, body: unknown, requestId: string): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
    cookies: [],
    body: Buffer.from(JSON.stringify(body)),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= REQUEST_BODY_BYTES_MAX) chunks.push(chunk);
    });
    request.on('end', () => resolveBody(bytes > REQUEST_BODY_BYTES_MAX ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: HttpResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = { ...result.headers, 'apigw-requestid': requestId };
  if (result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode, headers);
  response.end(result.body);
}

async function routeRequest(
  backend: ApiBackend,
  table: RouteTable,
  request: IncomingMessage,
  body: Buffer,
  requestId: string,
  port: number,
): Promise<HttpResponse> {
  const routing = backend.routing!;
  const url = new URL(request.url ?? '/', `http://${LOOPBACK_HOST}`);
  const method = request.method ?? 'GET';
  const match = table.match(method, url.pathname);
  if (!match)
    return errorResponse(
      404,
      'not_found_error',
      'route_not_found',
      `no route for ${method} ${url.pathname}`,
      requestId,
    );
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(',') : String(value ?? ''),
    ]),
  );
  let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
  if (match.route.authorizerLogicalId) {
    const authorizer = routing.authorizers.find((candidate) => candidate.logicalId === match.route.authorizerLogicalId);
    if (!authorizer)
      return errorResponse(
        500,
        'api_error',
        'authorizer_missing',
        `route ${match.route.routeKey} names an unknown authorizer`,
        requestId,
      );
    const audiences = [...authorizer.audiences, ...routing.audience()];
    const result = await authorize(headers, match.route, { ...authorizer, audiences }, routing.keys, routing.issuer);
    if (!result.ok)
      return errorResponse(
        result.status,
        result.status === 401 ? 'authentication_error' : 'permission_error',
        result.code,
        result.message,
        requestId,
      );
    jwt = { claims: result.claims, scopes: result.scopes };
  }
  const rawQuery = (request.url ?? '').split('?')[1] ?? '';
  const event = buildEvent(
    {
      method,
      rawPath: url.pathname,
      rawQueryString: rawQuery,
      headers: request.headers,
      body,
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? LOOPBACK_HOST,
    },
    {
      requestId,
      routeKey: match.route.routeKey,
      apiId: routing.apiId,
      domainName: `${LOOPBACK_HOST}:${port}`,
      pathParameters: match.pathParameters,
      jwt,
      nowMs: backend.clock.nowMs(),
    },
  );
  try {
    return mapResult(await backend.invoke(match.route.functionLogicalId, event, requestId));
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    const code = error.errorType === 'Sandbox.Timedout' ? 'function_timeout' : 'function_error';
    return errorResponse(
      500,
      'api_error',
      code,
      `${error.functionName}: ${error.errorType}: ${error.message}`,
      requestId,
      'retryable',
    );
  }
}

/** Lambda Invoke semantics: 200 with the result, or 200 + X-Amz-Function-Error with the error body. */
async function invokeFunction(
  backend: ApiBackend,
  name: string,
  body: Buffer,
  requestId: string,
): Promise<HttpResponse> {
  let event: unknown;
  try {
    event = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return errorResponse(400, 'invalid_request_error', 'event_not_json', 'the event must be JSON', requestId);
  }
  try {
    return jsonResponse(200, await backend.invoke(name, event, requestId), requestId);
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    if (error.errorType === 'ResourceNotFoundException')
      return errorResponse(404, 'not_found_error', 'function_not_found', error.message, requestId);
    const response = jsonResponse(200, { errorType: error.errorType, errorMessage: error.message }, requestId);
    response.headers['x-amz-function-error'] = 'Unhandled';
    return response;
  }
}

/** GET /.twin/clock, POST /.twin/clock/advance {"seconds": N}, POST /.twin/clock/reset; else undefined. */
async function clockRequest(
  backend: ApiBackend,
  request: IncomingMessage,
  path: string,
  requestId: string,
): Promise<HttpResponse | undefined> {
  const method = request.method ?? 'GET';
  if (path === CLOCK_PATH && method === 'GET') return jsonResponse(200, backend.clock.read(), requestId);
  if (path === `${CLOCK_PATH}/reset` && method === 'POST') return jsonResponse(200, backend.clock.reset(), requestId);
  if (path !== `${CLOCK_PATH}/advance` || method !== 'POST') return undefined;
  const body = await readBody(request);
  try {
    // readBody answers undefined past REQUEST_BODY_BYTES_MAX; parseAdvanceBody refuses far less.
    return jsonResponse(200, backend.clock.advance(parseAdvanceBody(body ?? null)), requestId);
  } catch (error) {
    if (!(error instanceof ClockAdvanceError)) throw error;
    const status = error.code === 'body_too_large' ? 413 : 400;
    return errorResponse(
      status,
      'invalid_request_error',
      error.code,
      error.message,
      requestId,
      'terminal',
      error.param,
    );
  }
}

const PROVIDER_STATE_PATH = /^\/\.twin\/providers\/([^/]+)\/state$/;

/** `{"provider_reference": "…", "state": "…"}`: the stand-in's own state names (local/providers/<provider>/). */
async function providerStateRequest(
  backend: ApiBackend,
  provider: string,
  request: IncomingMessage,
  requestId: string,
): Promise<HttpResponse> {
  const body = await readBody(request);
  let parsed: { provider_reference?: unknown; state?: unknown } = {};
  try {
    parsed = JSON.parse(body?.toString('utf8') ?? '') as typeof parsed;
  } catch {
    // Falls through to the field checks below.
  }
  for (const field of ['provider_reference', 'state'] as const)
    if (typeof parsed?.[field] !== 'string' || parsed[field] === '')
      return errorResponse(
        400,
        'invalid_request_error',
        'invalid_body',
        `${field} must be a string`,
        requestId,
        'terminal',
        field,
      );
  const moved = await backend.providerState(provider, parsed.provider_reference as string, parsed.state as string);
  if (!moved)
    return errorResponse(404, 'not_found_error', 'provider_not_found', `no stand-in for ${provider}`, requestId);
  return jsonResponse(200, { provider, provider_reference: parsed.provider_reference, state: parsed.state }, requestId);
}

async function handle(
  backend: ApiBackend,
  getTable: () => RouteTable | undefined,
  request: IncomingMessage,
  requestId: string,
  port: number,
): Promise<HttpResponse> {
  const url = new URL(request.url ?? '/', `http://${LOOPBACK_HOST}`);
  const method = request.method ?? 'GET';
  if (url.pathname === '/health' && method === 'GET') {
    const health = backend.health();
    return jsonResponse(health.ready ? 200 : 503, health.body, requestId);
  }
  if (url.pathname === JWKS_PATH && backend.routing) return jsonResponse(200, jwks(backend.routing.keys), requestId);
  if (url.pathname === `${ISSUER_PATH}/.well-known/openid-configuration` && backend.routing) {
    return jsonResponse(
      200,
      { issuer: backend.routing.issuer, jwks_uri: `http://${LOOPBACK_HOST}:${port}${JWKS_PATH}` },
      requestId,
    );
  }
  if (url.pathname === '/.twin/inventory' && method === 'GET') return jsonResponse(200, backend.inventory(), requestId);
  if (url.pathname.startsWith(CLOCK_PATH)) {
    const clock = await clockRequest(backend, request, url.pathname, requestId);
    if (clock) return clock;
  }
  const table = getTable();
  if (!table)
    return errorResponse(
      503,
      'api_error',
      'twin_starting',
      'the twin is still starting; poll GET /health',
      requestId,
      'retryable',
    );
  const providerState = PROVIDER_STATE_PATH.exec(url.pathname);
  if (providerState && method === 'POST')
    return providerStateRequest(backend, decodeURIComponent(providerState[1]!), request, requestId);
  const scheduleRun = SCHEDULE_RUN_PATH.exec(url.pathname);
  if (scheduleRun && method === 'POST') {
    try {
      const results = await backend.runSchedule(decodeURIComponent(scheduleRun[1]!));
      if (!results)
        return errorResponse(
          404,
          'not_found_error',
          'schedule_not_found',
          `no schedule targets ${scheduleRun[1]}`,
          requestId,
        );
      return jsonResponse(200, { results }, requestId);
    } catch (error) {
      return errorResponse(500, 'api_error', 'schedule_run_failed', (error as Error).message, requestId, 'retryable');
    }
  }
  const body = await readBody(request);
  if (body && url.pathname.startsWith('/.twin/')) {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(',') : String(value ?? ''),
      ]),
    );
    const answer = await backend.identity({ method, path: url.pathname, headers, body }, requestId);
    if (answer) return answer;
  }
  const functionInvoke = FUNCTION_INVOKE_PATH.exec(url.pathname);
  if (functionInvoke && method === 'POST' && body)
    return invokeFunction(backend, decodeURIComponent(functionInvoke[1]!), body, requestId);
  if (!body)
    return errorResponse(
      413,
      'invalid_request_error',
      'payload_too_large',
      `the body exceeds ${REQUEST_BODY_BYTES_MAX} bytes`,
      requestId,
    );
  return routeRequest(backend, table, request, body, requestId, port);
}

export interface ApiServer {
  port: number;
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** Binds 127.0.0.1:port (0 = free); rejects with PortInUseError when taken. */
export function startApiServer(backend: ApiBackend, port: number): Promise<ApiServer> {
  let table: RouteTable | undefined;
  const getTable = () => {
    if (!table && backend.routing) table = new RouteTable(backend.routing.routes);
    return table;
  };
  let boundPort = port;
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(backend, getTable, request, requestId, boundPort)
      .then((result) => send(response, result, requestId))
      .catch((error: Error) =>
        send(response, errorResponse(500, 'api_error', 'twin_error', error.message, requestId, 'retryable'), requestId),
      );
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, error) : error),
    );
    server.listen(port, LOOPBACK_HOST, () => {
      const address = server.address();
      boundPort = typeof address === 'object' && address ? address.port : port;
      resolveServer({
        port: boundPort,
        url: `http://${LOOPBACK_HOST}:${boundPort}`,
        server,
        stop: () =>
          new Promise((resolveStop) => {
            server.closeAllConnections();
            server.close(() => resolveStop());
          }),
      });
    });
  });
}
