import type { ProviderReportMissingError } from '../../adapters/reconciliation/provider-report-sources';
import type { QueuedRunRequest } from '../../adapters/reconciliation/requests-queue';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditSearch } from '../../adapters/audit-search';
import type { ExceptionsRepository, ExceptionsStore } from '../../adapters/exceptions-repository';
import { FileSink } from '../../adapters/reconciliation/file-sink';
import { auditJsonlLine } from '../../domain/audit';
import { openException } from '../../domain/exceptions';
import { ReportFormatError } from '../../domain/reconciliation/report-errors';
import { GENERATOR_VERSION, manifestJson, type ManifestFile } from '../../domain/reconciliation/manifest';
import { requireRunDate } from '../../domain/reconciliation/run-date';
import { runEngine } from '../../adapters/reconciliation/engine';
import { SummaryAccumulator } from '../../domain/reconciliation/summary';
import { asReportedIn } from '../../domain/reconciliation/provider-report';
import {
  emptyReport,
  landReports,
  type FailingReport,
  type LandedReport,
  type ProviderReportSource,
} from './provider-reports';
import { concatExports, ndjsonOnce, splitPayoutsByProvider } from './provider-days';
import type { AthenaDayEngine } from '../../adapters/reconciliation/athena-day';
import type { HeldPayoutsReader } from '../../adapters/reconciliation/held-payouts-source';
import {
  heldPayoutRows,
  heldPayoutsAsOf,
  heldPayoutsCsv,
  type HeldPayoutEntry,
} from '../../domain/reconciliation/held-payouts';
import {
  AUDIT_EXPORT_NAME,
  HELD_PAYOUTS_EXPORT_NAME,
  MANIFEST_NAME,
  type ExportPublisher,
  type ExportStore,
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
 *   same bytes. The payouts held before funds move (held-payouts.csv, issue 15) are read from the
 *   holds queue and published with them, as of the end of the day (domain/reconciliation/held-payouts.ts).
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
  /**
   * Every provider to reconcile, each with its own report (the wiring gives one per provider in the
   * registry, SUBMITTING_PROVIDERS). Absent, the one `provider` and its `fetchReport` in the engine's
   * own format (the sandbox's settlement report): the simulation and the older tests wire that.
   */
  readonly reports?: readonly ProviderReportSource[];
  readonly provider?: string;
  fetchReport?(date: string): Promise<AsyncIterable<Uint8Array>>;
  readonly payouts: ReconciliationPayouts;
  readonly exceptions: Pick<ExceptionsStore, 'openOrUpdate'>;
  readonly store: ExportPublisher;
  readonly runs: RunRecorder;
  readonly payoutsTable: string;
  readonly ledgerTable: string;
  /** The audit trail's day reader (audit.jsonl) and its table, named in the manifest's inputs. */
  readonly audit: Pick<AuditSearch, 'dayRecords'>;
  readonly auditTable: string;
  /** The "before funds move" queue (held-payouts.csv); its table is the payouts table. */
  readonly heldPayouts: HeldPayoutsReader;
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
  [HELD_PAYOUTS_EXPORT_NAME]: 'text/csv; charset=utf-8',
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
  const failing: FailingReport = {};
  try {
    const absent: ProviderReportMissingError[] = [];
    const reports = await landReports(reportSourcesOf(deps), date, work, deps.store, failing, absent);
    run.reportKey = reports[0]?.evidence?.key;
    run.reportEtag = reports[0]?.evidence?.etag;
    const day = await matchDay(deps, { date, runId: run.runId, work, reports, absent }, failing);
    const audit = await writeAuditExport(deps, date, join(work, AUDIT_EXPORT_NAME));
    const held = await writeHeldPayoutsExport(deps, date, join(work, HELD_PAYOUTS_EXPORT_NAME));
    await publishExports(deps, { date, runId: run.runId }, day, [audit, held]);
    const finished = succeeded(run, day, deps.now().toISOString());
    await deps.runs.finish(finished);
    return finished;
  } catch (error) {
    await recordFailedRun(deps, run, error, failing);
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The run's report sources: the wiring's, or the one provider in the engine's format. */
function reportSourcesOf(deps: RunPorts): readonly ProviderReportSource[] {
  if (deps.reports !== undefined) return deps.reports;
  if (deps.provider === undefined || deps.fetchReport === undefined)
    throw new Error('a reconciliation run needs its report sources (reports, or provider and fetchReport)');
  const fetchReport = deps.fetchReport.bind(deps);
  return [{ provider: deps.provider, format: 'settlement', fetchReport }];
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

type EngineRun = Awaited<ReturnType<typeof runEngine>>;
type Counts = ReturnType<SummaryAccumulator['counts']>;

/** One provider's part of the day: its report, its engine run, and what it added to the day's counts. */
export interface ProviderDay {
  readonly report: LandedReport;
  readonly result: EngineRun;
  readonly exceptionCount: number;
  readonly added: Pick<Counts, 'rows' | 'matched' | 'unmatched'>;
}

/** The day across providers: each provider's part, the totals, and the merged export files. */
export interface MatchedDay {
  readonly providers: readonly ProviderDay[];
  readonly counts: Counts;
  readonly files: readonly { name: string; path: string; rows: number; bytes: number; sha256: string }[];
  readonly payoutRows: number;
  readonly ledgerRows: number;
}

/**
 * The engine over the day, once per provider: that provider's payouts against that provider's report
 * only, so no row is ever compared with another provider's payout. A provider whose payouts appear
 * without a report source is matched against an empty report (its payouts are reported missing, never
 * dropped). The parts' exports are joined provider by provider; summary.json counts them all.
 */
interface DayInputs {
  readonly date: string;
  readonly runId: string;
  readonly work: string;
  readonly reports: readonly LandedReport[];
  /** Report sources whose report was not there (provider-reports.ts). */
  readonly absent: readonly ProviderReportMissingError[];
}

async function matchDay(
  deps: RunPorts,
  { date, runId, work, reports, absent }: DayInputs,
  failing: FailingReport,
): Promise<MatchedDay> {
  const window = dayWindow(date);
  const split = await splitPayoutsByProvider(deps.payouts.payoutsCreatedIn(window), reports, work);
  // A registered provider this deployment did not pay through that day needs no report (a stack using only
  // the sandbox must not fail every night on PayPal's); one that holds payouts of the day waits for its
  // report: the run fails retryable, as if the report were late, rather than call every payout missing.
  const late = absent.find((missing) => split.has(missing.provider));
  if (late !== undefined) throw late;
  const ledgerPath = await ndjsonOnce(deps.payouts.ledgerFactsFrom(window), join(work, 'ledger.ndjson'));
  const all = [...reports, ...[...split.keys()].filter((p) => !reports.some((r) => r.provider === p))];
  const summary = new SummaryAccumulator();
  const providers: ProviderDay[] = [];
  for (const entry of all) {
    const report = typeof entry === 'string' ? emptyReport(entry, work) : entry;
    Object.assign(failing, {
      provider: report.provider,
      reportKey: report.evidence?.key,
      reportEtag: report.evidence?.etag,
    });
    const before = summary.counts();
    const payoutsPath = split.get(report.provider)!;
    const part = await matchProvider(deps, { date, runId, work, report, payoutsPath, ledgerPath, summary });
    const after = summary.counts();
    const added = {
      rows: after.rows - before.rows,
      matched: after.matched - before.matched,
      unmatched: after.unmatched - before.unmatched,
    };
    providers.push({ report, ...part, added });
  }
  Object.assign(failing, { provider: undefined, reportKey: undefined, reportEtag: undefined });
  const files = await mergeExports(providers, summary, date, join(work, 'exports'));
  const payoutRows = providers.reduce((sum, p) => sum + p.result.payoutRows, 0);
  return { providers, counts: summary.counts(), files, payoutRows, ledgerRows: providers[0]?.result.ledgerRows ?? 0 };
}

/** One provider's engine run: its mismatches open (or update) owned exceptions; its matches are marked. */
async function matchProvider(
  deps: RunPorts,
  args: {
    date: string;
    runId: string;
    work: string;
    report: LandedReport;
    payoutsPath: string;
    ledgerPath: string;
    summary: SummaryAccumulator;
  },
): Promise<{ result: EngineRun; exceptionCount: number }> {
  const { date, report } = args;
  const dir = join(args.work, 'providers', report.provider);
  const outputDir = join(dir, 'out');
  mkdirSync(outputDir, { recursive: true });
  const lakeRoot = deps.athena === undefined ? undefined : join(dir, 'lake');
  const nowIso = () => deps.now().toISOString();
  let exceptionCount = 0;
  const result = await runEngine(
    {
      date,
      reportPath: report.reportPath,
      payouts: { ndjsonPath: args.payoutsPath },
      ledger: { ndjsonPath: args.ledgerPath },
      outputDir,
      provider: report.provider,
      summary: args.summary,
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
            provider: report.provider,
            mismatches: row.mismatches,
            detail: row.detail,
            providerReference: row.report?.providerReference ?? row.payout?.providerReference,
            reportKey: report.evidence?.key,
            reportEtag: report.evidence?.etag,
            reportLine: row.report?.line,
          },
          seenAt: nowIso(),
        });
        const opened = await deps.exceptions.openOrUpdate({ ...opening, actor: RECONCILE_ACTOR });
        return opened.exception.exceptionId;
      },
      // A payout of another day that a row names is this provider's only if it says so: a row in one
      // provider's report that echoes another provider's payout id is a row we do not hold.
      // Named as this provider's report names them, like the day's own (provider-days.ts).
      lookupPayouts: async (ids) =>
        (await deps.payouts.lookup(ids))
          .filter((p) => p.provider === report.provider)
          .map((p) => asReportedIn(report.format, p)),
      onMatched: (ids) => deps.payouts.markReconciled(ids, nowIso()),
    },
  );
  if (deps.athena !== undefined && lakeRoot !== undefined) {
    const lambdaRows = result.files.find((f) => f.name === 'reconciliation.csv')!.rows;
    // One provider's partitions at a time, each checked before the next replaces them; its own results prefix.
    const runId = `${args.runId}-${report.provider}`;
    await deps.athena.reconcileDay({ date, runId, root: lakeRoot, keys: result.lakeKeys, lambdaRows });
  }
  return { result, exceptionCount };
}

/** The day's files: each export the providers' parts joined in order, summary.json over them all. */
async function mergeExports(providers: readonly ProviderDay[], summary: SummaryAccumulator, date: string, dir: string) {
  mkdirSync(dir, { recursive: true });
  const joined = async (name: string) => {
    const parts = providers.map((p) => p.result.files.find((f) => f.name === name)!);
    return { name, ...(await concatExports(parts, join(dir, name))) };
  };
  const summaryFile = new FileSink(join(dir, 'summary.json'), { hash: true });
  summaryFile.write(summary.toJson(date), 0);
  return [
    await joined('reconciliation.csv'),
    await joined('exceptions.csv'),
    { name: 'summary.json', ...summaryFile.close() },
  ];
}

const RECONCILE_ACTOR = { kind: 'system', id: 'reconcile' } as const;

/** Stage the files, then publish them with the manifest last (what finance trusts is what it names). */
async function publishExports(
  deps: RunPorts,
  { date, runId }: { date: string; runId: string },
  day: MatchedDay,
  [audit, held]: [Awaited<ReturnType<typeof writeAuditExport>>, Awaited<ReturnType<typeof writeHeldPayoutsExport>>],
): Promise<void> {
  const written = [...day.files, audit, held];
  const files: LocalFile[] = written.map((f) => ({ name: f.name, path: f.path, contentType: CONTENT_TYPES[f.name]! }));
  const reported = day.providers.filter((p) => p.report.raw !== undefined);
  const manifest = manifestJson({
    date,
    // One provider, its name (as every earlier manifest); several, their names in the registry's order.
    provider: day.providers.map((p) => p.report.provider).join(','),
    files: written.map((f): ManifestFile => ({
      name: f.name,
      rows: f.rows,
      bytes: f.bytes,
      sha256: f.sha256,
      contentType: CONTENT_TYPES[f.name]!,
    })),
    inputs: [
      ...reported.map((p) => ({
        role: 'provider_settlement_report' as const,
        source: `s3://evidence/${p.report.raw!.key}`,
        key: p.report.raw!.key,
        etag: p.report.raw!.etag,
        rows: p.result.reportRows,
      })),
      { role: 'payouts', source: `dynamodb:${deps.payoutsTable}`, rows: day.payoutRows },
      { role: 'ledger_postings', source: `dynamodb:${deps.ledgerTable}`, rows: day.ledgerRows },
      { role: 'audit_trail', source: `dynamodb:${deps.auditTable}`, rows: audit.rows },
      // The open holds kept (those opened by the day's end), not every entry read: one the queue gained
      // after the day would change the manifest of a re-run whose files did not change.
      { role: 'holds_queue', source: `dynamodb:${deps.payoutsTable}`, rows: held.rows },
    ],
  });
  await deps.store.stage(date, runId, files);
  await deps.store.publish(date, runId, files, manifest);
}

const succeeded = (run: RunRecord, day: MatchedDay, finishedAt: string): RunRecord => ({
  ...run,
  state: 'succeeded',
  finishedAt,
  manifestKey: `${exportPrefix(run.date)}${MANIFEST_NAME}`,
  counts: {
    reportRows: day.providers.reduce((sum, p) => sum + p.result.reportRows, 0),
    payouts: day.payoutRows,
    ledgerEntries: day.ledgerRows,
    rows: day.counts.rows,
    matched: day.counts.matched,
    unmatched: day.counts.unmatched,
    exceptions: day.providers.reduce((sum, p) => sum + p.exceptionCount, 0),
    categories: day.counts.categories,
    batchesTotal: day.counts.batchesTotal,
    batches: day.counts.batches,
  },
  providers: day.providers.map((p) => ({
    provider: p.report.provider,
    reportFormat: p.report.format,
    ...(p.report.raw === undefined ? {} : { reportKey: p.report.raw.key }),
    reportRows: p.result.reportRows,
    payouts: p.result.payoutRows,
    exceptions: p.exceptionCount,
    ...p.added,
  })),
});

/** The run recorded as failed; a malformed report also opens (or reopens) its owned exception. */
async function recordFailedRun(deps: RunPorts, run: RunRecord, error: unknown, failing: FailingReport): Promise<void> {
  const failed: RunRecord = { ...run, state: 'failed', finishedAt: deps.now().toISOString(), error: errorOf(error) };
  if (error instanceof ReportFormatError) {
    const opening = openException(
      { category: 'report_malformed', provider: failing.provider ?? deps.provider ?? 'unknown', date: run.date },
      {
        evidence: {
          source: 'reconciliation',
          date: run.date,
          code: error.reportCode,
          line: error.line,
          message: error.message,
          reportKey: failing.reportKey ?? run.reportKey,
          reportEtag: failing.reportEtag ?? run.reportEtag,
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

/**
 * held-payouts.csv: the open holds the queue finds now, kept if opened before the end of `date`,
 * sorted and aged as of that instant, so a re-run against the same holds writes the same bytes.
 */
async function writeHeldPayoutsExport(deps: RunPorts, date: string, path: string) {
  const entries: HeldPayoutEntry[] = [];
  // Only what a row needs is kept of each payout: a page re-reads whole payouts, and 100,000 open
  // holds (the listing's cap) must not hold 100,000 payouts in memory.
  for await (const { hold, payout } of deps.heldPayouts.openHolds()) {
    const { tenantId, payoutId, amountMinor, currency, recipientId } = payout;
    entries.push({ hold, payout: { tenantId, payoutId, amountMinor, currency, recipientId } });
  }
  const asOf = heldPayoutsAsOf(date);
  const rows = heldPayoutRows(entries, asOf);
  const sink = new FileSink(path, { hash: true });
  sink.write(heldPayoutsCsv(rows, asOf), rows.length);
  return { name: HELD_PAYOUTS_EXPORT_NAME, ...sink.close() };
}

function errorOf(error: unknown): NonNullable<RunRecord['error']> {
  if (error instanceof ReportFormatError) return { code: error.reportCode, message: error.message, line: error.line };
  const e = error as { name?: string; message?: string };
  return { code: e.name ?? 'Error', message: e.message ?? String(error) };
}
