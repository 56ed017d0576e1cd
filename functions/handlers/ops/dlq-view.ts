import type { DlqMessage } from '../../adapters/dlq';
import type { InboxRepository } from '../../adapters/inbox-repository';
import { parseWebhookMessage } from '../../adapters/webhook-queue';
import { exceptionIdOf } from '../../domain/exceptions';
import { mapWebhookEvent } from '../../domain/provider-events';
import { isWebhookProvider } from '../../domain/webhook-signatures';
import { dlqExceptionDedupKey } from '../webhooks/process';

/**
 * What ops sees of a DLQ message: its payload, who it is about and its error history (kept on the
 * inbox item by the processor, because SQS keeps no history of why a receive failed).
 */
export const QUEUE_NAMES = ['webhook', 'submission'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface DlqView {
  message_id: string;
  queue: QueueName;
  provider?: string;
  provider_event_id?: string;
  event_type?: string;
  payout_id?: string;
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

export async function describeDlqMessage(queue: QueueName, message: DlqMessage, inbox: InboxRepository, nowMs: number): Promise<DlqView> {
  const base = {
    message_id: message.messageId,
    queue,
    receive_count: message.receiveCount,
    sent_at: new Date(message.sentAtMs).toISOString(),
    age_seconds: Math.max(0, Math.round((nowMs - message.sentAtMs) / 1_000)),
  };
  if (queue === 'submission') {
    const payload = safeJson(message.body);
    const payoutId = typeof (payload as { payoutId?: unknown })?.payoutId === 'string' ? (payload as { payoutId: string }).payoutId : undefined;
    return { ...base, ...(payoutId === undefined ? {} : { payout_id: payoutId }), error_category: 'unknown', payload, exception_id: exceptionIdOf(submissionDlqExceptionDedupKey(message.messageId)) };
  }
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
