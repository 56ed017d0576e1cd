import * as z from 'zod';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../adapters/exceptions-records';
import { EXCEPTION_CATEGORIES, EXCEPTION_OWNERS, EXCEPTION_STATES } from '../domain/exceptions';
import { textField } from '../domain/text';
import { BATCH_ID_PATTERN, CORRECTION_ID_PATTERN } from '../shared/ids';
import { requestErrorOf } from './request-errors';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/**
 * Requests of the exceptions routes (docs/ops-api.md). Strict schemas (unknown fields and query
 * parameters refused by name), text by domain/text.ts: an assignee is a name (something visible),
 * a note is multi-line text typed in a textarea (LF, CR and TAB allowed). Messages are codes.
 */
export const RESOLUTION_NOTE_CHARS_MAX = 2_000;
export const ASSIGNEE_CHARS_MAX = 128;

const OWNER_MESSAGE = `owner must be one of ${EXCEPTION_OWNERS.join(', ')}`;
const owner = z.enum(EXCEPTION_OWNERS, { error: 'invalid_owner' });
const note = textField({ error: 'invalid_note', charsMax: RESOLUTION_NOTE_CHARS_MAX, multiline: true });

export const listExceptionsQuerySchema = z
  .object({
    state: z
      .enum(EXCEPTION_STATES, { error: 'invalid_state' })
      .optional()
      .describe('With state: most urgent (earliest SLA) first; without: newest first'),
    category: z.enum(EXCEPTION_CATEGORIES, { error: 'invalid_category' }).optional(),
    owner: owner.optional(),
    batch_id: z
      .string({ error: 'invalid_batch_id' })
      .regex(BATCH_ID_PATTERN, { error: 'invalid_batch_id' })
      .optional()
      .describe('The batch group exceptions of one batch (at most one per failure source; no cursor)'),
    limit: pageSizeQuery(LIST_LIMIT_MAX, LIST_LIMIT_DEFAULT, 'invalid_limit'),
    cursor: z
      .string({ error: 'invalid_cursor' })
      .min(1, { error: 'invalid_cursor' })
      .max(CURSOR_CHARS_MAX, { error: 'invalid_cursor' })
      .optional(),
  })
  .strict();
export type ListExceptionsQuery = z.infer<typeof listExceptionsQuerySchema>;

export const assignExceptionBodySchema = z
  .object({
    assignee: textField({
      error: 'invalid_assignee',
      trim: true,
      charsMin: 1,
      charsMax: ASSIGNEE_CHARS_MAX,
      requireVisible: true,
    })
      .optional()
      .describe('Default: the operator (the token sub)'),
    owner: owner.optional().describe('Hand the exception to another team'),
    note: note.optional().describe('Why, kept in the audit trail'),
  })
  .strict();

export const resolveExceptionBodySchema = z
  // Required, but checked after the schema so a missing or blank note gets its own code
  // (note_required, exceptions-api.ts); the document states it beside the schema.
  .object({
    note: note.optional().meta({
      minLength: 1,
      pattern: '\\S',
      description: `What was wrong and what was done: 1–${RESOLUTION_NOTE_CHARS_MAX} characters, something visible`,
    }),
    correction_id: z
      .string({ error: 'invalid_correction_id' })
      .regex(CORRECTION_ID_PATTERN, { error: 'invalid_correction_id' })
      .optional()
      .describe(
        "The applied correction that fixed it: must exist (400 correction_not_found), concern the exception's " +
          'payout (400 correction_payout_mismatch) and be applied (409 correction_not_applied)',
      ),
  })
  .strict()
  .meta({ required: ['note'] });

const MESSAGES: Record<string, (param: string) => string> = {
  invalid_state: () => `state must be one of ${EXCEPTION_STATES.join(', ')}`,
  invalid_category: () => 'unknown exception category',
  invalid_owner: () => OWNER_MESSAGE,
  invalid_limit: () => `limit must be 1–${LIST_LIMIT_MAX}`,
  invalid_cursor: () => 'cursor is not valid for this query; start again without it',
  invalid_batch_id: () => 'batch_id must be bat_ + a ULID',
  invalid_assignee: () => `assignee must be a name of at most ${ASSIGNEE_CHARS_MAX} characters`,
  invalid_correction_id: () => 'correction_id must be cor_ + a ULID',
  invalid_note: () => `note must be a string of at most ${RESOLUTION_NOTE_CHARS_MAX} characters`,
};

export function parseExceptionsRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  kind: 'body' | 'query',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  return throwRequestError(result.error, input, kind);
}

function throwRequestError(error: z.ZodError, input: unknown, kind: 'body' | 'query'): never {
  throw requestErrorOf(error.issues, input, { kind, messages: MESSAGES });
}
