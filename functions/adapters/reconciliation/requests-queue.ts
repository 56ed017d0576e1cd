import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The message POST /reconciliations sends to RECONCILIATION_QUEUE_URL; the `reconcile` function
 * consumes it (batch size 1). A run takes minutes at a million payouts, far past the HTTP API's
 * 30 s integration timeout, so the API only queues it (docs/finance.md).
 *
 *   { date, run_id, requested_by, request_id, requested_at }
 *
 * `run_id` is the id the API recorded as `queued`, so GET /reconciliations/{date} shows one run
 * moving queued → running → succeeded | failed rather than a new id appearing halfway.
 */
/** A run queued by POST /reconciliations: the consumer carries the same run id from queued to running. */
export interface QueuedRunRequest {
  readonly runId: string;
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly requestId: string;
}

export interface ReconciliationRequestMessage extends QueuedRunRequest {
  readonly date: string;
}

export class InvalidReconciliationRequestError extends Error {
  constructor(
    readonly body: string,
    cause?: unknown,
  ) {
    super(
      `reconciliation request message must be {"date","run_id","requested_by","request_id","requested_at"} strings, got ${body.slice(0, 200)}`,
      { cause },
    );
    this.name = 'InvalidReconciliationRequestError';
  }
}

const FIELDS = ['date', 'run_id', 'requested_by', 'request_id', 'requested_at'] as const;

export function parseReconciliationRequest(body: string): ReconciliationRequestMessage {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidReconciliationRequestError(body, error);
  }
  if (parsed === null || typeof parsed !== 'object' || FIELDS.some((field) => typeof parsed[field] !== 'string')) {
    throw new InvalidReconciliationRequestError(body);
  }
  const field = (name: (typeof FIELDS)[number]) => parsed[name] as string;
  return {
    date: field('date'),
    runId: field('run_id'),
    requestedBy: field('requested_by'),
    requestId: field('request_id'),
    requestedAt: field('requested_at'),
  };
}

export function serializeReconciliationRequest(message: ReconciliationRequestMessage): string {
  return JSON.stringify({
    date: message.date,
    run_id: message.runId,
    requested_by: message.requestedBy,
    request_id: message.requestId,
    requested_at: message.requestedAt,
  });
}

/** Sends one reconciliation request; used by reconciliations-api. */
export type ReconciliationRequestSender = (message: ReconciliationRequestMessage) => Promise<void>;

export function reconciliationRequestSender(client: SQSClient, queueUrl: string): ReconciliationRequestSender {
  return async (message) => {
    await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeReconciliationRequest(message) }),
    );
  };
}
