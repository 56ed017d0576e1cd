/** One answer of the twin's HTTP API, its body parsed as JSON. */
export interface TwinAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, any>;
}

/**
 * A request to the twin's API as a platform backend or an operator would send it: a bearer token
 * when given, a JSON body (a string is sent as it is, so a test can send malformed JSON).
 */
export async function twinCall(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TwinAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

/** `twinCall` bound to a twin started later (in beforeAll): the URL is read at each call. */
export function twinCaller(baseUrl: () => string) {
  return (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>) =>
    twinCall(baseUrl(), method, path, token, body, headers);
}
