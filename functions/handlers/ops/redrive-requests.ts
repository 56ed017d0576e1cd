import { badRequest } from '../http/api-error';
import { QUEUE_NAMES, type QueueName } from './dlq-view';

/** Validation of redrive and replay bodies (docs/ops-api.md): exactly one selector, bounded everything. */
export const REPLAY_EVENTS_PER_CALL_MAX = 500;
/** A replay range longer than the inbox keeps events would only find nothing. */
export const REPLAY_RANGE_SECONDS_MAX = 35 * 24 * 3_600;
export const FILTER_TEXT_CHARS_MAX = 128;
export const EVENT_ID_CHARS_MAX = 300;

export interface RedriveFilter {
  provider?: string;
  eventType?: string;
  errorCategory?: string;
  olderThanSeconds?: number;
  newerThanSeconds?: number;
}

export type RedriveSelector = { kind: 'message'; messageId: string } | { kind: 'filter'; filter: RedriveFilter } | { kind: 'all' };

export interface RedriveRequest {
  queue: QueueName;
  selector: RedriveSelector;
  dryRun: boolean;
}

export type ReplayRequest =
  | { kind: 'ids'; eventIds: Array<{ provider: string; providerEventId: string }>; dryRun: boolean }
  | { kind: 'range'; from: string; to: string; provider?: string; dryRun: boolean };

export function queueOf(value: unknown): QueueName {
  if (value === undefined) return 'webhook';
  if (typeof value !== 'string' || !(QUEUE_NAMES as readonly string[]).includes(value)) throw badRequest('invalid_queue', `queue must be one of ${QUEUE_NAMES.join(', ')}`, 'queue');
  return value as QueueName;
}

function dryRunOf(body: Record<string, unknown>): boolean {
  const value = body['dry_run'];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw badRequest('invalid_dry_run', 'dry_run must be a boolean', 'dry_run');
  return value;
}

function text(value: unknown, param: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > FILTER_TEXT_CHARS_MAX) throw badRequest('invalid_filter', `${param} must be a non-empty string`, param);
  return value;
}

function seconds(value: unknown, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw badRequest('invalid_filter', `${param} must be a non-negative integer`, param);
  return value;
}

export function parseRedriveRequest(body: Record<string, unknown>): RedriveRequest {
  const queue = queueOf(body['queue']);
  const dryRun = dryRunOf(body);
  const given = ['message_id', 'filter', 'all'].filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw badRequest('selector_required', 'give exactly one of message_id, filter or all', 'message_id');
  if (body['message_id'] !== undefined) return { queue, dryRun, selector: { kind: 'message', messageId: text(body['message_id'], 'message_id') ?? '' } };
  if (body['all'] !== undefined) {
    if (body['all'] !== true) throw badRequest('invalid_all', 'all must be true', 'all');
    return { queue, dryRun, selector: { kind: 'all' } };
  }
  const raw = body['filter'];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('invalid_filter', 'filter must be an object', 'filter');
  const f = raw as Record<string, unknown>;
  const filter: RedriveFilter = {};
  const provider = text(f['provider'], 'filter.provider');
  const eventType = text(f['event_type'], 'filter.event_type');
  const errorCategory = text(f['error_category'], 'filter.error_category');
  const olderThanSeconds = seconds(f['older_than_seconds'], 'filter.older_than_seconds');
  const newerThanSeconds = seconds(f['newer_than_seconds'], 'filter.newer_than_seconds');
  if (provider !== undefined) filter.provider = provider;
  if (eventType !== undefined) filter.eventType = eventType;
  if (errorCategory !== undefined) filter.errorCategory = errorCategory;
  if (olderThanSeconds !== undefined) filter.olderThanSeconds = olderThanSeconds;
  if (newerThanSeconds !== undefined) filter.newerThanSeconds = newerThanSeconds;
  if (Object.keys(filter).length === 0) throw badRequest('invalid_filter', 'an empty filter would match everything; use all: true', 'filter');
  return { queue, dryRun, selector: { kind: 'filter', filter } };
}

export function parseReplayRequest(body: Record<string, unknown>): ReplayRequest {
  const dryRun = dryRunOf(body);
  const provider = text(body['provider'], 'provider');
  const ids = body['event_ids'];
  const hasRange = body['from'] !== undefined || body['to'] !== undefined;
  if ((ids !== undefined) === hasRange) throw badRequest('selector_required', 'give either event_ids or from and to', 'event_ids');
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > REPLAY_EVENTS_PER_CALL_MAX) throw badRequest('invalid_event_ids', `event_ids must be a list of 1–${REPLAY_EVENTS_PER_CALL_MAX} ids`, 'event_ids');
    const eventIds = ids.map((id) => {
      if (typeof id !== 'string' || id.length === 0 || id.length > EVENT_ID_CHARS_MAX) throw badRequest('invalid_event_ids', 'every event id must be a non-empty string', 'event_ids');
      const separator = id.indexOf('#');
      if (separator > 0) return { provider: id.slice(0, separator), providerEventId: id.slice(separator + 1) };
      if (provider === undefined) throw badRequest('provider_required', `event id ${id} has no provider prefix; give provider or use <provider>#<event id>`, 'provider');
      return { provider, providerEventId: id };
    });
    return { kind: 'ids', eventIds, dryRun };
  }
  const from = body['from'];
  const to = body['to'];
  if (typeof from !== 'string' || typeof to !== 'string' || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) throw badRequest('invalid_range', 'from and to must be ISO 8601 times', 'from');
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  if (fromIso >= toIso) throw badRequest('invalid_range', 'from must be before to', 'from');
  if (Date.parse(toIso) - Date.parse(fromIso) > REPLAY_RANGE_SECONDS_MAX * 1_000) throw badRequest('invalid_range', `a replay range is at most ${REPLAY_RANGE_SECONDS_MAX} s`, 'to');
  return { kind: 'range', from: fromIso, to: toIso, ...(provider === undefined ? {} : { provider }), dryRun };
}
