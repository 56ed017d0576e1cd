import { parseFanOutMessage } from '../../adapters/batch-queue';
import type { DlqMessage } from '../../adapters/dlq';
import type { InboxStore } from '../../adapters/inbox-repository';
import { parseReconciliationRequest } from '../../adapters/reconciliation/requests-queue';
import { parseWebhookMessage } from '../../adapters/webhook-queue';
import { assertNever } from '../../domain/assert-never';
import {
  exceptionDedupKey,
  exceptionIdFor,
  type ExceptionCategory,
  type ExceptionSubject,
} from '../../domain/exceptions';
import { mapWebhookEvent } from '../../domain/provider-events';
import { isWebhookProvider } from '../../domain/webhook-signatures';
import type { QueueName } from '../../shared/names';

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
  /** batch only: the chunk's batch, its number and how many items a retry's message named. */
  batch_id?: string;
  chunk?: number;
  sender_item_count?: number;
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

/** The exception a dead-lettered message of each queue opens (the sweeper and the DLQ view agree). */
export function deadLetterCategoryOf(queue: QueueName): ExceptionCategory {
  switch (queue) {
    case 'webhook':
      return 'webhook_dead_lettered';
    case 'submission':
      return 'submission_dead_lettered';
    case 'reconciliation':
      return 'reconciliation_dead_lettered';
    case 'batch':
      return 'batch_dead_lettered';
    default:
      return assertNever(queue, 'queue');
  }
}

/** What the exception a DLQ message opens is about; its id is the view's `exception_id`. */
export function deadLetterSubjectOf(view: DlqView): ExceptionSubject {
  const payoutLink = view.payout_id === undefined ? {} : { payoutId: view.payout_id };
  switch (view.queue) {
    case 'webhook': {
      // Keyed by the provider event, as the processor's last attempt keys it, so both land on one row.
      const { provider, provider_event_id: providerEventId, message_id: messageId } = view;
      const message =
        provider !== undefined && providerEventId !== undefined
          ? ({ kind: 'event', provider, providerEventId } as const)
          : ({ kind: 'unreadable', messageId } as const);
      return { category: 'webhook_dead_lettered', message, ...payoutLink };
    }
    case 'submission':
      return { category: 'submission_dead_lettered', messageId: view.message_id, ...payoutLink };
    case 'reconciliation':
      return { category: 'reconciliation_dead_lettered', messageId: view.message_id };
    case 'batch':
      return { category: 'batch_dead_lettered', messageId: view.message_id };
    default:
      return assertNever(view.queue, 'queue');
  }
}

/** The dedup key of the exception a DLQ message opens; its hash is the view's `exception_id`. */
export function deadLetterDedupKeyOf(view: DlqView): string {
  return exceptionDedupKey(deadLetterSubjectOf(view));
}

export async function describeDlqMessage(
  queue: QueueName,
  message: DlqMessage,
  inbox: Pick<InboxStore, 'get' | 'body'>,
  nowMs: number,
): Promise<DlqView> {
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
    case 'batch':
      return describeBatchChunk(base, message);
    default:
      return assertNever(queue, 'queue');
  }
}

type ViewBase = Pick<DlqView, 'message_id' | 'queue' | 'receive_count' | 'sent_at' | 'age_seconds'>;

function describeSubmission(base: ViewBase, message: DlqMessage): DlqView {
  const payload = safeJson(message.body);
  const payoutId =
    typeof (payload as { payoutId?: unknown })?.payoutId === 'string'
      ? (payload as { payoutId: string }).payoutId
      : undefined;
  return {
    ...base,
    ...(payoutId === undefined ? {} : { payout_id: payoutId }),
    error_category: 'unknown',
    payload,
    exception_id: exceptionIdFor({ category: 'submission_dead_lettered', messageId: message.messageId }),
  };
}

/** The run's record (GET /reconciliations/{date}) holds why it failed; the message names the run. */
function describeReconciliation(base: ViewBase, message: DlqMessage): DlqView {
  const exception_id = exceptionIdFor({ category: 'reconciliation_dead_lettered', messageId: message.messageId });
  try {
    const request = parseReconciliationRequest(message.body);
    return {
      ...base,
      date: request.date,
      run_id: request.runId,
      error_category: 'unknown',
      payload: safeJson(message.body),
      exception_id,
    };
  } catch {
    return { ...base, error_category: 'unmappable_event', payload: safeJson(message.body), exception_id };
  }
}

/**
 * A fan-out chunk names its batch and chunk only (no amounts or accounts: adapters/batch-queue.ts);
 * why it failed is in process-batch's log lines for that batch and chunk.
 */
function describeBatchChunk(base: ViewBase, message: DlqMessage): DlqView {
  const exception_id = exceptionIdFor({ category: 'batch_dead_lettered', messageId: message.messageId });
  const payload = safeJson(message.body);
  try {
    const chunk = parseFanOutMessage(message.body);
    return {
      ...base,
      batch_id: chunk.batchId,
      chunk: chunk.chunk,
      ...(chunk.senderItemIds === undefined ? {} : { sender_item_count: chunk.senderItemIds.length }),
      error_category: 'unknown',
      payload,
      exception_id,
    };
  } catch {
    return { ...base, error_category: 'unmappable_event', payload, exception_id };
  }
}

async function describeWebhook(
  base: ViewBase,
  message: DlqMessage,
  inbox: Pick<InboxStore, 'get' | 'body'>,
): Promise<DlqView> {
  let ref;
  try {
    ref = parseWebhookMessage(message.body);
  } catch {
    const unreadable = { kind: 'unreadable', messageId: message.messageId } as const;
    const exception_id = exceptionIdFor({ category: 'webhook_dead_lettered', message: unreadable });
    return { ...base, error_category: 'unmappable_event', payload: message.body, exception_id };
  }
  const stored = await inbox.get(ref.provider, ref.provider_event_id);
  const payload = stored === undefined ? undefined : safeJson(await inbox.body(stored));
  const mapped =
    stored !== undefined && isWebhookProvider(ref.provider)
      ? mapWebhookEvent(ref.provider, stored.eventType, payload)
      : undefined;
  return {
    ...base,
    provider: ref.provider,
    provider_event_id: ref.provider_event_id,
    event_type: ref.event_type,
    ...((mapped?.kind === 'transition' || mapped?.kind === 'unknown_state') && mapped.payoutId !== undefined
      ? { payout_id: mapped.payoutId }
      : {}),
    error_category: stored === undefined ? 'inbox_missing' : (stored.lastError?.category ?? 'unknown'),
    ...(stored?.firstError === undefined ? {} : { first_error: stored.firstError }),
    ...(stored?.lastError === undefined ? {} : { last_error: stored.lastError }),
    ...(stored?.errorCount === undefined ? {} : { error_count: stored.errorCount }),
    payload,
    exception_id: exceptionIdFor({
      category: 'webhook_dead_lettered',
      message: { kind: 'event', provider: ref.provider, providerEventId: ref.provider_event_id },
    }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
