// The ops APIs' answers, normalised in one place (docs/ops-api.md is their contract). Views read
// these shapes only, so a renamed field is a one-line change here.
import { pick } from './format';

type Json = Record<string, unknown>;

export interface QueueDepth {
  name: string;
  isDlq: boolean;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
}

export interface ErrorRecord {
  at: string;
  message: string;
  category: string;
}

export interface DlqMessage {
  messageId: string;
  queue: string;
  provider: string;
  eventType: string;
  providerEventId: string;
  payoutId: string;
  errorCategory: string;
  receiveCount: number | null;
  firstSeenAt: string;
  exceptionId: string;
  ageSeconds: number | null;
  errors: ErrorRecord[];
  payload: unknown;
  raw: Json;
}

export interface OpsException {
  exceptionId: string;
  category: string;
  owner: string;
  state: string;
  assignee: string;
  payoutId: string;
  provider: string;
  openedAt: string;
  slaDueAt: string;
  errors: ErrorRecord[];
  evidence: unknown;
  notes: unknown[];
  raw: Json;
}

export interface RedriveOutcome {
  dryRun: boolean;
  count: number;
  /** More matched than one call may move; run it again for the rest. */
  truncated: boolean;
  messageIds: string[];
  raw: Json;
}

const str = (record: Json, ...names: string[]): string => {
  const value = pick(record, ...names);
  return value === undefined ? '' : String(value);
};
const num = (record: Json, ...names: string[]): number | null => {
  const value = pick(record, ...names);
  return typeof value === 'number' ? value : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : null;
};
const list = (body: unknown, ...names: string[]): Json[] => {
  if (Array.isArray(body)) return body as Json[];
  const value = pick(body as Json, ...names);
  return Array.isArray(value) ? (value as Json[]) : [];
};

export function toQueues(body: unknown): QueueDepth[] {
  return list(body, 'queues', 'items', 'data').map((q) => ({
    name: str(q, 'queue', 'name'),
    isDlq: str(q, 'role') === 'dlq',
    visible: num(q, 'visible', 'approximate_number_of_messages', 'messages', 'depth') ?? 0,
    inFlight: num(q, 'in_flight', 'not_visible', 'approximate_number_of_messages_not_visible', 'inFlight') ?? 0,
    delayed: num(q, 'delayed', 'approximate_number_of_messages_delayed') ?? 0,
    oldestAgeSeconds: num(q, 'oldest_age_seconds', 'oldest_message_age_seconds', 'oldestAgeSeconds'),
  }));
}

function toErrors(record: Json): ErrorRecord[] {
  const history = list(record, 'errors', 'error_history', 'attempts');
  const fromHistory = history.map((e) => ({
    at: str(e, 'at', 'occurred_at', 'time'),
    message: str(e, 'message', 'error', 'reason'),
    category: str(e, 'category', 'error_category', 'code'),
  }));
  if (fromHistory.length > 0) return fromHistory;
  const first = pick(record, 'first_error');
  const last = pick(record, 'last_error', 'error');
  const asError = (value: unknown, at: string): ErrorRecord =>
    typeof value === 'object' && value !== null
      ? { at: str(value as Json, 'at', 'occurred_at') || at, message: str(value as Json, 'message'), category: str(value as Json, 'category', 'code', 'error_category') }
      : { at, message: String(value), category: str(record, 'error_category', 'category') };
  const errors: ErrorRecord[] = [];
  if (first !== undefined) errors.push(asError(first, str(record, 'first_error_at', 'opened_at', 'first_seen_at')));
  if (last !== undefined && JSON.stringify(last) !== JSON.stringify(first)) errors.push(asError(last, str(record, 'last_error_at', 'last_seen_at')));
  return errors;
}

export function toDlqMessages(body: unknown): DlqMessage[] {
  return list(body, 'messages', 'items', 'data').map((m) => ({
    messageId: str(m, 'message_id', 'messageId', 'id'),
    queue: str(m, 'queue', 'queue_name', 'source_queue'),
    provider: str(m, 'provider'),
    eventType: str(m, 'event_type', 'type', 'eventType'),
    providerEventId: str(m, 'provider_event_id', 'event_id', 'providerEventId'),
    payoutId: str(m, 'payout_id', 'payoutId'),
    errorCategory: str(m, 'error_category', 'category', 'errorCategory'),
    receiveCount: num(m, 'receive_count', 'approximate_receive_count', 'receiveCount'),
    firstSeenAt: str(m, 'sent_at', 'first_seen_at'),
    exceptionId: str(m, 'exception_id'),
    ageSeconds: num(m, 'age_seconds', 'ageSeconds'),
    errors: toErrors(m),
    payload: pick(m, 'payload', 'body', 'message_body'),
    raw: m,
  }));
}

export function toExceptions(body: unknown): OpsException[] {
  return list(body, 'exceptions', 'items', 'data').map((e) => ({
    exceptionId: str(e, 'exception_id', 'exceptionId', 'id'),
    category: str(e, 'category'),
    owner: str(e, 'owner'),
    state: str(e, 'state', 'status'),
    assignee: str(e, 'assignee', 'assigned_to'),
    payoutId: str(e, 'payout_id', 'payoutId'),
    provider: str(e, 'provider') || str((pick(e, 'evidence') ?? {}) as Json, 'provider'),
    openedAt: str(e, 'opened_at', 'openedAt', 'created_at'),
    slaDueAt: str(e, 'sla_due_at', 'sla_due', 'slaDueAt', 'due_at'),
    errors: toErrors(e),
    evidence: pick(e, 'evidence', 'payload'),
    notes: [pick(e, 'resolution')].filter((n) => n !== undefined),
    raw: e,
  }));
}

export function toRedriveOutcome(body: unknown, dryRun: boolean): RedriveOutcome {
  const record = (body ?? {}) as Json;
  const items = list(record, 'messages', 'events');
  const ids = items.map((m) => str(m, 'message_id', 'event_id')).filter(Boolean);
  // A dry run reports what matched; a real run what moved (redrive) or was enqueued (replay).
  const count = dryRun ? num(record, 'matched') : num(record, 'moved', 'enqueued');
  return {
    dryRun: Boolean(pick(record, 'dry_run') ?? dryRun),
    count: count ?? ids.length,
    truncated: pick(record, 'truncated') === true,
    messageIds: ids,
    raw: record,
  };
}
