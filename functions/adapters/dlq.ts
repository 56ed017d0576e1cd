import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * DLQ inspection and redrive by receive → send to the source queue → delete (DESIGN §7: fauxqs has
 * no StartMessageMoveTask; this also works on AWS and lets each message be audited). A message is
 * deleted from the DLQ only after its copy was sent, so a crash in between duplicates a message
 * (harmless: the processor deduplicates) and never loses one.
 */

/** How long a peeked message stays hidden before we hand it back; short, so a crash hides nothing for long. */
export const PEEK_VISIBILITY_SECONDS = 20;
/** Hidden while being moved: send + delete must finish inside it. */
export const MOVE_VISIBILITY_SECONDS = 60;
/** SQS's own per-receive maximum. */
const RECEIVE_BATCH_MAX = 10;
/** Receives that come back empty before we believe the queue is drained (SQS samples servers). */
const EMPTY_RECEIVES_MAX = 2;
/** Upper bound on receive calls per scan, whatever the queue holds. */
const RECEIVE_CALLS_MAX = 50;

export interface DlqMessage {
  messageId: string;
  body: string;
  receiptHandle: string;
  receiveCount: number;
  sentAtMs: number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/**
 * What the sweeper and the ops API need of a dead-letter queue: a port, so the simulation
 * (test/sim/) can model SQS in memory.
 */
export interface DeadLetterPort {
  depth(queueUrl: string): Promise<QueueDepth>;
  peek(dlqUrl: string, max: number): Promise<DlqMessage[]>;
  move(input: DlqMoveInput): Promise<{ matched: DlqMessage[]; moved: number; truncated: boolean }>;
}

export interface DlqMoveInput {
  dlqUrl: string;
  sourceUrl: string;
  select: (message: DlqMessage) => Promise<boolean> | boolean;
  max: number;
  perSecondMax: number;
  dryRun: boolean;
  transform?: (body: string) => string;
}

export class DeadLetterQueue implements DeadLetterPort {
  constructor(private readonly sqs: SQSClient) {}

  async depth(queueUrl: string): Promise<QueueDepth> {
    const out = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = out.Attributes ?? {};
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** Up to `max` messages, none consumed: every one received is made visible again before returning. */
  async peek(dlqUrl: string, max: number): Promise<DlqMessage[]> {
    const messages = await this.receiveUpTo(dlqUrl, max, PEEK_VISIBILITY_SECONDS);
    await this.release(dlqUrl, messages);
    return messages;
  }

  /**
   * Moves the selected messages (at most `max`) back to `sourceUrl`, paced to `perSecondMax`.
   * `transform` may rewrite a body on the way (redrive marks who redrove it). Unselected messages
   * are released at once. In a dry run nothing is sent or deleted.
   */
  async move(input: DlqMoveInput): Promise<{ matched: DlqMessage[]; moved: number; truncated: boolean }> {
    const received = await this.receiveUpTo(
      input.dlqUrl,
      Number.MAX_SAFE_INTEGER,
      MOVE_VISIBILITY_SECONDS,
      RECEIVE_CALLS_MAX,
    );
    const matched: DlqMessage[] = [];
    const release: DlqMessage[] = [];
    let truncated = false;
    for (const message of received) {
      if (matched.length < input.max && (await input.select(message))) matched.push(message);
      else {
        if (matched.length >= input.max && (await input.select(message))) truncated = true;
        release.push(message);
      }
    }
    let moved = 0;
    if (!input.dryRun) {
      const startedMs = Date.now();
      for (const message of matched) {
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: input.sourceUrl,
            MessageBody: input.transform ? input.transform(message.body) : message.body,
          }),
        );
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: input.dlqUrl, ReceiptHandle: message.receiptHandle }));
        moved++;
        // Pacing: never faster than perSecondMax, so a redrive of everything cannot flood the processor.
        const earliestNextMs = startedMs + (moved * 1_000) / input.perSecondMax;
        const waitMs = earliestNextMs - Date.now();
        if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      }
    }
    await this.release(input.dlqUrl, input.dryRun ? [...matched, ...release] : release);
    return { matched, moved, truncated };
  }

  private async receiveUpTo(
    queueUrl: string,
    max: number,
    visibilitySeconds: number,
    callsMax = RECEIVE_CALLS_MAX,
  ): Promise<DlqMessage[]> {
    const messages: DlqMessage[] = [];
    let empty = 0;
    for (let calls = 0; calls < callsMax && messages.length < max && empty < EMPTY_RECEIVES_MAX; calls++) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(RECEIVE_BATCH_MAX, max - messages.length),
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      const batch = out.Messages ?? [];
      if (batch.length === 0) empty++;
      for (const m of batch) messages.push(toDlqMessage(m));
    }
    return messages;
  }

  private async release(queueUrl: string, messages: DlqMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += RECEIVE_BATCH_MAX) {
      const chunk = messages.slice(i, i + RECEIVE_BATCH_MAX);
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, index) => ({
            Id: String(index),
            ReceiptHandle: m.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}

function toDlqMessage(m: Message): DlqMessage {
  return {
    messageId: m.MessageId ?? '',
    body: m.Body ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAtMs: Number(m.Attributes?.SentTimestamp ?? 0),
  };
}
