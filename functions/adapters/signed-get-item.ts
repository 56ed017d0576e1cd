import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, SigV4RequestError, withAttempts, type StaticCredentials } from './sigv4-request';

export { credentialsFromEnv } from './sigv4-request';

// One consistent GetItem over DynamoDB's JSON protocol, signed by the SDK's own SigV4 signer, and
// nothing else of the SDK. It exists for the Cognito pre-token trigger: it runs on every token
// (a cold one on a caller's path) and needs this one read, while the DynamoDB client and its
// protocol stack weigh about 300 KB of bundle (issue 12: the trigger was 354 KB, its goal 150 KB).
// Every other function keeps the SDK client.

/** Attempts per read; the SDK clients use the same (adapters/aws-clients.ts MAX_ATTEMPTS). */
export const GET_ITEM_ATTEMPTS_MAX = 3;
/** Full-jitter backoff base; attempt n waits up to base × 2^n. */
export const GET_ITEM_RETRY_DELAY_MS_BASE = 50;
/** Per attempt: three attempts and their backoff stay inside the trigger's 5 s Cognito timeout. */
export const GET_ITEM_ATTEMPT_TIMEOUT_MS = 1_200;

const GET_ITEM_TARGET = 'DynamoDB_20120810.GetItem';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** DynamoDB's `__type` suffixes that mean "ask again later"; every other 4xx is terminal. */
const RETRYABLE_ERROR_TYPES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/** What a refused or failed read throws: the shared request error, named for this read. */
export class SignedGetItemError extends SigV4RequestError {
  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(code, message, options);
    this.name = 'SignedGetItemError';
  }
}

export interface SignedGetItemOptions {
  region: string;
  /** The SDK's own variable names (AWS_ENDPOINT_URL_DYNAMODB), so the twin points it as it points the clients. */
  endpoint: string;
  credentials: () => StaticCredentials;
  fetch?: typeof fetch;
  /** Injected so tests do not wait; `random` in [0, 1). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Where the SDK would send it: `AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`, then the region's. */
export function dynamoEndpointFromEnv(env: NodeJS.ProcessEnv, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return env['AWS_ENDPOINT_URL_DYNAMODB'] || env['AWS_ENDPOINT_URL'] || `https://dynamodb.${region}.${suffix}`;
}

type AttributeValue = Record<string, unknown>;
export type GetItem = (tableName: string, key: Record<string, string>) => Promise<Record<string, unknown> | undefined>;

/**
 * String attributes come back as strings, numbers as numbers, booleans as booleans; any other
 * type as undefined, so a reader checking types fails closed on it rather than guessing.
 */
function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (typeof value['S'] === 'string') plain[name] = value['S'];
    else if (typeof value['N'] === 'string') plain[name] = Number(value['N']);
    else if (typeof value['BOOL'] === 'boolean') plain[name] = value['BOOL'];
    else plain[name] = undefined;
  }
  return plain;
}

async function errorOf(response: Response): Promise<SignedGetItemError> {
  const text = await response.text().catch(() => '');
  let type = '';
  try {
    type = String((JSON.parse(text) as { __type?: unknown }).__type ?? '');
  } catch {
    // Not JSON (a proxy's page): the status decides.
  }
  const code = type.split('#').pop() || `http_${response.status}`;
  const retryable = response.status >= 500 || RETRYABLE_ERROR_TYPES.has(code);
  return new SignedGetItemError(code, `GetItem answered ${response.status} ${code}`, { retryable });
}

export function signedGetItem(options: SignedGetItemOptions): GetItem {
  const url = new URL(options.endpoint);
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: options.region,
    credentials: async () => options.credentials(),
    sha256: NodeSha256,
  });
  const doFetch = options.fetch ?? fetch;

  const attempt = async (body: string): Promise<Record<string, unknown> | undefined> => {
    const headers = { host: url.host, 'content-type': JSON_CONTENT_TYPE, 'x-amz-target': GET_ITEM_TARGET };
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers,
      body,
    });
    // fetch derives Host from the URL (the same value that was signed) and refuses to be told it.
    const { host: _host, ...sent } = signed.headers;
    const response = await doFetch(url, {
      method: 'POST',
      headers: sent,
      body,
      signal: AbortSignal.timeout(GET_ITEM_ATTEMPT_TIMEOUT_MS),
    });
    if (!response.ok) throw await errorOf(response);
    const { Item } = (await response.json()) as { Item?: Record<string, AttributeValue> };
    return Item === undefined ? undefined : plainItem(Item);
  };

  return async (tableName, key) => {
    const wireKey = Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
    // Consistent, like the SDK path it replaces: a disabled client counts from the next token on.
    const body = JSON.stringify({ TableName: tableName, Key: wireKey, ConsistentRead: true });
    return withAttempts(() => attempt(body), {
      attemptsMax: GET_ITEM_ATTEMPTS_MAX,
      retryDelayMsBase: GET_ITEM_RETRY_DELAY_MS_BASE,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  };
}
