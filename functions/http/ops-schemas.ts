import * as z from 'zod';
import { EXCEPTION_CATEGORIES, EXCEPTION_OWNERS, EXCEPTION_STATES } from '../domain/exceptions';
import { FAILURE_SOURCES } from '../domain/failure-source';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../domain/batches/batch-exceptions';
import { ERROR_CATEGORIES } from '../domain/domain-error';
import { CORRECTION_ID_PATTERN, EXCEPTION_ID_PATTERN } from '../shared/ids';
import { QUEUE_NAMES } from '../shared/names';
import { REPLAY_EVENTS_PER_CALL_MAX } from './redrive-requests';

/**
 * The answers of the ops routes of docs/ops-api.md (ops-exceptions, ops-redrive): they type the
 * handlers' bodies (`satisfies`), and GET /openapi.json is generated from them. The requests are
 * validated and documented by the schemas of exceptions-requests.ts and redrive-requests.ts.
 */
const iso = z.iso.datetime();
const count = z.number().int().min(0);

export const exceptionIdParameterSchema = z
  .string()
  .regex(EXCEPTION_ID_PATTERN)
  .describe('exc_ + 32 lower-case hex digits; any other value answers 404 (it cannot name an exception)');

const errorNoteSchema = z.object({ message: z.string(), code: z.string().optional(), at: iso });

export const batchGroupItemSchema = z.object({
  sender_item_id: z.string(),
  payout_id: z.string().describe("The item identity's payout id (no payout exists for a rejected item)"),
  code: z.string(),
  category: z.enum(ERROR_CATEGORIES),
  message: z.string(),
  at: iso,
});

export const exceptionViewSchema = z.object({
  exception_id: z.string().regex(EXCEPTION_ID_PATTERN),
  category: z.enum(EXCEPTION_CATEGORIES),
  owner: z.enum(EXCEPTION_OWNERS),
  failure_source: z
    .enum(FAILURE_SOURCES)
    .describe('What the category says about the cause: provider, recipient details, compliance or our platform'),
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
    .object({
      note: z.string(),
      by: z.string(),
      at: iso,
      correction_id: z.string().regex(CORRECTION_ID_PATTERN).optional(),
    })
    .optional(),
  batch_id: z.string().optional().describe("A batch group's batch (categories batch_items_failed_*)"),
  item_count: count.optional().describe('How many of the batch items the group holds now'),
  items: z
    .array(batchGroupItemSchema)
    .optional()
    .describe(`The group's first items in sender_item_id order, at most ${BATCH_EXCEPTION_ITEMS_PAGE_MAX}`),
  items_next_cursor: z
    .string()
    .optional()
    .describe('Absent when `items` holds them all; every item is on GET /batches/{batchId}/items?status=rejected'),
});
export type ExceptionView = z.infer<typeof exceptionViewSchema>;

export const exceptionListSchema = z.object({
  data: z.array(exceptionViewSchema),
  next_cursor: z.string().optional().describe('Absent on the last page'),
});

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

export const dlqViewSchema = z.object({
  message_id: z.string(),
  queue: z.enum(QUEUE_NAMES),
  provider: z.string().optional(),
  provider_event_id: z.string().optional(),
  event_type: z.string().optional(),
  payout_id: z.string().optional(),
  date: z.iso.date().optional().describe('reconciliation messages: the run date'),
  run_id: z.string().optional().describe('reconciliation messages: the run that was queued'),
  batch_id: z.string().optional().describe("batch messages: the fan-out chunk's batch"),
  chunk: count.optional().describe('batch messages: the chunk number (100 items each, sender_item_id order)'),
  sender_item_count: count.optional().describe("batch messages from a retry: how many of the chunk's items it names"),
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
