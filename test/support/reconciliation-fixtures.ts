import { CsvReader } from '../../functions/domain/reconciliation/csv-reader';
import type { ReconPayout } from '../../functions/domain/reconciliation/matching-types';
import type { ReportRow } from '../../functions/domain/reconciliation/report';
import { REPORT_HEADER, reportLine } from '../../functions/domain/reconciliation/report-writer';

/** Readable fixtures for reconciliation tests: a payout paid and reported as the provider would. */
export const DATE = '2026-11-24';

export function payout(n: number, overrides: Partial<ReconPayout> = {}): ReconPayout {
  const id = `po_${n.toString().padStart(6, '0')}`;
  return {
    payoutId: id,
    idempotencyKey: `key-${n}`,
    provider: 'sandbox',
    providerReference: `sbx_${n.toString().padStart(6, '0')}`,
    status: 'paid',
    amountMinor: 10_000 + n,
    feeMinor: 25,
    currency: 'USD',
    createdAt: `${DATE}T10:00:00.000Z`,
    lastEventAt: `${DATE}T10:05:00.000Z`,
    ...overrides,
  };
}

/** The provider row that agrees with `p` in every respect. */
export function rowFor(p: ReconPayout, overrides: Partial<Omit<ReportRow, 'line'>> = {}): Omit<ReportRow, 'line'> {
  const gross = overrides.grossMinor ?? p.amountMinor;
  const fee = overrides.feeMinor ?? p.feeMinor ?? 0;
  const status =
    p.status === 'submitted' || p.status === 'accepted'
      ? 'pending'
      : p.status === 'requires_approval'
        ? 'pending'
        : p.status;
  return {
    providerReference: p.providerReference ?? `sbx_for_${p.payoutId}`,
    payoutId: p.payoutId,
    batchId: 'batch_1',
    status,
    currency: p.currency,
    createdAt: p.createdAt,
    settledAt: status === 'paid' ? `${DATE}T11:00:00.000Z` : undefined,
    ...overrides,
    grossMinor: gross,
    feeMinor: fee,
    netMinor: gross - fee,
  } as Omit<ReportRow, 'line'>;
}

export function reportCsv(rows: readonly Omit<ReportRow, 'line'>[]): string {
  return REPORT_HEADER + rows.map((r) => reportLine(r)).join('');
}

export async function* bytesOf(text: string, chunkBytes = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
}

export async function* streamOf<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

/** Parses a CSV file with our own strict reader into objects keyed by the header. */
export function csvObjects(text: string): Record<string, string>[] {
  const reader = new CsvReader();
  const records = [...reader.push(Buffer.from(text, 'utf8')), ...reader.end()];
  const header = records[0]!.fields;
  return records.slice(1).map((r) => Object.fromEntries(r.fields.map((v, i) => [header[i], v])));
}
