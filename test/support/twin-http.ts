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

/** How long `waitUntil` asks, and how often. */
export interface WaitOptions {
  waitMsMax: number;
  pollMs: number;
}

/** Asks `probe` until it answers something truthy, or throws after `waitMsMax` naming `what` it waited for. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { waitMsMax, pollMs }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + waitMsMax;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
