// The sandbox's settlement report, what reconciliation matches against: GET /v1/reports/settlement?date=YYYY-MM-DD, a CSV
// shaped like a real provider's payout reconciliation report — one row per payout the sandbox
// received that UTC day, with its current state — written by the same writer our parser reads
// (functions/domain/reconciliation/report-writer.ts). The `report_*` test triggers perturb rows so
// every reconciliation category can be produced on purpose (docs/sandbox-provider.md).
import type { SandboxPayout } from '../../functions/adapters/providers/sandbox-api.js';
import { assertNever } from '../../functions/domain/assert-never.js';
import { isCurrencyCode } from '../../functions/domain/money.js';
import type { SandboxPayoutState } from '../../functions/domain/provider-status.js';
import type { ProviderStatus, ReportRow } from '../../functions/domain/reconciliation/report.js';
import { REPORT_HEADER, reportLine } from '../../functions/domain/reconciliation/report-writer.js';
import { sendError } from './http.js';
import type { SandboxContext, SandboxPlugin } from './plugin-types.js';
import type { ReportPerturbation } from './triggers.js';

export const SETTLEMENT_REPORT_PATH = '/v1/reports/settlement';
/** What `report_amount_changed` adds to the gross, in minor units. */
export const REPORT_AMOUNT_CHANGE_MINOR = 100;
/** What `report_fee_changed` adds to the fee, in minor units. */
export const REPORT_FEE_CHANGE_MINOR = 10;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function reportStatus(state: SandboxPayoutState): ProviderStatus {
  switch (state) {
    case 'accepted':
      return 'pending';
    case 'in_transit':
      return 'in_transit';
    case 'paid':
      return 'paid';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'returned':
      return 'reversed';
    default:
      return assertNever(state, 'sandbox payout state');
  }
}

/** The rows of one payout: none, one, or two (duplicated), perturbed as its trigger says. */
export function reportRowsOf(payout: SandboxPayout, perturbation: ReportPerturbation): Omit<ReportRow, 'line'>[] {
  const currency = payout.currency.toUpperCase();
  if (!isCurrencyCode(currency)) return [];
  const status = reportStatus(payout.status);
  const settledAt =
    payout.status_transitions.paid ?? payout.status_transitions.failed ?? payout.status_transitions.canceled;
  const base = {
    providerReference: payout.id,
    payoutId: payout.payout_id,
    ...(payout.batch_id === null ? {} : { batchId: payout.batch_id, batchStatus: 'paid' as const }),
    status,
    currency,
    grossMinor: payout.amount,
    feeMinor: payout.fee,
    netMinor: payout.amount - payout.fee,
    createdAt: payout.created,
    ...(settledAt === undefined ? {} : { settledAt }),
  };
  switch (perturbation) {
    case 'none':
      return [base];
    case 'omit':
      return [];
    case 'amount_changed':
      return [
        {
          ...base,
          grossMinor: base.grossMinor + REPORT_AMOUNT_CHANGE_MINOR,
          netMinor: base.netMinor + REPORT_AMOUNT_CHANGE_MINOR,
        },
      ];
    case 'fee_changed':
      return [
        {
          ...base,
          feeMinor: base.feeMinor + REPORT_FEE_CHANGE_MINOR,
          netMinor: base.netMinor - REPORT_FEE_CHANGE_MINOR,
        },
      ];
    case 'duplicated':
      return [base, base];
    case 'status_changed':
      return [{ ...base, status: 'failed' }];
    default:
      return assertNever(perturbation, 'report perturbation');
  }
}

export function createSettlementReport(context: SandboxContext): SandboxPlugin {
  return {
    name: 'settlement-report',
    routes: [
      {
        method: 'GET',
        path: /^\/v1\/reports\/settlement$/,
        handle(_request, response, _match, url) {
          const date = url.searchParams.get('date') ?? '';
          if (!DATE_PATTERN.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
            sendError(response, 400, 'invalid_request_error', 'parameter_invalid', 'date must be YYYY-MM-DD', 'date');
            return;
          }
          response.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="settlement-${date}.csv"`,
          });
          response.write(REPORT_HEADER);
          // Oldest first, as listPayouts returns them: a stable order, so the report is stable too.
          for (const payout of context.listPayouts()) {
            if (!payout.created.startsWith(date)) continue;
            const perturbation = context.triggerOf(payout.id)?.report ?? 'none';
            for (const row of reportRowsOf(payout, perturbation)) response.write(reportLine(row));
          }
          response.end();
        },
      },
    ],
  };
}
