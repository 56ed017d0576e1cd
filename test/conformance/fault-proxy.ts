import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest, StandInFault } from './subject';

/**
 * A loopback proxy in front of a stand-in that has no fault controls of its own (the sandbox selects its
 * faults by test account numbers instead): it records every request and plays the conformance suite's
 * injected faults. Anything a subject can express as "answer this instead", "forward, then never answer"
 * or "rewrite the answer" fits; the provider's own error bodies come from the subject.
 */
export interface FaultProxyOptions {
  readonly upstream: string;
  /** Whether a request creates a payout: `record_then_hang` and `reject` apply to creates only. */
  isCreate(request: RecordedRequest): boolean;
  /** The provider's documented answer to an injected status or rejection. */
  answerFor(fault: Exclude<StandInFault, { kind: 'record_then_hang' }>): ProxyAnswer;
  /** Rewrites an upstream answer's body (a subject's state overlay); the identity when absent. */
  rewrite?(request: RecordedRequest, status: number, body: string): string;
}

export interface ProxyAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FaultProxy {
  readonly url: string;
  inject(fault: StandInFault): void;
  clearFaults(): void;
  requests(): readonly RecordedRequest[];
  close(): Promise<void>;
}

/** Hop-by-hop and length headers are the proxy's own to set on each leg. */
const UNFORWARDED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

type Pending = { fault: StandInFault; remaining: number };

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const queue: Pending[] = [];
  const recorded: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();

  const take = (request: RecordedRequest): StandInFault | undefined => {
    const index = queue.findIndex((p) => p.fault.kind === 'http_status' || options.isCreate(request));
    if (index === -1) return undefined;
    const pending = queue[index]!;
    pending.remaining -= 1;
    if (pending.remaining <= 0) queue.splice(index, 1);
    return pending.fault;
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const headers = lowerCasedHeaders(incoming);
    const request: RecordedRequest = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers, body };
    recorded.push(request);
    const fault = take(request);
    if (fault !== undefined && fault.kind !== 'record_then_hang') return send(response, options.answerFor(fault));
    const upstream = await fetch(`${options.upstream}${request.path}`, {
      method: request.method,
      headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !UNFORWARDED_HEADERS.has(name))),
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
    });
    const text = await upstream.text();
    // The upstream recorded it; the caller never hears so, until it gives up and closes the connection.
    if (fault?.kind === 'record_then_hang') {
      hung.add(response);
      response.once('close', () => hung.delete(response));
      return;
    }
    const answerHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!UNFORWARDED_HEADERS.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
    });
    send(response, {
      status: upstream.status,
      headers: answerHeaders,
      body: options.rewrite?.(request, upstream.status, text) ?? text,
    });
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) =>
      send(response, { status: 502, body: JSON.stringify({ error: { message: `fault proxy: ${String(error)}` } }) }),
    );
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject(fault) {
      queue.push({ fault, remaining: fault.kind === 'http_status' ? fault.count : 1 });
      if (fault.kind === 'http_status' && fault.count <= 0) queue.pop();
    },
    clearFaults() {
      queue.length = 0;
    },
    requests: () => [...recorded],
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

function send(response: ServerResponse, answer: ProxyAnswer): void {
  if (response.headersSent) return;
  response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  response.end(answer.body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function lowerCasedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
