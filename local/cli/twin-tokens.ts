// Tokens from a running twin's issuer (POST /.twin/issuer/token), for the CLIs and drills that run
// beside `npm start`: the twin mints them the way Cognito would (local/aws/cognito.ts), so a CLI
// never signs a token of its own.
import type { TwinTokenRequest } from '../twin.js';
import { TWIN_TOKEN_PATH } from '../aws/issuer-endpoints.js';

export class TwinTokenError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'TwinTokenError';
  }
}

export async function requestTwinToken(twinUrl: string, request: TwinTokenRequest): Promise<string> {
  const { ttlSeconds, ...rest } = request;
  const response = await fetch(`${twinUrl}${TWIN_TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...rest, ...(ttlSeconds === undefined ? {} : { ttl_seconds: ttlSeconds }) }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || body.access_token === undefined) {
    throw new TwinTokenError(
      body.error ?? `http_${response.status}`,
      body.error_description ?? `the twin answered ${response.status}`,
    );
  }
  return body.access_token;
}
