import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, SigV4RequestError, withAttempts, type StaticCredentials } from './sigv4-request';

// S3 GetObject, signed by the SDK's own SigV4 signer, and nothing else of the S3 client. It exists for the
// screening list (adapters/screening/sdn-list-sources.ts): create-payout screens a first-paid recipient and
// would otherwise carry @aws-sdk/client-s3 (its endpoint rules, XML protocol and checksum middleware: about
// 130 KB of the 700 KB budget, issue 12) for four reads a container makes once per list TTL. process-batch
// reads its chunk's byte range of the accepted items object through it too (batch-item-ranges.ts), for the
// same reason. Functions that write to S3 or list it keep the SDK client.

/** Attempts per object, as the SDK clients (adapters/aws-clients.ts MAX_ATTEMPTS). */
export const GET_OBJECT_ATTEMPTS_MAX = 3;
/** Full-jitter backoff base; attempt n waits up to base × 2^n. */
export const GET_OBJECT_RETRY_DELAY_MS_BASE = 100;
/** Per attempt, headers and body: the SDN files are a few MB, read in-region in well under a second. */
export const GET_OBJECT_TIMEOUT_MS = 30_000;

/** S3's error codes that mean "ask again later"; every other 4xx is terminal (NoSuchKey, AccessDenied …). */
const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
]);

export class SignedGetObjectError extends SigV4RequestError {
  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(code, message, options);
    this.name = 'SignedGetObjectError';
  }
}

export interface SignedGetObjectOptions {
  region: string;
  /** The SDK's own variable names (AWS_ENDPOINT_URL_S3), so the twin points it as it points the clients. */
  endpoint: string;
  /** Path style (`endpoint/bucket/key`), as fauxqs serves; else virtual-hosted (`bucket.endpoint/key`), as S3 prefers. */
  forcePathStyle: boolean;
  credentials: () => StaticCredentials;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A byte range of an object: `endByteExclusive` is one past the last byte (HTTP's Range end is inclusive). */
export interface ByteRange {
  readonly startByte: number;
  readonly endByteExclusive: number;
}

/** Opens one object (or one byte range of it) for reading; a missing object is a SignedGetObjectError with code NoSuchKey. */
export type GetObject = (bucket: string, key: string, range?: ByteRange) => Promise<Readable>;

/** Where the SDK would send it: `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then the region's. */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || `https://s3.${region}.${suffix}`;
}

/** S3 keys are signed and sent with each segment percent-encoded once (S3 does not double-encode). */
const encodedKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** The object's URL in the addressing style asked for. */
export function objectUrl(endpoint: string, bucket: string, key: string, forcePathStyle: boolean): URL {
  const base = new URL(endpoint);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (forcePathStyle) return new URL(`${base.origin}${prefix}/${encodeURIComponent(bucket)}/${encodedKey(key)}`);
  return new URL(`${base.protocol}//${bucket}.${base.host}${prefix}/${encodedKey(key)}`);
}

const XML_CODE = /<Code>([^<]+)<\/Code>/;

async function errorOf(response: Response, where: string): Promise<SignedGetObjectError> {
  const text = await response.text().catch(() => '');
  const code = XML_CODE.exec(text)?.[1] ?? (response.status === 404 ? 'NoSuchKey' : `http_${response.status}`);
  const retryable = response.status >= 500 || RETRYABLE_ERROR_CODES.has(code);
  return new SignedGetObjectError(code, `GetObject ${where} answered ${response.status} ${code}`, { retryable });
}

export function signedGetObject(options: SignedGetObjectOptions): GetObject {
  const signer = new SignatureV4({
    service: 's3',
    region: options.region,
    credentials: async () => options.credentials(),
    sha256: NodeSha256,
    // The path is encoded once above, as S3 expects; the signer must not encode it again.
    uriEscapePath: false,
    applyChecksum: true,
  });
  const doFetch = options.fetch ?? fetch;

  const attempt = async (url: URL, where: string, range: ByteRange | undefined): Promise<Readable> => {
    const ranged: Record<string, string> =
      range === undefined ? {} : { range: `bytes=${range.startByte}-${range.endByteExclusive - 1}` };
    const signed = await signer.sign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...ranged },
    });
    // fetch derives Host from the URL (the same value that was signed) and refuses to be told it.
    const { host: _host, ...sent } = signed.headers;
    const response = await doFetch(url, {
      method: 'GET',
      headers: sent,
      signal: AbortSignal.timeout(GET_OBJECT_TIMEOUT_MS),
    });
    if (!response.ok) throw await errorOf(response, where);
    if (response.body === null) return Readable.from([]);
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  };

  return (bucket, key, range) => {
    const url = objectUrl(options.endpoint, bucket, key, options.forcePathStyle);
    const where = `s3://${bucket}/${key}`;
    // Retried until the body starts: a stream cut midway fails the load, which the list cache drops, and
    // the next request loads again (wiring/screening.ts).
    return withAttempts(() => attempt(url, where, range), {
      attemptsMax: GET_OBJECT_ATTEMPTS_MAX,
      retryDelayMsBase: GET_OBJECT_RETRY_DELAY_MS_BASE,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  };
}
