import { Readable } from 'node:stream';

// The sandbox provider's settlement report for one day (docs/sandbox-provider.md), streamed: the
// engine reads it line by line, so a large day never sits in memory whole.

/** Network reads of the report are bounded: a provider that stalls fails the run, which is retried. */
export const REPORT_FETCH_TIMEOUT_MS = 5 * 60 * 1000;

export async function fetchSandboxReport(baseUrl: string, date: string): Promise<AsyncIterable<Uint8Array>> {
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/v1/reports/settlement?date=${encodeURIComponent(date)}`, {
    signal: AbortSignal.timeout(REPORT_FETCH_TIMEOUT_MS),
  });
  if (!response.ok || response.body === null) throw new Error(`provider report for ${date}: HTTP ${response.status}`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}
