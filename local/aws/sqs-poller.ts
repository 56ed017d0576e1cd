// Emulates a Lambda SQS event source mapping: long-polls the queue, gathers a batch (BatchSize,
// MaximumBatchingWindowInSeconds), invokes the function with a real SQS event, then deletes what
// succeeded. With ReportBatchItemFailures only the records not listed in batchItemFailures are
// deleted; a thrown error or a timeout deletes none, so the queue's visibility timeout and
// redrive policy (enforced by fauxqs) decide what happens next, as on AWS.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventSourceMappingSpec } from '../template/model.js';
import { LOCAL_REGION } from '../template/names.js';

/** SQS returns at most 10 messages per receive and deletes at most 10 per batch call. */
const SQS_RECEIVE_MESSAGES_MAX = 10;
const SQS_DELETE_BATCH_MAX = 10;
/**
 * Long-poll wait while the queue is empty (SQS allows up to 20 s). Short, because a receive is
 * never aborted: messages handed to an abandoned receive stay in flight until their visibility
 * timeout (fauxqs, like SQS, keeps serving a dropped long poll), so stop() waits for it instead.
 */
const LONG_POLL_WAIT_SECONDS = 2;
/** Back-off after a failed receive (emulator restarting, queue missing) so the loop does not spin. */
const RECEIVE_ERROR_BACKOFF_MS = 1_000;
/** Concurrent batches per mapping; Lambda scales pollers out, one loop would serialize everything. */
export const POLLER_CONCURRENCY = 2;
const MS_PER_SECOND = 1000;

export interface PollerStats {
  batches: number;
  deleted: number;
  failedRecords: number;
  failedBatches: number;
  lastError: string | undefined;
}

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  mapping: Pick<EventSourceMappingSpec, 'batchSize' | 'maxBatchingWindowSeconds' | 'reportBatchItemFailures'>;
  invoke(event: SQSEvent): Promise<unknown>;
  log?(line: string): void;
}

function recordAttributes(message: MessageAttributeValue): SQSRecord['messageAttributes'][string] {
  return {
    dataType: message.DataType ?? 'String',
    ...(message.StringValue !== undefined ? { stringValue: message.StringValue } : {}),
    ...(message.BinaryValue !== undefined ? { binaryValue: Buffer.from(message.BinaryValue).toString('base64') } : {}),
    stringListValues: message.StringListValues ?? [],
    binaryListValues: (message.BinaryListValues ?? []).map((value) => Buffer.from(value).toString('base64')),
  };
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: message.Attributes as unknown as SQSRecord['attributes'],
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, recordAttributes(value)]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * Which records to delete after an invocation. Lambda treats a malformed response (an identifier
 * that is empty or not in the batch) as a failure of the whole batch.
 */
export function recordsToDelete(records: SQSRecord[], result: unknown, reportBatchItemFailures: boolean): SQSRecord[] {
  if (!reportBatchItemFailures) return records;
  const failures = (result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return records;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return [];
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

export class SqsPoller {
  readonly stats: PollerStats = { batches: 0, deleted: 0, failedRecords: 0, failedBatches: 0, lastError: undefined };
  private readonly abort = new AbortController();
  private loops: Array<Promise<void>> = [];

  constructor(private readonly options: SqsPollerOptions) {}

  get running(): boolean {
    return this.loops.length > 0 && !this.abort.signal.aborted;
  }

  start(): void {
    this.loops = Array.from({ length: POLLER_CONCURRENCY }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const response = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(SQS_RECEIVE_MESSAGES_MAX, maxMessages),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return response.Messages ?? [];
  }

  /** First message by long poll, then fill the batch until BatchSize or the batching window ends. */
  private async gatherBatch(): Promise<Message[]> {
    const { batchSize, maxBatchingWindowSeconds } = this.options.mapping;
    const batch = await this.receive(batchSize, LONG_POLL_WAIT_SECONDS);
    if (batch.length === 0) return batch;
    const windowEndsMs = Date.now() + maxBatchingWindowSeconds * MS_PER_SECOND;
    while (batch.length < batchSize && Date.now() < windowEndsMs && !this.abort.signal.aborted) {
      const more = await this.receive(
        batchSize - batch.length,
        Math.min(1, Math.ceil((windowEndsMs - Date.now()) / MS_PER_SECOND)),
      );
      batch.push(...more);
    }
    return batch;
  }

  private async deleteRecords(records: SQSRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += SQS_DELETE_BATCH_MAX) {
      const chunk = records.slice(start, start + SQS_DELETE_BATCH_MAX);
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    this.stats.deleted += records.length;
  }

  /** One batch: invoke, then delete what succeeded. Exposed for tests. */
  async processBatch(messages: Message[]): Promise<SQSRecord[]> {
    const records = messages.map((message) => toSqsRecord(message, this.options.queueArn));
    this.stats.batches += 1;
    let toDelete: SQSRecord[] = [];
    try {
      const result = await this.options.invoke({ Records: records });
      toDelete = recordsToDelete(records, result, this.options.mapping.reportBatchItemFailures);
    } catch (error) {
      this.stats.failedBatches += 1;
      this.stats.lastError = (error as Error).message;
      this.options.log?.(
        `sqs poller: batch of ${records.length} failed (${(error as Error).message}); messages return after the visibility timeout`,
      );
    }
    this.stats.failedRecords += records.length - toDelete.length;
    if (toDelete.length > 0) await this.deleteRecords(toDelete);
    return toDelete;
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const batch = await this.gatherBatch();
        if (batch.length > 0) await this.processBatch(batch);
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.stats.lastError = (error as Error).message;
        await new Promise((resolveLater) => setTimeout(resolveLater, RECEIVE_ERROR_BACKOFF_MS));
      }
    }
  }
}
