import * as z from 'zod';
import {
  ADJUSTMENT_AMOUNT_MINOR_MAX,
  ADJUSTMENT_POSTINGS_MAX,
  checkAdjustment,
  CORRECTION_KINDS,
  CORRECTION_STATES,
  CORRECTION_TARGETS,
  EVIDENCE_TYPES,
  type AdjustmentPosting,
  type CorrectionEvidence,
  type CorrectionTarget,
} from '../domain/corrections';
import { LEDGER_ACCOUNTS } from '../domain/ledger';
import { CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';
import { textField } from '../domain/text';
import { CORRECTION_ID_PATTERN, PAYOUT_ID_PATTERN } from '../shared/ids';
import { ApiError, badRequest } from './api-error';
import { pathOf, requestErrorOf, valueAt } from './request-errors';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/** Corrections per page of GET /ops/corrections (the repository reads at most this many). */
export const CORRECTIONS_LIST_LIMIT_DEFAULT = 50;
export const CORRECTIONS_LIST_LIMIT_MAX = 200;
/**
 * Requests of the corrections routes (docs/ops-api.md). Strict schemas: an unknown field or query
 * parameter is refused by name. The schema checks each field; what spans fields (the kind's own
 * fields, an evidence URL, the balance of an adjustment) is checked after it, in this order:
 * kind fields → evidence reference → adjustment (an account twice, then each currency's sum).
 * The documented body (GET /openapi.json) is built from the same field schemas, one variant per kind.
 */
export const CORRECTION_REASON_CHARS_MAX = 2_000;
export const EVIDENCE_REFERENCE_CHARS_MAX = 512;
export const APPROVAL_NOTE_CHARS_MAX = 2_000;

const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];

export const correctionIdParameterSchema = z
  .string()
  .regex(CORRECTION_ID_PATTERN)
  .describe('cor_ + a ULID; any other value answers 404 (it cannot name a correction)');

const reason = textField({
  error: 'invalid_reason',
  charsMin: 1,
  charsMax: CORRECTION_REASON_CHARS_MAX,
  multiline: true,
  requireVisible: true,
}).describe(`Why, in words a second operator and an auditor can check (1–${CORRECTION_REASON_CHARS_MAX} characters)`);

const evidence = z
  .object({
    type: z.enum(EVIDENCE_TYPES, { error: 'invalid_evidence_type' }),
    reference: textField({
      error: 'invalid_evidence_reference',
      trim: true,
      charsMin: 1,
      charsMax: EVIDENCE_REFERENCE_CHARS_MAX,
      requireVisible: true,
    }).describe('The statement or report id, document number, ticket, or (type url) an http(s) URL'),
  })
  .strict()
  .describe('What the correction rests on: the second operator checks it before approving');

const posting = z
  .object({
    account: z.enum(LEDGER_ACCOUNTS, { error: 'invalid_account' }),
    currency: z.enum(currencyCodes, { error: 'currency_unsupported' }),
    amount: z
      .number({ error: 'amount_not_integer' })
      .int({ error: 'amount_not_integer' })
      .min(-ADJUSTMENT_AMOUNT_MINOR_MAX, { error: 'amount_too_large' })
      .max(ADJUSTMENT_AMOUNT_MINOR_MAX, { error: 'amount_too_large' })
      .refine((amount) => amount !== 0, { error: 'amount_zero' })
      .describe('Signed minor units added to the account (negative takes away); never 0'),
  })
  .strict();

const postings = z
  .array(posting, { error: 'invalid_postings' })
  .min(2, { error: 'invalid_postings' })
  .max(ADJUSTMENT_POSTINGS_MAX, { error: 'invalid_postings' })
  .describe(
    `2–${ADJUSTMENT_POSTINGS_MAX} legs in the payout's currency, one per account, summing to 0 ` +
      '(400 unbalanced_adjustment, posting_account_repeated)',
  );

const targetStatus = z
  .enum(CORRECTION_TARGETS, { error: 'invalid_target_status' })
  .describe("The outcome to record; allowed from the payout's status per the table in docs/ops-api.md (else 409)");

/** What the handler parses: one strict object, the kind's own fields checked after it (see above). */
const proposeBodySchema = z
  .object({
    kind: z.enum(CORRECTION_KINDS, { error: 'invalid_kind' }),
    target_status: targetStatus.optional(),
    postings: postings.optional(),
    reason,
    evidence,
  })
  .strict();

/** What GET /openapi.json documents: the same fields, one closed variant per kind. */
export const documentedProposeBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), target_status: targetStatus, reason, evidence }).strict(),
  z.object({ kind: z.literal('ledger_adjustment'), postings, reason, evidence }).strict(),
]);

export const approveCorrectionBodySchema = z
  .object({
    note: textField({ error: 'invalid_note', charsMax: APPROVAL_NOTE_CHARS_MAX, multiline: true })
      .optional()
      .describe('What the approver checked (optional)'),
  })
  .strict();

export const rejectCorrectionBodySchema = z
  .object({
    reason: textField({
      error: 'invalid_reason',
      charsMin: 1,
      charsMax: CORRECTION_REASON_CHARS_MAX,
      multiline: true,
      requireVisible: true,
    }).describe('Why not (required)'),
  })
  .strict();

export const listCorrectionsQuerySchema = z
  .object({
    state: z
      .enum(CORRECTION_STATES, { error: 'invalid_state' })
      .optional()
      .describe('Without payout_id: the queue of this state (default proposed); with it: a filter'),
    payout_id: z
      .string({ error: 'payout_id_invalid' })
      .regex(PAYOUT_ID_PATTERN, { error: 'payout_id_invalid' })
      .optional()
      .describe("The payout's corrections, every state unless state is given"),
    limit: pageSizeQuery(CORRECTIONS_LIST_LIMIT_MAX, CORRECTIONS_LIST_LIMIT_DEFAULT, 'invalid_limit'),
    cursor: z
      .string({ error: 'invalid_cursor' })
      .min(1, { error: 'invalid_cursor' })
      .max(CURSOR_CHARS_MAX, { error: 'invalid_cursor' })
      .optional(),
  })
  .strict();
export type ListCorrectionsQuery = z.infer<typeof listCorrectionsQuerySchema>;

export type ApproveCorrectionBody = z.infer<typeof approveCorrectionBodySchema>;
export type RejectCorrectionBody = z.infer<typeof rejectCorrectionBodySchema>;

export type ProposeCorrectionBody =
  | { kind: 'status'; targetStatus: CorrectionTarget; reason: string; evidence: CorrectionEvidence }
  | { kind: 'ledger_adjustment'; postings: AdjustmentPosting[]; reason: string; evidence: CorrectionEvidence };

const MESSAGES: Record<string, (param: string) => string> = {
  invalid_kind: () => `kind must be one of ${CORRECTION_KINDS.join(', ')}`,
  invalid_target_status: () => `target_status must be one of ${CORRECTION_TARGETS.join(', ')}`,
  invalid_postings: () => `postings must be 2 to ${ADJUSTMENT_POSTINGS_MAX} objects { account, currency, amount }`,
  invalid_account: (param) => `${param} must be one of ${LEDGER_ACCOUNTS.join(', ')}`,
  currency_unsupported: (param) => `${param} must be a supported upper-case ISO 4217 code`,
  amount_not_integer: (param) => `${param} must be an integer count of minor units`,
  amount_zero: (param) => `${param} must not be 0`,
  amount_too_large: (param) => `${param} must be at most ${ADJUSTMENT_AMOUNT_MINOR_MAX} minor units either way`,
  invalid_reason: (param) => `${param} must be text of 1 to ${CORRECTION_REASON_CHARS_MAX} characters`,
  invalid_evidence_type: () => `evidence.type must be one of ${EVIDENCE_TYPES.join(', ')}`,
  invalid_evidence_reference: () => `evidence.reference must be 1 to ${EVIDENCE_REFERENCE_CHARS_MAX} characters`,
  invalid_note: () => `note must be text of at most ${APPROVAL_NOTE_CHARS_MAX} characters`,
  invalid_state: () => `state must be one of ${CORRECTION_STATES.join(', ')}`,
  payout_id_invalid: () => 'payout_id must be po_ + a ULID',
  invalid_limit: () => `limit must be 1–${CORRECTIONS_LIST_LIMIT_MAX}`,
  invalid_cursor: () => 'cursor is not valid for this query; start again without it',
};

export function parseCorrectionsRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  kind: 'body' | 'query',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const error = requestErrorOf(result.error.issues, input, { kind, messages: MESSAGES });
  // A required enum that is absent (kind, evidence.type) is missing, not an invalid value: the
  // shared mapper only knows that for fields whose check is a type check.
  const [first] = result.error.issues;
  if (
    kind === 'body' &&
    error.code !== 'field_unknown' &&
    first !== undefined &&
    first.path.length > 0 &&
    valueAt(input, first.path) === undefined
  ) {
    return throwMissing(pathOf(first.path));
  }
  throw error;
}

function throwMissing(param: string): never {
  throw badRequest('field_missing', `${param} is required`, param);
}

const fieldUnknown = (field: string, kind: string): ApiError =>
  new ApiError({
    status: 400,
    type: 'invalid_request_error',
    code: 'field_unknown',
    category: 'terminal',
    message: `${field} is not a field of a ${kind} correction`,
    param: field,
    details: { fields: [field] },
  });

/** A propose body, every rule checked (see the file comment for the order); nothing here reads or writes. */
export function parseProposeBody(input: unknown): ProposeCorrectionBody {
  const body = parseCorrectionsRequest(proposeBodySchema, input, 'body');
  const common = { reason: body.reason, evidence: body.evidence };
  if (body.evidence.type === 'url' && !isHttpUrl(body.evidence.reference)) {
    throw badRequest(
      'invalid_evidence_reference',
      'evidence.reference of type url must be an http(s) URL',
      'evidence.reference',
    );
  }
  if (body.kind === 'status') {
    if (body.postings !== undefined) throw fieldUnknown('postings', body.kind);
    if (body.target_status === undefined)
      throw badRequest('field_missing', 'target_status is required', 'target_status');
    return { kind: 'status', targetStatus: body.target_status, ...common };
  }
  if (body.target_status !== undefined) throw fieldUnknown('target_status', body.kind);
  if (body.postings === undefined) throw badRequest('field_missing', 'postings is required', 'postings');
  const legs: AdjustmentPosting[] = body.postings.map((p) => ({
    account: p.account,
    currency: p.currency,
    amountMinor: p.amount,
  }));
  const check = checkAdjustment(legs);
  if (!check.ok) {
    if (check.code === 'posting_account_repeated') {
      const param = `postings.${check.index}.account`;
      throw badRequest(check.code, `postings.${check.index} names an account already posted in its currency`, param);
    }
    throw badRequest(
      check.code,
      `the ${check.currency} postings sum to ${check.sumMinor} minor units; an adjustment must sum to 0 in each currency`,
      'postings',
    );
  }
  return { kind: 'ledger_adjustment', postings: legs, ...common };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
