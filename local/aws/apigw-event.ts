// HTTP API payload format 2.0: the event a Lambda proxy integration receives, and how API Gateway
// turns the function's result into an HTTP response.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { LOCAL_ACCOUNT_ID } from '../template/names.js';

/** Content types API Gateway passes as text; any other body arrives base64-encoded. */
const TEXT_CONTENT_TYPE =
  /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript|x-www-form-urlencoded|graphql))/i;

export interface RawRequest {
  method: string;
  rawPath: string;
  rawQueryString: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

export interface EventContext {
  requestId: string;
  routeKey: string;
  apiId: string;
  domainName: string;
  pathParameters: Record<string, string> | undefined;
  jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
  nowMs: number;
}

/** Headers lower-cased, repeated values joined by commas; cookies go to their own field. */
function eventHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'cookie') continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return result;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString))
    result[key] = key in result ? `${result[key]},${value}` : value;
  return result;
}

function requestTime(nowMs: number): string {
  // API Gateway's format: 25/Nov/2026:17:26:29 +0000
  const date = new Date(nowMs);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function buildEvent(request: RawRequest, context: EventContext): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers = eventHeaders(request.headers);
  const cookieHeader = request.headers.cookie;
  const cookies = cookieHeader
    ? cookieHeader
        .split(';')
        .map((cookie) => cookie.trim())
        .filter(Boolean)
    : undefined;
  // API Gateway documents no behaviour for bytes that are not UTF-8 under a text content type. The
  // twin hands them over base64-encoded, so the function sees exactly what was sent and its strict
  // decoder refuses them (http/body.ts); decoding them here would turn them into U+FFFD unseen.
  const textType = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? 'application/json');
  const isText = request.body.length === 0 || (textType && isUtf8(request.body));
  const event = {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryParameters(request.rawQueryString)
      ? { queryStringParameters: queryParameters(request.rawQueryString) }
      : {}),
    ...(context.pathParameters ? { pathParameters: context.pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.apiId,
      ...(context.jwt ? { authorizer: { principalId: '', integrationLatency: 0, jwt: context.jwt } } : {}),
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0] ?? context.domainName,
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: '$default',
      time: requestTime(context.nowMs),
      timeEpoch: context.nowMs,
    },
    ...(request.body.length > 0
      ? { body: isText ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: !isText,
  };
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * API Gateway's v2 response rules: a result with `statusCode` is taken field by field; anything
 * else (an object without statusCode, a string, a number) is a 200 JSON response whose body is the
 * result itself (a string as-is, anything else as JSON).
 */
export function mapResult(result: APIGatewayProxyResultV2 | unknown): HttpResponse {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as {
      statusCode: number;
      headers?: Record<string, unknown>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    const headers = Object.fromEntries(
      Object.entries(structured.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    const body =
      structured.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: Number(structured.statusCode), headers, cookies: structured.cookies ?? [], body };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body ?? '', 'utf8'),
  };
}
