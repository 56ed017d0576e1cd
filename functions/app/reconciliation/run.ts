import { Readable } from 'node:stream';
import type { QueuedRunRequest } from '../../adapters/reconciliation/requests-queue';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AuditSearch } from '../../adapters/audit-search';
import type { ExceptionsRepository, ExceptionsStore } from '../../adapters/exceptions-repository';
import { FileSink } from '../../adapters/reconciliation/file-sink';
import { auditJsonlLine } from '../../domain/audit';
import { openException } from '../../domain/exceptions';
import { ReportFormatError } from '../../domain/reconciliation/report-errors';
import { GENERATOR_VERSION, manifestJson, type ManifestFile } from '../../domain/reconciliation/manifest';
import { requireRunDate } from '../../domain/reconciliation/run-date';
import { runEngine } from '../../adapters/reconciliation/engine';
import type { AthenaDayEngine } from '../../adapters/reconciliation/athena-day';
import {
  AUDIT_EXPORT_NAME,
  MANIFEST_NAME,
  type ExportPublisher,
  type ExportStore,
  evidenceKey,
  exportPrefix,
  type LocalFile,
} from '../../adapters/reconciliation/export-store';
import {
  dayWindow,
  type ReconciliationPayouts,
  type ReconciliationPayoutsSource,
} from '../../adapters/reconciliation/payouts-source';
import type { RunRecord, RunRecorder, RunsRepository } from '../../adapters/reconciliation/runs-repository';

/**
 * One reconciliation run for one date, start to finish:
 *   record "running" → fetch the provider report to /tmp → land it raw as evidence → match against
 *   our payouts and ledger (engine) → open or update exceptions → stage the files → publish
 *   (manifest last) → set reconciledAt → record "succeeded" and the last success. The day's audit
 *   trail (UTC day D, every record whose `at` falls in it) is exported beside the files as
 *   audit.jsonl, with its SHA-256 in the manifest; records never change, so a re-run writes the
 *   same bytes.
 * A malformed report fails the run before any exception or file is written (the engine parses the
 * whole report first), opens one `report_malformed` exception naming the line, records "failed",
 * and rethrows so the invocation fails and is retried; the published export is left as it was.
 * A date that may not be reconciled (not ended yet, too old: domain/reconciliation/run-date.ts) is
 * refused before anything is recorded or written, whichever path asked for it.
 */
/**
 * What a run needs, as ports: the run takes these, so the simulation (test/sim/) can drive it on
 * in-memory stores. RunDependencies below is the same with the AWS adapters, as the entries wire it.
 */
export interface RunPorts {
  readonly provider: string;
  fetchReport(date: string): Promise<AsyncIterable<Uint8Array>>;
  readonly payouts: ReconciliationPayouts;
  readonly exceptions: Pick<ExceptionsStore, 'openOrUpdate'>;
  readonly store: ExportPublisher;
  readonly runs: RunRecorder;
  readonly payoutsTable: string;
  readonly ledgerTable: string;
  /** The audit trail's day reader (audit.jsonl) and its table, named in the manifest's inputs. */
  readonly audit: Pick<AuditSearch, 'dayRecords'>;
  readonly auditTable: string;
  /** Wall clock, injected: for run bookkeeping and the date rule, never in the exported files. */
  now(): Date;
  /** RECONCILE_TIMEZONE: where "today" is, for the date rule. */
  readonly timeZone: string;
  newRunId(): string;
  /** Where spill and output files go; /tmp in Lambda. */
  readonly workRoot?: string;
  /** Spill buckets of the engine (PARTITION_COUNT when absent); the simulation's tiny days need one. */
  readonly partitions?: number;
  /**
   * The athena engine (stage option reconciliationEngine=athena): the day's partitions go to the
   * lake and the portable SQL runs on Athena, checked against the Lambda's rows before anything is
   * published. Absent (the default), a run writes no partition and calls no Athena.
   */
  readonly athena?: Pick<AthenaDayEngine, 'reconcileDay'>;
}

export interface RunDependencies extends RunPorts {
  readonly payouts: ReconciliationPayoutsSource;
  readonly exceptions: Pick<ExceptionsRepository, 'openOrUpdate'>;
  readonly store: ExportStore;
  readonly runs: RunsRepository;
}

const CONTENT_TYPES: Record<string, string> = {
  'reconciliation.csv': 'text/csv; charset=utf-8',
  'exceptions.csv': 'text/csv; charset=utf-8',
  'summary.json': 'application/json',
  [AUDIT_EXPORT_NAME]: 'application/x-ndjson; charset=utf-8',
};

export type { QueuedRunRequest } from '../../adapters/reconciliation/requests-queue';

export async function runReconciliation(
  deps: RunPorts,
  date: string,
  trigger: RunRecord['trigger'],
  request?: QueuedRunRequest,
): Promise<RunRecord> {
  const run = await startRun(deps, date, trigger, request);
  const work = mkdtempSync(join(deps.workRoot ?? tmpdir(), `reconcile-${date}-`));
  try {
    const reportPath = join(work, 'settlement.csv');
    await pipeline(Readable.from(await deps.fetchReport(date)), createWriteStream(reportPath));
    const evidence = await deps.store.putEvidence(evidenceKey(deps.provider, date), reportPath);
    run.reportKey = evidence.key;
    run.reportEtag = evidence.etag;
    const { result, exceptionCount } = await matchDay(deps, { date, runId: run.runId, work, reportPath }, evidence);
    const audit = await writeAuditExport(deps, date, join(work, AUDIT_EXPORT_NAME));
    await publishExports(deps, date, run.runId, evidence, result, audit);
    const finished = succeeded(run, result, exceptionCount, deps.now().toISOString());
    await deps.runs.finish(finished);
    return finished;
  } catch (error) {
    await recordFailedRun(deps, run, error);
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The date rule, then the run recorded as running (a second run of the date is refused there). */
async function startRun(
  deps: RunPorts,
  date: string,
  trigger: RunRecord['trigger'],
  request: QueuedRunRequest | undefined,
): Promise<RunRecord> {
  const startedAt = deps.now();
  // The last guard before a run records or writes anything, whichever entry point called it.
  requireRunDate(date, { now: startedAt, timeZone: deps.timeZone });
  const run: RunRecord = {
    date,
    runId: request?.runId ?? deps.newRunId(),
    state: 'running',
    trigger,
    ...(request === undefined
      ? {}
      : { requestedAt: request.requestedAt, requestedBy: request.requestedBy, requestId: request.requestId }),
    startedAt: startedAt.toISOString(),
  };
  await deps.runs.start(run, startedAt.getTime());
  return run;
}

type Evidence = Awaited<ReturnType<ExportStore['putEvidence']>>;
type EngineRun = Awaited<ReturnType<typeof runEngine>>;

/**
 * The engine over the day: each mismatch opens (or updates) its owned exception; matches are marked.
 * With the athena engine, the day's partitions are written as DuckDB loads them, then Athena runs.
 */
async function matchDay(
  deps: RunPorts,
  { date, runId, work, reportPath }: { date: string; runId: string; work: string; reportPath: string },
  evidence: Evidence,
) {
  const window = dayWindow(date);
  const lakeRoot = deps.athena === undefined ? undefined : join(work, 'lake');
  const nowIso = () => deps.now().toISOString();
  let exceptionCount = 0;
  const result = await runEngine(
    {
      date,
      reportPath,
      payouts: deps.payouts.payoutsCreatedIn(window),
      ledger: deps.payouts.ledgerFactsFrom(window),
      outputDir: work,
      ...(deps.partitions === undefined ? {} : { partitions: deps.partitions }),
      ...(lakeRoot === undefined ? {} : { lakeRoot }),
    },
    {
      openException: async (row, ref) => {
        exceptionCount += 1;
        const opening = openException(ref.subject, {
          // Every mismatch of the row, dominant first: the owner sees what else disagrees.
          evidence: {
            source: 'reconciliation',
            date,
            mismatches: row.mismatches,
            detail: row.detail,
            providerReference: row.report?.providerReference ?? row.payout?.providerReference,
            reportKey: evidence.key,
            reportEtag: evidence.etag,
            reportLine: row.report?.line,
          },
          seenAt: nowIso(),
        });
        const opened = await deps.exceptions.openOrUpdate({ ...opening, actor: RECONCILE_ACTOR });
        return opened.exception.exceptionId;
      },
      lookupPayouts: (ids) => deps.payouts.lookup(ids),
      onMatched: (ids) => deps.payouts.markReconciled(ids, nowIso()),
    },
  );
  if (deps.athena !== undefined && lakeRoot !== undefined) {
    const lambdaRows = result.files.find((f) => f.name === 'reconciliation.csv')!.rows;
    await deps.athena.reconcileDay({ date, runId, root: lakeRoot, keys: result.lakeKeys, lambdaRows });
  }
  return { result, exceptionCount };
}

const RECONCILE_ACTOR = { kind: 'system', id: 'reconcile' } as const;

/** Stage the files, then publish them with the manifest last (what finance trusts is what it names). */
async function publishExports(
  deps: RunPorts,
  date: string,
  runId: string,
  evidence: Evidence,
  result: EngineRun,
  audit: Awaited<ReturnType<typeof writeAuditExport>>,
): Promise<void> {
  const written = [...result.files, audit];
  const files: LocalFile[] = written.map((f) => ({ name: f.name, path: f.path, contentType: CONTENT_TYPES[f.name]! }));
  const manifest = manifestJson({
    date,
    provider: deps.provider,
    files: written.map((f): ManifestFile => ({
      name: f.name,
      rows: f.rows,
      bytes: f.bytes,
      sha256: f.sha256,
      contentType: CONTENT_TYPES[f.name]!,
    })),
    inputs: [
      {
        role: 'provider_settlement_report',
        source: `s3://evidence/${evidence.key}`,
        key: evidence.key,
        etag: evidence.etag,
        rows: result.reportRows,
      },
      { role: 'payouts', source: `dynamodb:${deps.payoutsTable}`, rows: result.payoutRows },
      { role: 'ledger_postings', source: `dynamodb:${deps.ledgerTable}`, rows: result.ledgerRows },
      { role: 'audit_trail', source: `dynamodb:${deps.auditTable}`, rows: audit.rows },
    ],
  });
  await deps.store.stage(date, runId, files);
  await deps.store.publish(date, runId, files, manifest);
}

const succeeded = (run: RunRecord, result: EngineRun, exceptionCount: number, finishedAt: string): RunRecord => ({
  ...run,
  state: 'succeeded',
  finishedAt,
  manifestKey: `${exportPrefix(run.date)}${MANIFEST_NAME}`,
  counts: {
    reportRows: result.reportRows,
    payouts: result.payoutRows,
    ledgerEntries: result.ledgerRows,
    rows: result.counts.rows,
    matched: result.counts.matched,
    unmatched: result.counts.unmatched,
    exceptions: exceptionCount,
    categories: result.counts.categories,
    batchesTotal: result.counts.batchesTotal,
    batches: result.counts.batches,
  },
});

/** The run recorded as failed; a malformed report also opens (or reopens) its owned exception. */
async function recordFailedRun(deps: RunPorts, run: RunRecord, error: unknown): Promise<void> {
  const failed: RunRecord = { ...run, state: 'failed', finishedAt: deps.now().toISOString(), error: errorOf(error) };
  if (error instanceof ReportFormatError) {
    const opening = openException(
      { category: 'report_malformed', provider: deps.provider, date: run.date },
      {
        evidence: {
          source: 'reconciliation',
          date: run.date,
          code: error.reportCode,
          line: error.line,
          message: error.message,
          reportKey: run.reportKey,
          reportEtag: run.reportEtag,
          generatorVersion: GENERATOR_VERSION,
        },
        error: { message: error.message, code: error.reportCode },
        seenAt: failed.finishedAt!,
      },
    );
    await deps.exceptions.openOrUpdate({ ...opening, actor: RECONCILE_ACTOR, reopenIfResolved: true });
  }
  await deps.runs.finish(failed);
}

/** audit.jsonl of UTC day `date`: every record in (at, audit_id) order, one canonical line each. */
async function writeAuditExport(deps: RunPorts, date: string, path: string) {
  const sink = new FileSink(path, { hash: true });
  for await (const record of deps.audit.dayRecords(date)) sink.write(auditJsonlLine(record));
  return { name: AUDIT_EXPORT_NAME, ...sink.close() };
}

function errorOf(error: unknown): NonNullable<RunRecord['error']> {
  if (error instanceof ReportFormatError) return { code: error.reportCode, message: error.message, line: error.line };
  const e = error as { name?: string; message?: string };
  return { code: e.name ?? 'Error', message: e.message ?? String(error) };
}
