import type { DlqMessage } from '../../adapters/dlq';
import type { InboxRepository } from '../../adapters/inbox-repository';
import { parseReconciliationRequest } from '../../adapters/reconciliation/requests-queue';
import { parseWebhookMessage } from '../../adapters/webhook-queue';
import { assertNever } from '../../domain/assert-never';
import { exceptionIdOf, type ExceptionCategory } from '../../domain/exceptions';
import { mapWebhookEvent } from '../../domain/provider-events';
import { isWebhookProvider } from '../../domain/webhook-signatures';
import type { QueueName } from '../../shared/names';
import { dlqExceptionDedupKey } from '../webhooks/process';

/**
 * What ops sees of a DLQ message: its payload, who it is about and its error history (kept on the
 * inbox item by the processor, because SQS keeps no history of why a receive failed).
 */

export interface DlqView {
  message_id: string;
  queue: QueueName;
  provider?: string;
  provider_event_id?: string;
  event_type?: string;
  payout_id?: string;
  /** reconciliation only: the run's date and id, from the request message. */
  date?: string;
  run_id?: string;
  error_category: string;
  first_error?: unknown;
  last_error?: unknown;
  error_count?: number;
  receive_count: number;
  sent_at: string;
  age_seconds: number;
  payload: unknown;
  exception_id: string;
}

export const submissionDlqExceptionDedupKey = (messageId: string): string => `submission_dlq:${messageId}`;
/**
 * Per message, like submissions: a redriven request that dead-letters again is a new message and
 * so a new exception, rather than an update to one ops may already have resolved.
 */
export const reconciliationDlqExceptionDedupKey = (messageId: string): string => `reconciliation_dlq:${messageId}`;

/** The exception a dead-lettered message of each queue opens (the sweeper and the DLQ view agree). */
export function deadLetterCategoryOf(queue: QueueName): ExceptionCategory {
  switch (queue) {
    case 'webhook':
      return 'webhook_dead_lettered';
    case 'submission':
      return 'submission_dead_lettered';
    case 'reconciliation':
      return 'reconciliation_dead_lettered';
    default:
      return assertNever(queue, 'queue');
  }
}

/** The dedup key of the exception a DLQ message opens; its hash is the view's `exception_id`. */
export function deadLetterDedupKeyOf(view: DlqView): string {
  switch (view.queue) {
    case 'webhook':
      // Keyed by the provider event, as the processor's last attempt keys it, so both land on one row.
      return view.provider !== undefined && view.provider_event_id !== undefined ? dlqExceptionDedupKey(view.provider, view.provider_event_id) : submissionDlqExceptionDedupKey(view.message_id);
    case 'submission':
      return submissionDlqExceptionDedupKey(view.message_id);
    case 'reconciliation':
      return reconciliationDlqExceptionDedupKey(view.message_id);
    default:
      return assertNever(view.queue, 'queue');
  }
}

export async function describeDlqMessage(queue: QueueName, message: DlqMessage, inbox: InboxRepository, nowMs: number): Promise<DlqView> {
  const base = {
    message_id: message.messageId,
    queue,
    receive_count: message.receiveCount,
    sent_at: new Date(message.sentAtMs).toISOString(),
    age_seconds: Math.max(0, Math.round((nowMs - message.sentAtMs) / 1_000)),
  };
  switch (queue) {
    case 'submission':
      return describeSubmission(base, message);
    case 'reconciliation':
      return describeReconciliation(base, message);
    case 'webhook':
      return describeWebhook(base, message, inbox);
    default:
      return assertNever(queue, 'queue');
  }
}

type ViewBase = Pick<DlqView, 'message_id' | 'queue' | 'receive_count' | 'sent_at' | 'age_seconds'>;

function describeSubmission(base: ViewBase, message: DlqMessage): DlqView {
  const payload = safeJson(message.body);
  const payoutId = typeof (payload as { payoutId?: unknown })?.payoutId === 'string' ? (payload as { payoutId: string }).payoutId : undefined;
  return { ...base, ...(payoutId === undefined ? {} : { payout_id: payoutId }), error_category: 'unknown', payload, exception_id: exceptionIdOf(submissionDlqExceptionDedupKey(message.messageId)) };
}

/** The run's record (GET /reconciliations/{date}) holds why it failed; the message names the run. */
function describeReconciliation(base: ViewBase, message: DlqMessage): DlqView {
  const exception_id = exceptionIdOf(reconciliationDlqExceptionDedupKey(message.messageId));
  try {
    const request = parseReconciliationRequest(message.body);
    return { ...base, date: request.date, run_id: request.runId, error_category: 'unknown', payload: safeJson(message.body), exception_id };
  } catch {
    return { ...base, error_category: 'unmappable_event', payload: safeJson(message.body), exception_id };
  }
}

async function describeWebhook(base: ViewBase, message: DlqMessage, inbox: InboxRepository): Promise<DlqView> {
  let ref;
  try {
    ref = parseWebhookMessage(message.body);
  } catch {
    return { ...base, error_category: 'unmappable_event', payload: message.body, exception_id: exceptionIdOf(submissionDlqExceptionDedupKey(message.messageId)) };
  }
  const stored = await inbox.get(ref.provider, ref.provider_event_id);
  const payload = stored === undefined ? undefined : safeJson(await inbox.body(stored));
  const mapped = stored !== undefined && isWebhookProvider(ref.provider) ? mapWebhookEvent(ref.provider, stored.eventType, payload) : undefined;
  return {
    ...base,
    provider: ref.provider,
    provider_event_id: ref.provider_event_id,
    event_type: ref.event_type,
    ...(mapped?.kind === 'transition' && mapped.payoutId !== undefined ? { payout_id: mapped.payoutId } : {}),
    error_category: stored === undefined ? 'inbox_missing' : (stored.lastError?.category ?? 'unknown'),
    ...(stored?.firstError === undefined ? {} : { first_error: stored.firstError }),
    ...(stored?.lastError === undefined ? {} : { last_error: stored.lastError }),
    ...(stored?.errorCount === undefined ? {} : { error_count: stored.errorCount }),
    payload,
    exception_id: exceptionIdOf(dlqExceptionDedupKey(ref.provider, ref.provider_event_id)),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
