import * as z from 'zod';
import {
  SCREENING_CASE_ID_PREFIX,
  SCREENING_CASE_STATES,
  SCREENING_NOTE_CHARS_MAX,
  SCREENING_NOTE_CHARS_MIN,
  type ScreeningCase,
} from '../domain/compliance/screening-case';
import { textField } from '../domain/text';
import type { ApiError } from './api-error';
import { requestErrorOf } from './request-errors';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/** Requests and views of GET/POST /ops/screening… (app/compliance/screening-api.ts). */

export const SCREENING_LIST_LIMIT_MAX = 100;
export const SCREENING_LIST_LIMIT_DEFAULT = 50;

/** `scr_` + a ULID (screen-recipient.ts mints them). */
export const SCREENING_CASE_ID_PATTERN = new RegExp(`^${SCREENING_CASE_ID_PREFIX}[0-9A-HJKMNP-TV-Z]{26}$`);
export const screeningCaseIdParameterSchema = z
  .string()
  .regex(SCREENING_CASE_ID_PATTERN)
  .describe('scr_ + a ULID; any other value answers 404 (it cannot name a case)');

export const listScreeningQuerySchema = z
  .object({
    state: z
      .enum(SCREENING_CASE_STATES, { error: 'invalid_state' })
      .default('open')
      .describe('The queue of this state, oldest first (default open)'),
    limit: pageSizeQuery(SCREENING_LIST_LIMIT_MAX, SCREENING_LIST_LIMIT_DEFAULT, 'invalid_limit'),
    cursor: z
      .string({ error: 'invalid_cursor' })
      .min(1, { error: 'invalid_cursor' })
      .max(CURSOR_CHARS_MAX, { error: 'invalid_cursor' })
      .optional()
      .describe("The previous page's next_cursor, with the same state"),
  })
  .strict();

export const screeningDecisionBodySchema = z
  .object({
    note: textField({
      error: 'invalid_note',
      charsMin: SCREENING_NOTE_CHARS_MIN,
      charsMax: SCREENING_NOTE_CHARS_MAX,
      trim: true,
      multiline: true,
    }).describe('Why: what was compared (date of birth, country, documents)'),
  })
  .strict();

const MESSAGES: Record<string, (param: string) => string> = {
  invalid_note: () => `note must be ${SCREENING_NOTE_CHARS_MIN} to ${SCREENING_NOTE_CHARS_MAX} characters`,
  invalid_state: () => `state must be one of ${SCREENING_CASE_STATES.join(', ')}`,
};

export function parseScreeningDecision(body: Record<string, unknown>): { note: string } {
  const result = screeningDecisionBodySchema.safeParse(body);
  if (result.success) return result.data;
  throw requestErrorOf(result.error.issues, body, { kind: 'body', messages: MESSAGES }) as ApiError;
}

export const SCREENING_QUERY_MESSAGES = MESSAGES;

const matchViewSchema = z.object({
  source_list: z.string(),
  source_id: z.string(),
  listed_name: z.string(),
  matched_name: z.string(),
  programs: z.array(z.string()),
  name_score: z.number(),
  score: z.number(),
  adjustments: z.array(z.string()),
});
const decisionViewSchema = z.object({ by: z.string(), at: z.string(), note: z.string() });

export const screeningCaseViewSchema = z.object({
  case_id: z.string(),
  tenant_id: z.string(),
  recipient_id: z.string(),
  state: z.enum(SCREENING_CASE_STATES),
  provider: z.string(),
  list_version: z.string(),
  score: z.number(),
  matches: z.array(matchViewSchema).describe('The evidence: the list entries and their scores, best first'),
  exception_id: z.string(),
  opened_at: z.string(),
  proposal: decisionViewSchema.nullable(),
  decision: decisionViewSchema.extend({ outcome: z.enum(['cleared', 'confirmed']) }).nullable(),
});
export const screeningCaseListSchema = z.object({
  data: z.array(screeningCaseViewSchema),
  next_cursor: z.string().nullable(),
});

export function screeningCaseView(screeningCase: ScreeningCase): z.infer<typeof screeningCaseViewSchema> {
  const c = screeningCase;
  return {
    case_id: c.caseId,
    tenant_id: c.tenantId,
    recipient_id: c.recipientId,
    state: c.state,
    provider: c.provider,
    list_version: c.listVersion,
    score: c.score,
    matches: c.matches.map((m) => ({
      source_list: m.sourceList,
      source_id: m.sourceId,
      listed_name: m.listedName,
      matched_name: m.matchedName,
      programs: m.programs,
      name_score: m.nameScore,
      score: m.score,
      adjustments: m.adjustments,
    })),
    exception_id: c.exceptionId,
    opened_at: c.openedAt,
    proposal: c.proposal === undefined ? null : { by: c.proposal.by, at: c.proposal.at, note: c.proposal.note },
    decision:
      c.decision === undefined
        ? null
        : { by: c.decision.by, at: c.decision.at, note: c.decision.note, outcome: c.decision.outcome },
  };
}
