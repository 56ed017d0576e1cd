// The Adyen stand-in's Balance Platform Accounting Report: the engine's rows written the way Adyen's
// report carries a bank payout — one line per balance mutation, sharing the payout's Transfer Id.
//
// Source: https://docs.adyen.com/marketplaces/reports-and-fees/balance-platform-accounting-report and
// https://docs.adyen.com/marketplaces/reconciliation-use-cases/reconcile-transfers (read 2026-12-01):
// Category `bank` + Type `bankTransfer` for a payout, Transfer Id shared by its lines, a Transaction Id
// only where money moved, Reference = our `reference`, Balance (PC) negative for money leaving, Booking
// Date `YYYY-MM-DD HH:MM:SS` with its TimeZone. The column order and the columns we do not read follow
// the report's standard columns as those pages list them; the `fee` line per payout is ASSUMED (see
// functions/domain/reconciliation/adyen-accounting-report.ts).
import { formatDecimal } from '../../../functions/domain/money';
import type { ReportRow } from '../../../functions/domain/reconciliation/report';

export const ACCOUNTING_REPORT_HEADER = [
  'Balance Platform',
  'Account Holder',
  'Balance Account',
  'Transfer Id',
  'Transaction Id',
  'Category',
  'Status',
  'Type',
  'Booking Date',
  'Booking Date TimeZone',
  'Value Date',
  'Value Date TimeZone',
  'Balance Currency',
  'Received (PC)',
  'Reserved (PC)',
  'Balance (PC)',
  'Reference',
  'Description',
  'Reference for Beneficiary',
] as const;

const PLATFORM = 'YOUR_BALANCE_PLATFORM';
const HOLDER = 'AH00000000000000000000001';
const ACCOUNT = 'BA00000000000000000000001';

type Line = { status: string; type: 'bankTransfer' | 'fee'; at: string; balanceMinor: number; moved: boolean };

export function renderAccountingReport(rows: readonly Omit<ReportRow, 'line'>[]): string {
  const lines = rows.flatMap((row, index) => linesOf(row).map((line, n) => csvLine(row, line, `${index}_${n}`)));
  return `${ACCOUNTING_REPORT_HEADER.join(',')}\n${lines.join('')}`;
}

function linesOf(row: Omit<ReportRow, 'line'>): Line[] {
  const settled = row.settledAt ?? row.createdAt;
  const received: Line = { status: 'received', type: 'bankTransfer', at: row.createdAt, balanceMinor: 0, moved: false };
  const booked: Line = {
    status: 'booked',
    type: 'bankTransfer',
    at: settled,
    balanceMinor: -row.grossMinor,
    moved: true,
  };
  const fee: Line[] =
    row.feeMinor === 0
      ? []
      : [{ status: 'booked', type: 'fee', at: settled, balanceMinor: -row.feeMinor, moved: true }];
  const back = (status: string): Line => ({
    status,
    type: 'bankTransfer',
    at: settled,
    balanceMinor: row.grossMinor,
    moved: true,
  });
  switch (row.status) {
    case 'paid':
      return [received, booked, ...fee];
    case 'failed':
      return [received, { ...back('failed'), balanceMinor: -row.grossMinor }, ...fee];
    case 'reversed':
      return [received, booked, ...fee, back('returned')];
    case 'canceled':
      return [received, { ...back('cancelled'), balanceMinor: -row.grossMinor }, ...fee];
    case 'pending':
    case 'in_transit':
      throw new Error(`the accounting report lists money movements; a ${row.status} payout has none to render`);
  }
}

function csvLine(row: Omit<ReportRow, 'line'>, line: Line, suffix: string): string {
  const bookingDate = line.at.slice(0, 19).replace('T', ' ');
  const fields = [
    PLATFORM,
    HOLDER,
    ACCOUNT,
    row.providerReference,
    line.moved ? `EVJN${suffix}${row.currency}` : '',
    'bank',
    line.status,
    line.type,
    bookingDate,
    'UTC',
    bookingDate,
    'UTC',
    row.currency,
    '0',
    '0',
    formatDecimal(line.balanceMinor, row.currency),
    row.payoutId ?? '',
    line.type === 'fee' ? 'Transfer fee' : 'payout',
    row.payoutId ?? '',
  ];
  return `${fields.map(quoted).join(',')}\n`;
}

const quoted = (field: string): string => (/[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
