import * as z from 'zod';
import { textField } from '../domain/text';
import { badRequest, type ApiError } from './api-error';
import { QUEUE_NAMES, type QueueName } from '../shared/names';
import { requestErrorOf } from './request-errors';
import { pageSizeQuery } from './schemas';

/**
 * Requests of the DLQ and replay routes (docs/ops-api.md): exactly one selector, bounded
 * everything. The schemas are strict at every level (an unknown field is refused by name), their
 * text fields follow domain/text.ts, and their messages are error codes (request-errors.ts);
 * the rules across fields (one selector, a range in order) are checked after the schema, and
 * stated for GET /openapi.json beside it (`oneOf` of the required keys), so the document and the
 * check are read from one place. The limits are here, and the handler imports them.
 */
export const REPLAY_EVENTS_PER_CALL_MAX = 500;
/** A replay range longer than the inbox keeps events would only find nothing. */
export const REPLAY_RANGE_SECONDS_MAX = 35 * 24 * 3_600;
/** Messages one redrive call moves (receive → send → delete, each audited). */
export const REDRIVE_MESSAGES_PER_CALL_MAX = 100;
/** Pace of a redrive, so a backlog sent back does not flood its consumer. */
export const REDRIVE_MESSAGES_PER_SECOND_MAX = 20;
export const DLQ_LIST_LIMIT_MAX = 50;
export const DLQ_LIST_LIMIT_DEFAULT = 20;
export const FILTER_TEXT_CHARS_MAX = 128;
/** SQS message ids are UUIDs (36 characters); 128 leaves room for any other queue's ids. */
export const MESSAGE_ID_CHARS_MAX = 128;
export const EVENT_ID_CHARS_MAX = 300;

export interface RedriveFilter {
  provider?: string;
  eventType?: string;
  errorCategory?: string;
  olderThanSeconds?: number;
  newerThanSeconds?: number;
}

export type RedriveSelector =
  { kind: 'message'; messageId: string } | { kind: 'filter'; filter: RedriveFilter } | { kind: 'all' };

export interface RedriveRequest {
  queue: QueueName;
  selector: RedriveSelector;
  dryRun: boolean;
}

export type ReplayRequest =
  | { kind: 'ids'; eventIds: Array<{ provider: string; providerEventId: string }>; dryRun: boolean }
  | { kind: 'range'; from: string; to: string; provider?: string; dryRun: boolean };

const QUEUE_MESSAGE = `queue must be one of ${QUEUE_NAMES.join(', ')}`;
const queueSchema = z.enum(QUEUE_NAMES, { error: 'invalid_queue' });
const filterText = textField({ error: 'invalid_filter', charsMin: 1, charsMax: FILTER_TEXT_CHARS_MAX });
// zod's int() is a safe integer (at most 2^53 - 1): a larger count would be rounded, and could not be audited.
const seconds = z
  .number({ error: 'invalid_filter' })
  .int({ error: 'invalid_filter' })
  .min(0, { error: 'invalid_filter' });
const dryRun = z
  .boolean({ error: 'invalid_dry_run' })
  .optional()
  .describe('true: report what would happen and change nothing');

export const dlqQuerySchema = z
  .object({
    queue: queueSchema.default('webhook').describe('The source queue whose DLQ is meant'),
    limit: pageSizeQuery(DLQ_LIST_LIMIT_MAX, DLQ_LIST_LIMIT_DEFAULT, 'invalid_limit'),
  })
  .strict();

export const redriveFilterSchema = z
  .object(
    {
      provider: filterText.optional(),
      event_type: filterText.optional(),
      error_category: filterText.optional(),
      older_than_seconds: seconds.optional().describe('Messages at least this old'),
      newer_than_seconds: seconds.optional().describe('Messages at most this old'),
    },
    { error: 'invalid_filter' },
  )
  .strict()
  .meta({
    minProperties: 1,
    description: 'Every given condition must hold; an empty filter is refused (400 invalid_filter: use all: true)',
  });

/** The selectors of a redrive: exactly one is given (parseRedriveRequest: 400 selector_required). */
const REDRIVE_SELECTORS = ['message_id', 'filter', 'all'] as const;

export const redriveBodySchema = z
  .object({
    queue: queueSchema.optional().describe('The source queue whose DLQ is meant; default webhook'),
    message_id: textField({ error: 'invalid_message_id', charsMin: 1, charsMax: MESSAGE_ID_CHARS_MAX })
      .optional()
      .describe('One message, by its SQS message id'),
    filter: redriveFilterSchema.optional(),
    all: z
      .literal(true, { error: 'invalid_all' })
      .optional()
      .describe(`Every message, at most ${REDRIVE_MESSAGES_PER_CALL_MAX} a call`),
    dry_run: dryRun,
  })
  .strict()
  .meta({
    description: 'Exactly one of message_id, filter or all (400 selector_required)',
    oneOf: REDRIVE_SELECTORS.map((selector) => ({ required: [selector] })),
  });

export const replayBodySchema = z
  .object({
    event_ids: z
      .array(textField({ error: 'invalid_event_ids', charsMin: 1, charsMax: EVENT_ID_CHARS_MAX }), {
        error: 'invalid_event_ids',
      })
      .min(1, { error: 'invalid_event_ids' })
      .max(REPLAY_EVENTS_PER_CALL_MAX, { error: 'invalid_event_ids' })
      .optional()
      .describe(
        '`<provider>#<provider event id>`, or a bare provider event id, which is of `provider` ' +
          '(400 provider_required without it)',
      ),
    provider: textField({ error: 'invalid_provider', charsMin: 1, charsMax: FILTER_TEXT_CHARS_MAX })
      .optional()
      .describe('The provider of bare event ids; with from and to, only its events'),
    from: z.iso
      .datetime({ offset: true, error: 'invalid_range' })
      .optional()
      .describe('Events received at or after this instant (RFC 3339; an offset is normalised to UTC)'),
    to: z.iso
      .datetime({ offset: true, error: 'invalid_range' })
      .optional()
      .describe(
        `Events received before this instant: after from, at most ${REPLAY_RANGE_SECONDS_MAX} s later ` +
          '(400 invalid_range)',
      ),
    dry_run: dryRun,
  })
  .strict()
  .meta({
    description: 'Either event_ids, or from and to (400 selector_required)',
    // Stated for the document; parseReplayRequest enforces it.
    oneOf: [
      { required: ['event_ids'], properties: { from: false, to: false } },
      { required: ['from', 'to'], properties: { event_ids: false } },
    ],
  });

const MESSAGES: Record<string, (param: string) => string> = {
  invalid_queue: () => QUEUE_MESSAGE,
  invalid_dry_run: () => 'dry_run must be a boolean',
  invalid_all: () => 'all must be true',
  invalid_filter: (param) =>
    param.endsWith('_seconds')
      ? `${param} must be a non-negative integer`
      : `${param} must be an object of non-empty strings`,
  invalid_message_id: () => `message_id must be a string of 1 to ${MESSAGE_ID_CHARS_MAX} characters`,
  invalid_event_ids: () => `event_ids must be a list of 1–${REPLAY_EVENTS_PER_CALL_MAX} non-empty ids`,
  invalid_provider: () => `provider must be a string of 1 to ${FILTER_TEXT_CHARS_MAX} characters`,
  invalid_range: () => 'from and to must be ISO 8601 times',
  invalid_limit: () => `limit must be 1–${DLQ_LIST_LIMIT_MAX}`,
};

function validated<S extends z.ZodType>(schema: S, body: unknown, kind: 'body' | 'query' = 'body'): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw opsRequestError(result.error, body, kind);
}

function opsRequestError(error: z.ZodError, input: unknown, kind: 'body' | 'query'): ApiError {
  return requestErrorOf(error.issues, input, { kind, messages: MESSAGES });
}

export function queueOf(value: unknown): QueueName {
  if (value === undefined) return 'webhook';
  const result = queueSchema.safeParse(value);
  if (!result.success) throw badRequest('invalid_queue', QUEUE_MESSAGE, 'queue');
  return result.data;
}

export function parseDlqQuery(query: Record<string, string | undefined> | undefined): {
  queue: QueueName;
  limit: number;
} {
  return validated(dlqQuerySchema, query ?? {}, 'query');
}

export function parseRedriveRequest(body: Record<string, unknown>): RedriveRequest {
  const request = validated(redriveBodySchema, body);
  const queue = request.queue ?? 'webhook';
  const dryRun = request.dry_run ?? false;
  const given = REDRIVE_SELECTORS.filter((k) => request[k] !== undefined);
  if (given.length !== 1)
    throw badRequest('selector_required', 'give exactly one of message_id, filter or all', given[1] ?? 'message_id');
  if (request.message_id !== undefined)
    return { queue, dryRun, selector: { kind: 'message', messageId: request.message_id } };
  if (request.all === true) return { queue, dryRun, selector: { kind: 'all' } };
  const f = request.filter!;
  const filter: RedriveFilter = {
    ...(f.provider === undefined ? {} : { provider: f.provider }),
    ...(f.event_type === undefined ? {} : { eventType: f.event_type }),
    ...(f.error_category === undefined ? {} : { errorCategory: f.error_category }),
    ...(f.older_than_seconds === undefined ? {} : { olderThanSeconds: f.older_than_seconds }),
    ...(f.newer_than_seconds === undefined ? {} : { newerThanSeconds: f.newer_than_seconds }),
  };
  if (Object.keys(filter).length === 0)
    throw badRequest('invalid_filter', 'an empty filter would match everything; use all: true', 'filter');
  return { queue, dryRun, selector: { kind: 'filter', filter } };
}

export function parseReplayRequest(body: Record<string, unknown>): ReplayRequest {
  const request = validated(replayBodySchema, body);
  const dryRun = request.dry_run ?? false;
  const { provider } = request;
  const hasRange = request.from !== undefined || request.to !== undefined;
  if ((request.event_ids !== undefined) === hasRange)
    throw badRequest('selector_required', 'give either event_ids or from and to', 'event_ids');
  if (request.event_ids !== undefined) {
    const eventIds = request.event_ids.map((id) => {
      const separator = id.indexOf('#');
      if (separator > 0) return { provider: id.slice(0, separator), providerEventId: id.slice(separator + 1) };
      if (provider === undefined)
        throw badRequest(
          'provider_required',
          `event id ${id} has no provider prefix; give provider or use <provider>#<event id>`,
          'provider',
        );
      return { provider, providerEventId: id };
    });
    return { kind: 'ids', eventIds, dryRun };
  }
  if (request.from === undefined || request.to === undefined)
    throw badRequest('invalid_range', 'from and to must be ISO 8601 times', request.from === undefined ? 'from' : 'to');
  const fromIso = new Date(request.from).toISOString();
  const toIso = new Date(request.to).toISOString();
  if (fromIso >= toIso) throw badRequest('invalid_range', 'from must be before to', 'from');
  if (Date.parse(toIso) - Date.parse(fromIso) > REPLAY_RANGE_SECONDS_MAX * 1_000)
    throw badRequest('invalid_range', `a replay range is at most ${REPLAY_RANGE_SECONDS_MAX} s`, 'to');
  return { kind: 'range', from: fromIso, to: toIso, ...(provider === undefined ? {} : { provider }), dryRun };
}
