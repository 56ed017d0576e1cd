import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

// What the two hand-signed requests share (signed-get-item.ts for the pre-token trigger's one read,
// signed-get-object.ts for the screening list): the signer's hash, the environment's credentials and
// the attempt loop. Both exist only to keep a whole SDK client out of a function's bundle (issue 12);
// the signing itself is the SDK's own (@smithy/signature-v4).

export class SigV4RequestError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'SigV4RequestError';
    this.code = code;
    this.retryable = options.retryable;
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** The signer's hash: node:crypto's SHA-256 (HMAC when given a key), in the shape @smithy expects. */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export type StaticCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Lambda puts the execution role's credentials in these variables; the twin sets local ones. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): () => StaticCredentials {
  return () => {
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if (!accessKeyId || !secretAccessKey)
      throw new SigV4RequestError('credentials_missing', 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY unset', {
        retryable: false,
      });
    const sessionToken = env['AWS_SESSION_TOKEN'];
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };
}

export interface AttemptPolicy {
  attemptsMax: number;
  /** Full-jitter backoff base; attempt n waits up to base × 2^n. */
  retryDelayMsBase: number;
  /** Injected so tests do not wait; `random` in [0, 1). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, refuses terminally (a SigV4RequestError that is not retryable), or the
 * attempts run out. A network failure or a timeout is worth another attempt.
 */
export async function withAttempts<T>(attempt: () => Promise<T>, policy: AttemptPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = policy.random ?? Math.random;
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof SigV4RequestError ? error.retryable : true;
      if (!retryable || attemptIndex + 1 >= policy.attemptsMax) throw error;
      await sleep(random() * policy.retryDelayMsBase * 2 ** attemptIndex);
    }
  }
}
