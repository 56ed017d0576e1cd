// The console's only door to the platform: every call carries the operator's bearer token, and
// the server decides what the token may do (the page hides nothing for security, only for clarity).

/** A call slower than this is abandoned so the page never hangs on a dead connection. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The error body of DESIGN §3, kept whole so the operator can quote the request id. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly category: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export type Query = Record<string, string | number | undefined | null>;

export class ApiClient {
  constructor(
    /** The API's base path, e.g. `` or `/dev`: the console is served at `<base>/ops`. */
    private readonly basePath: string,
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.call<T>('GET', path + queryString(query));
  }

  /** `extraHeaders`: e.g. the Idempotency-Key of an action (a retry of the same action sends the same key). */
  post<T>(path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    return this.call<T>('POST', path, body, extraHeaders);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    const token = this.token();
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.basePath + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        credentials: 'omit',
      });
    } catch (error) {
      throw new ApiFailure(0, 'network_error', 'retryable', `Could not reach the API (${String(error)})`, null);
    }
    const requestId = response.headers.get('request-id');
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      const error = (parsed as { error?: Record<string, unknown> } | null)?.error ?? {};
      throw new ApiFailure(
        response.status,
        String(error['code'] ?? `http_${response.status}`),
        String(error['category'] ?? 'terminal'),
        String(error['message'] ?? (text.slice(0, 200) || response.statusText)),
        String(error['request_id'] ?? requestId ?? '') || null,
      );
    }
    return parsed as T;
  }
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Explains a failure in words an operator can act on, with the id support will ask for. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure) {
    const hint =
      error.status === 401
        ? ' Your session has ended; sign in again.'
        : error.status === 403
          ? ' Your token lacks the scope this action needs.'
          : error.status === 404
            ? ' Not found (or this API is not deployed yet).'
            : error.status === 429
              ? ' Rate-limited; wait a moment and try again.'
              : '';
    const id = error.requestId ? ` Request-Id: ${error.requestId}.` : '';
    return `${error.message} (${error.code}, HTTP ${error.status}).${hint}${id}`;
  }
  return String(error);
}
