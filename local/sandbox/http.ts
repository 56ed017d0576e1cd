// Small node:http helpers for the sandbox: bounded body reading and JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the sandbox reads; a payout request is well under 4 KiB. */
export const REQUEST_BODY_BYTES_MAX = 64 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body over ${REQUEST_BODY_BYTES_MAX} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > REQUEST_BODY_BYTES_MAX) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  code: string,
  message: string,
  param?: string,
): void {
  sendJson(response, status, { error: { type, code, message, ...(param === undefined ? {} : { param }) } });
}
