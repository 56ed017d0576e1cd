import { z } from 'zod';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../adapters/exceptions-records';
import { EXCEPTION_CATEGORIES, EXCEPTION_OWNERS, EXCEPTION_STATES } from '../domain/exceptions';
import { QUEUE_NAMES } from '../app/ops/dlq-view';
import { CORRECTION_ID_PATTERN } from '../shared/ids';
import { ASSIGNEE_CHARS_MAX, EXCEPTION_ID_PATTERN, RESOLUTION_NOTE_CHARS_MAX } from '../app/ops/exceptions-api';
import { DLQ_LIST_LIMIT_DEFAULT, DLQ_LIST_LIMIT_MAX } from '../app/ops/redrive-api';
import {
  EVENT_ID_CHARS_MAX,
  FILTER_TEXT_CHARS_MAX,
  REPLAY_EVENTS_PER_CALL_MAX,
  REPLAY_RANGE_SECONDS_MAX,
} from './redrive-requests';

/**
 * The ops routes of docs/ops-api.md (ops-exceptions, ops-redrive): their inputs and answers.
 * The answers type the handlers' bodies (`satisfies`), and GET /openapi.json is generated from
 * all of them. Every limit is the constant the handler enforces, imported, never retyped; the
 * request schemas are the documented contract (strict: a field not listed is refused).
 */
const iso = z.iso.datetime();
const count = z.number().int().min(0);

export const exceptionIdParameterSchema = z
  .string()
  .regex(EXCEPTION_ID_PATTERN)
  .describe('exc_ + 32 lower-case hex digits; any other value answers 404 (it cannot name an exception)');

export const exceptionsQuerySchema = z
  .object({
    state: z
      .enum(EXCEPTION_STATES)
      .optional()
      .describe('With a state: most urgent (earliest SLA) first; without: newest first'),
    category: z.enum(EXCEPTION_CATEGORIES).optional(),
    owner: z.enum(EXCEPTION_OWNERS).optional(),
    limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
    cursor: z.string().optional().describe('next_cursor of the previous page, with the same filters'),
  })
  .strict();

const errorNoteSchema = z.object({ message: z.string(), code: z.string().optional(), at: iso });

export const exceptionViewSchema = z.object({
  exception_id: z.string().regex(EXCEPTION_ID_PATTERN),
  category: z.enum(EXCEPTION_CATEGORIES),
  owner: z.enum(EXCEPTION_OWNERS),
  state: z.enum(EXCEPTION_STATES),
  payout_id: z.string().optional(),
  opened_at: iso,
  sla_due_at: iso,
  sla_breached: z.boolean().describe('Not resolved and past sla_due_at'),
  updated_at: iso,
  last_seen_at: iso,
  occurrences: z.number().int().min(1).describe('How many times the condition behind it was reported'),
  assignee: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()).describe('What opened it: ids, amounts, the message or report row'),
  first_error: errorNoteSchema.optional(),
  last_error: errorNoteSchema.optional(),
  resolution: z
    .object({ note: z.string(), by: z.string(), at: iso, correction_id: z.string().regex(CORRECTION_ID_PATTERN).optional() })
    .optional(),
});
export type ExceptionView = z.infer<typeof exceptionViewSchema>;

export const exceptionListSchema = z.object({
  data: z.array(exceptionViewSchema),
  next_cursor: z.string().optional().describe('Absent on the last page'),
});

export const assignExceptionBodySchema = z
  .object({
    assignee: z
      .string()
      .max(ASSIGNEE_CHARS_MAX)
      .optional()
      .describe('Defaults to the operator (token username or sub)'),
    owner: z.enum(EXCEPTION_OWNERS).optional().describe('Hand the exception to another team'),
    note: z.string().max(RESOLUTION_NOTE_CHARS_MAX).optional(),
  })
  .strict();

export const resolveExceptionBodySchema = z
  .object({
    note: z
      .string()
      .min(1)
      .max(RESOLUTION_NOTE_CHARS_MAX)
      .regex(/\S/)
      .describe('What was done; not blank (400 note_required)'),
    correction_id: z
      .string()
      .regex(CORRECTION_ID_PATTERN)
      .optional()
      .describe(
        "The correction that fixed it: must exist (400 correction_not_found), concern the exception's payout " +
          '(400 correction_payout_mismatch) and be applied (409 correction_not_applied)',
      ),
  })
  .strict();

export const queuesResponseSchema = z.object({
  data: z.array(
    z.object({
      queue: z.enum(QUEUE_NAMES),
      role: z.enum(['queue', 'dlq']),
      visible: count,
      in_flight: count,
      delayed: count,
      oldest_age_seconds: count.nullable().describe('DLQs only (from a peek); null where unknown'),
    }),
  ),
});

const queueSchema = z.enum(QUEUE_NAMES).describe('The source queue whose DLQ is meant');

export const dlqQuerySchema = z
  .object({
    queue: queueSchema.default('webhook'),
    limit: z.coerce.number().int().min(1).max(DLQ_LIST_LIMIT_MAX).default(DLQ_LIST_LIMIT_DEFAULT),
  })
  .strict();

export const dlqViewSchema = z.object({
  message_id: z.string(),
  queue: z.enum(QUEUE_NAMES),
  provider: z.string().optional(),
  provider_event_id: z.string().optional(),
  event_type: z.string().optional(),
  payout_id: z.string().optional(),
  date: z.iso.date().optional().describe('reconciliation messages: the run date'),
  run_id: z.string().optional().describe('reconciliation messages: the run that was queued'),
  error_category: z.string().describe('payout_not_found, unmappable_event, inbox_missing, processing_error or unknown'),
  first_error: z.unknown().optional(),
  last_error: z.unknown().optional(),
  error_count: count.optional(),
  receive_count: count,
  sent_at: iso,
  age_seconds: count,
  payload: z
    .unknown()
    .optional()
    .describe('The message body, parsed when it is JSON; for webhooks the stored provider event'),
  exception_id: z.string().regex(EXCEPTION_ID_PATTERN).describe('The exception this message opens (or opened)'),
});
export const dlqListSchema = z.object({ data: z.array(dlqViewSchema).describe('Oldest first') });

const dryRun = z.boolean().optional().describe('true: report what would happen and change nothing');
const filterText = z.string().min(1).max(FILTER_TEXT_CHARS_MAX);
const redriveBase = { queue: queueSchema.optional().describe('Default webhook'), dry_run: dryRun };

export const redriveBodySchema = z.xor([
  z.object({ ...redriveBase, message_id: filterText.describe('One message, by its SQS message id') }).strict(),
  z
    .object({
      ...redriveBase,
      filter: z
        .object({
          provider: filterText.optional(),
          event_type: filterText.optional(),
          error_category: filterText.optional(),
          older_than_seconds: count.optional(),
          newer_than_seconds: count.optional(),
        })
        .strict()
        .refine((filter) => Object.keys(filter).length > 0)
        .meta({ minProperties: 1 })
        .describe('Every given condition must hold; an empty filter is refused (use all: true)'),
    })
    .strict(),
  z.object({ ...redriveBase, all: z.literal(true) }).strict(),
]);

export const redriveResponseSchema = z.object({
  dry_run: z.boolean(),
  matched: count,
  moved: count,
  messages: z.array(
    z.object({
      message_id: z.string(),
      provider_event_id: z.string().optional(),
      event_type: z.string().optional(),
      error_category: z.string(),
    }),
  ),
  truncated: z.boolean().describe('More messages matched than one call moves'),
});

const eventId = z.string().min(1).max(EVENT_ID_CHARS_MAX);
const eventIds = (item: z.ZodString) => z.array(item).min(1).max(REPLAY_EVENTS_PER_CALL_MAX);

export const replayBodySchema = z.union([
  z
    .object({
      event_ids: eventIds(eventId.regex(/^[^#]+#/)).describe('<provider>#<provider event id>'),
      provider: filterText.optional(),
      dry_run: dryRun,
    })
    .strict(),
  z
    .object({
      event_ids: eventIds(eventId).describe('Provider event ids; an id without a <provider># prefix is of `provider`'),
      provider: filterText,
      dry_run: dryRun,
    })
    .strict(),
  z
    .object({
      from: iso,
      to: iso.describe(`After from, at most ${REPLAY_RANGE_SECONDS_MAX} s later (400 invalid_range)`),
      provider: filterText.optional(),
      dry_run: dryRun,
    })
    .strict(),
]);

export const replayResponseSchema = z.object({
  dry_run: z.boolean(),
  matched: count,
  enqueued: count,
  events: z.array(z.object({ event_id: z.string(), event_type: z.string(), received_at: iso })),
  missing: z.array(z.string()).describe('event_ids with no stored event'),
  truncated: z.boolean().describe(`More events in the range than one call replays (${REPLAY_EVENTS_PER_CALL_MAX})`),
});

export type ExceptionList = z.infer<typeof exceptionListSchema>;
export type QueuesResponse = z.infer<typeof queuesResponseSchema>;
export type DlqList = z.infer<typeof dlqListSchema>;
export type RedriveResponse = z.infer<typeof redriveResponseSchema>;
export type ReplayResponse = z.infer<typeof replayResponseSchema>;
