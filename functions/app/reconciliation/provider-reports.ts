import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileSink } from '../../adapters/reconciliation/file-sink';
import {
  ProviderReportMissingError,
  type ProviderReportSource,
} from '../../adapters/reconciliation/provider-report-sources';
import { evidenceKey, providerReportKey, type ExportPublisher } from '../../adapters/reconciliation/export-store';
import {
  needsTranslation,
  parseProviderReport,
  rawReportFileName,
  TRANSLATED_REPORT_HEADER,
  translatedReportLine,
  type ReportFormat,
} from '../../domain/reconciliation/provider-report';
import { REPORT_HEADER } from '../../domain/reconciliation/report-writer';

/**
 * One provider's report for a day, as its provider publishes it. How the bytes arrive is the adapter's
 * business: the sandbox's and the stand-ins' HTTP endpoints in the twin, the provider's delivery into the
 * evidence bucket in AWS (adapters/reconciliation/provider-report-sources.ts).
 */
export type { ProviderReportSource };

/** Whose report the run was reading when it failed, and where its raw bytes landed (a report_malformed's evidence). */
export interface FailingReport {
  provider?: string;
  reportKey?: string;
  reportEtag?: string;
}

/** A provider's report landed as evidence, and the file in the engine's format that the engine reads. */
export interface LandedReport {
  readonly provider: string;
  readonly format: ReportFormat | 'none';
  /** The provider's own bytes (the manifest's input); for the sandbox also what the engine reads. */
  readonly raw?: { readonly key: string; readonly etag: string };
  /** What the engine read, which an export's `report_line` points into. */
  readonly evidence?: { readonly key: string; readonly etag: string };
  readonly reportPath: string;
}

/**
 * Fetches every provider's report, lands its raw bytes as evidence and, for a provider whose format is
 * not the engine's, parses it with its parser and lands the translation beside it. Every report is read
 * in full here, before any payout is matched: a malformed one fails the run (ReportFormatError, with the
 * raw line) before any exception is opened or file written. `failing` learns whose report was read last.
 */
export async function landReports(
  sources: readonly ProviderReportSource[],
  date: string,
  work: string,
  store: Pick<ExportPublisher, 'putEvidence'>,
  failing: FailingReport,
  absent?: ProviderReportMissingError[],
): Promise<LandedReport[]> {
  const landed: LandedReport[] = [];
  for (const source of sources) {
    Object.assign(failing, { provider: source.provider, reportKey: undefined, reportEtag: undefined });
    const dir = join(work, 'providers', source.provider);
    mkdirSync(dir, { recursive: true });
    const rawPath = join(dir, rawReportFileName(source.format));
    const bytes = await source.fetchReport(date).catch((error: unknown) => {
      // Whether a missing report matters depends on the day's payouts, known after the split (run.ts).
      if (absent !== undefined && error instanceof ProviderReportMissingError) return absent.push(error);
      throw error;
    });
    if (typeof bytes === 'number') continue;
    await pipeline(Readable.from(bytes), createWriteStream(rawPath));
    const translated = needsTranslation(source.format);
    // The raw bytes land first: a report its parser refuses is kept as the evidence of its exception.
    const rawKey = translated
      ? providerReportKey(source.provider, date, rawReportFileName(source.format))
      : evidenceKey(source.provider, date);
    const raw = await store.putEvidence(rawKey, rawPath);
    Object.assign(failing, { reportKey: raw.key, reportEtag: raw.etag });
    if (!translated) {
      landed.push({ provider: source.provider, format: source.format, raw, evidence: raw, reportPath: rawPath });
      continue;
    }
    const reportPath = join(dir, 'settlement.csv');
    await translate(source.format as Exclude<ReportFormat, 'settlement'>, rawPath, reportPath);
    const evidence = await store.putEvidence(evidenceKey(source.provider, date), reportPath);
    landed.push({ provider: source.provider, format: source.format, raw, evidence, reportPath });
  }
  Object.assign(failing, { provider: undefined, reportKey: undefined, reportEtag: undefined });
  return landed;
}

async function translate(format: Exclude<ReportFormat, 'settlement'>, rawPath: string, outPath: string): Promise<void> {
  const sink = new FileSink(outPath);
  try {
    sink.write(TRANSLATED_REPORT_HEADER, 0);
    for await (const row of parseProviderReport(format, createReadStream(rawPath)))
      sink.write(translatedReportLine(row));
  } finally {
    sink.close();
  }
}

/**
 * A provider that holds payouts of the day but has no report source (not in the registry): its payouts
 * are still reconciled, against an empty report, so they show as not found at the provider instead of
 * vanishing from the export or being compared with another provider's rows.
 */
export function emptyReport(provider: string, work: string): LandedReport {
  const dir = join(work, 'providers', provider);
  mkdirSync(dir, { recursive: true });
  const reportPath = join(dir, 'settlement.csv');
  const sink = new FileSink(reportPath);
  sink.write(REPORT_HEADER, 0);
  sink.close();
  return { provider, format: 'none', reportPath };
}
