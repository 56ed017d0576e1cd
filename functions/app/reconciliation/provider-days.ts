import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { FileSink } from '../../adapters/reconciliation/file-sink';
import type { ReconPayout } from '../../domain/reconciliation/matching-types';
import { asReportedIn, type ReportFormat } from '../../domain/reconciliation/provider-report';

/** A provider whose report the day reads, and that report's format (which names the payout's reference). */
export interface ReportedProvider {
  readonly provider: string;
  readonly format: ReportFormat | 'none';
}

/**
 * The day's payouts split by provider, one NDJSON file each, in load order: each provider's engine run
 * reads its own payouts only, so a provider's row can never match another provider's payout (by
 * reference or by an echoed payout id). Each payout is written as its provider's report names it
 * (asReportedIn: a PayPal payout by its transaction id once known). One pass over DynamoDB's pages,
 * one buffer per provider. Returns the file per provider, the known ones first (each has a file, empty
 * if it paid nothing), then any provider the payouts name that has no report source, in first-seen order.
 */
export async function splitPayoutsByProvider(
  payouts: AsyncIterable<ReconPayout>,
  reports: readonly ReportedProvider[],
  dir: string,
): Promise<Map<string, string>> {
  const formats = new Map(reports.map((r) => [r.provider, r.format]));
  const sinks = new Map<string, FileSink>();
  const sinkOf = (provider: string): FileSink => {
    let sink = sinks.get(provider);
    if (sink === undefined) sinks.set(provider, (sink = new FileSink(join(dir, `payouts-${sinks.size}.ndjson`))));
    return sink;
  };
  for (const { provider } of reports) sinkOf(provider);
  try {
    for await (const payout of payouts) {
      const reported = asReportedIn(formats.get(payout.provider) ?? 'none', payout);
      sinkOf(payout.provider).write(`${JSON.stringify(reported)}\n`);
    }
  } finally {
    for (const sink of sinks.values()) sink.close();
  }
  return new Map([...sinks].map(([provider, sink]) => [provider, sink.path]));
}

/** Rows of one side as an NDJSON file, written once and read by every provider's engine run. */
export async function ndjsonOnce<T>(rows: AsyncIterable<T>, path: string): Promise<string> {
  const sink = new FileSink(path);
  try {
    for await (const row of rows) sink.write(`${JSON.stringify(row)}\n`);
  } finally {
    sink.close();
  }
  return path;
}

export interface ExportPart {
  readonly path: string;
  readonly rows: number;
}

/**
 * One export file from the providers' files of the same name, in the order given (the registry's): the
 * first file's header, then every file's data lines. Each part is already in export order, so the whole
 * is provider by provider, each in export order. One part gives its own bytes: a single-provider day's
 * exports are what they always were.
 */
export async function concatExports(
  parts: readonly ExportPart[],
  path: string,
): Promise<{ path: string; rows: number; bytes: number; sha256: string }> {
  const sink = new FileSink(path, { hash: true });
  try {
    for (const [index, part] of parts.entries()) {
      const lines = createReadStream(part.path, { encoding: 'utf8' });
      for await (const text of index === 0 ? lines : lines.pipe(dropFirstLine())) sink.write(text as string, 0);
    }
  } finally {
    sink.rows = parts.reduce((sum, part) => sum + part.rows, 0);
  }
  const closed = sink.close();
  return { path, rows: closed.rows, bytes: closed.bytes, sha256: closed.sha256 };
}

function dropFirstLine(): Transform {
  let dropped = false;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      if (dropped) return done(null, chunk);
      const end = chunk.indexOf('\n');
      if (end === -1) return done();
      dropped = true;
      done(null, chunk.slice(end + 1));
    },
  });
}
