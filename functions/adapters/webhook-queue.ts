import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsJson } from './sqs-json';

/**
 * Messages on WEBHOOK_QUEUE name an inbox event; the body stays in the inbox (and S3), so a
 * message is small whatever the provider sent, and replay from the inbox and delivery from the
 * queue read the same bytes.
 */
export interface WebhookMessage {
  provider: string;
  provider_event_id: string;
  event_type: string;
  received_at: string;
  /** Set by redrive and replay: the operator behind a second attempt (auto-resolves its DLQ exception on success). */
  redriven_by?: string;
}

export class WebhookMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookMessageError';
  }
}

export function parseWebhookMessage(body: string): WebhookMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WebhookMessageError('queue message is not JSON');
  }
  const m = parsed as Partial<WebhookMessage> | null;
  if (!m || typeof m.provider !== 'string' || typeof m.provider_event_id !== 'string')
    throw new WebhookMessageError('queue message names no inbox event');
  return {
    provider: m.provider,
    provider_event_id: m.provider_event_id,
    event_type: typeof m.event_type === 'string' ? m.event_type : 'unknown',
    received_at: typeof m.received_at === 'string' ? m.received_at : '',
    ...(typeof m.redriven_by === 'string' ? { redriven_by: m.redriven_by } : {}),
  };
}

/** What intake, the sweeper and replay need of the queue: a port, so the simulation (test/sim/) can queue in memory. */
export interface WebhookEnqueuer {
  enqueue(message: WebhookMessage): Promise<void>;
}

export class WebhookQueue implements WebhookEnqueuer {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: WebhookMessage): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: sqsJson(message) }));
  }
}
