import * as z from 'zod';
import {
  CORRECTION_KINDS,
  CORRECTION_STATES,
  CORRECTION_TARGETS,
  EVIDENCE_TYPES,
  type CorrectionRecord,
} from '../domain/corrections';
import { LEDGER_ACCOUNTS } from '../domain/ledger';
import { PAYOUT_STATUSES } from '../domain/lifecycle';
import { CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';
import { CORRECTION_ID_PATTERN } from '../shared/ids';

/**
 * A correction as the corrections routes answer it (docs/ops-api.md). The handlers' bodies are
 * typed by this schema, and GET /openapi.json is generated from it, so the two cannot drift.
 * Absent facts are null, like the payout view.
 */
const iso = z.iso.datetime();
const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];

export const correctionViewSchema = z.object({
  correction_id: z.string().regex(CORRECTION_ID_PATTERN),
  payout_id: z.string(),
  tenant_id: z.string(),
  kind: z.enum(CORRECTION_KINDS),
  state: z.enum(CORRECTION_STATES).describe('proposed → applied (approval applies it), or proposed → rejected'),
  target_status: z.enum(CORRECTION_TARGETS).nullable().describe('status corrections'),
  postings: z
    .array(z.object({ account: z.enum(LEDGER_ACCOUNTS), currency: z.enum(currencyCodes), amount: z.number().int() }))
    .nullable()
    .describe('ledger adjustments: signed minor units per account'),
  reason: z.string(),
  evidence: z.object({ type: z.enum(EVIDENCE_TYPES), reference: z.string() }),
  from_status: z.enum(PAYOUT_STATUSES).describe("The payout's status when it was proposed"),
  payout_version: z.number().int().min(1).describe('The payout version it was proposed on; approval needs the same'),
  proposed_by: z.string(),
  proposed_at: iso,
  approved_by: z.string().nullable(),
  approved_at: iso.nullable(),
  approval_note: z.string().nullable(),
  applied_at: iso.nullable(),
  rejected_by: z.string().nullable(),
  rejected_at: iso.nullable(),
  rejection_reason: z.string().nullable(),
});
export type CorrectionView = z.infer<typeof correctionViewSchema>;

export const correctionListSchema = z.object({
  data: z.array(correctionViewSchema).describe('Oldest proposal first'),
  next_cursor: z.string().optional().describe('Absent on the last page'),
});
export type CorrectionList = z.infer<typeof correctionListSchema>;

export function correctionView(record: CorrectionRecord): CorrectionView {
  return {
    correction_id: record.correctionId,
    payout_id: record.payoutId,
    tenant_id: record.tenantId,
    kind: record.kind,
    state: record.state,
    target_status: record.targetStatus ?? null,
    postings:
      record.postings?.map((p) => ({ account: p.account, currency: p.currency, amount: p.amountMinor })) ?? null,
    reason: record.reason,
    evidence: { type: record.evidence.type, reference: record.evidence.reference },
    from_status: record.fromStatus,
    payout_version: record.payoutVersion,
    proposed_by: record.proposedBy,
    proposed_at: record.proposedAt,
    approved_by: record.approval?.by ?? null,
    approved_at: record.approval?.at ?? null,
    approval_note: record.approval?.note ?? null,
    applied_at: record.appliedAt ?? null,
    rejected_by: record.rejection?.by ?? null,
    rejected_at: record.rejection?.at ?? null,
    rejection_reason: record.rejection?.reason ?? null,
  };
}
