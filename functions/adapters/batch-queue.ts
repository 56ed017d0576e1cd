import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FanOutMessage } from '../app/batches/accept-batch';

/** SQS takes at most 10 messages a SendMessageBatch. */
const SEND_BATCH_ENTRIES_MAX = 10;
const FAILED_ENTRY_ROUNDS_MAX = 5;

/**
 * BATCH_QUEUE_URL: one message per chunk, `{ batchId, chunk }` only. The fan-out reads the items
 * consistently, so no amount or account number ever sits in queue storage, logs or the DLQ.
 */
export function parseFanOutMessage(body: string): FanOutMessage {
  const parsed = JSON.parse(body) as { batchId?: unknown; chunk?: unknown; senderItemIds?: unknown } | null;
  if (typeof parsed?.batchId !== 'string' || typeof parsed.chunk !== 'number' || !Number.isInteger(parsed.chunk))
    throw new Error('batch fan-out message must be {"batchId": string, "chunk": integer, "senderItemIds"?: string[]}');
  const ids = parsed.senderItemIds;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string')))
    throw new Error('batch fan-out message: senderItemIds must be a list of strings');
  return { batchId: parsed.batchId, chunk: parsed.chunk, ...(ids === undefined ? {} : { senderItemIds: ids }) };
}

export function fanOutEnqueuer(client: SQSClient, queueUrl: string) {
  return async (messages: readonly FanOutMessage[]): Promise<void> => {
    for (let i = 0; i < messages.length; i += SEND_BATCH_ENTRIES_MAX) {
      let entries = messages.slice(i, i + SEND_BATCH_ENTRIES_MAX).map((message, n) => ({
        Id: String(n),
        MessageBody: JSON.stringify(message),
      }));
      for (let round = 0; entries.length > 0; round++) {
        if (round >= FAILED_ENTRY_ROUNDS_MAX) throw new Error(`batch fan-out: ${entries.length} message(s) not sent`);
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  };
}
