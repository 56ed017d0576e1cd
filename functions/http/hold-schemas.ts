import * as z from 'zod';
import { HOLD_QUEUE_PAGE_MAX } from '../shared/hold-routes';
import { HOLD_KINDS, HOLD_OWNERS, type Hold } from '../domain/compliance/contract';
import { holdSlaDueAt } from '../domain/compliance/holds';
import { textField } from '../domain/text';
import type { Payout } from '../domain/payout';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/**
 * Requests and answers of the holds routes (shared/hold-routes.ts, docs/compliance.md "Holds").
 * Strict like every request schema; the release reason is one line of visible text, audited.
 */
export const HOLD_QUEUE_PAGE_DEFAULT = 25;
export const HOLD_RELEASE_BODY_BYTES_MAX = 4_096;
export const HOLD_RELEASE_REASON_CHARS_MAX = 500;
/** A hold id as the holds are keyed (`tax_form`, `onboarding`, `screening-<caseId>`, …): never free text. */
export const HOLD_ID_PATTERN = /^[a-z][a-z0-9_:-]{0,127}$/i;

export const holdQueueQuerySchema = z
  .object({
    owner: z.enum(HOLD_OWNERS, { error: 'owner_invalid' }).describe('Whose queue: the role that releases the holds'),
    limit: pageSizeQuery(HOLD_QUEUE_PAGE_MAX, HOLD_QUEUE_PAGE_DEFAULT, 'limit_invalid'),
    cursor: z
      .string({ error: 'cursor_invalid' })
      .min(1, { error: 'cursor_invalid' })
      .max(CURSOR_CHARS_MAX, { error: 'cursor_invalid' })
      .optional(),
  })
  .strict();

export const holdReleaseBodySchema = z
  .object({
    reason: textField({
      error: 'reason_invalid',
      trim: true,
      charsMin: 1,
      charsMax: HOLD_RELEASE_REASON_CHARS_MAX,
      requireVisible: true,
    }).describe('Why the hold is released (the requirement met, the corridor enabled); audited'),
  })
  .strict();

const iso = z.iso.datetime();
const holdSchema = z.object({
  hold_id: z.string(),
  kind: z.enum(HOLD_KINDS),
  owner: z.enum(HOLD_OWNERS),
  opened_at: iso,
  requirement: z.string(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  released_at: iso.nullable(),
  released_by: z.string().nullable(),
  sla_due_at: iso.describe("When the owner's SLA runs out (HOLD_SLA_SECONDS_BY_OWNER)"),
});

export const holdQueueEntrySchema = z.object({
  payout_id: z.string(),
  tenant_id: z.string(),
  status: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  hold: holdSchema,
});
export const holdQueueSchema = z.object({
  owner: z.enum(HOLD_OWNERS),
  data: z.array(holdQueueEntrySchema).describe('Oldest first'),
  next_cursor: z.string().nullable(),
});
export const holdReleaseSchema = z.object({
  outcome: z.enum(['released', 'already_released']),
  payout_id: z.string(),
  status: z.string(),
  open_hold_count: z.number().int(),
  submitted: z.boolean().describe('True when this was the last open hold and the payout went to submission'),
  hold: holdSchema,
});

export function holdJson(hold: Hold): z.infer<typeof holdSchema> {
  return {
    hold_id: hold.holdId,
    kind: hold.kind,
    owner: hold.owner,
    opened_at: hold.openedAt,
    requirement: hold.requirement,
    evidence: hold.evidence,
    released_at: hold.releasedAt ?? null,
    released_by: hold.releasedBy ?? null,
    sla_due_at: holdSlaDueAt(hold),
  };
}

export function holdQueueEntryJson(entry: { hold: Hold; payout: Payout }): z.infer<typeof holdQueueEntrySchema> {
  const { payout } = entry;
  return {
    payout_id: payout.payoutId,
    tenant_id: payout.tenantId,
    status: payout.status,
    amount: payout.amountMinor,
    currency: payout.currency,
    hold: holdJson(entry.hold),
  };
}
