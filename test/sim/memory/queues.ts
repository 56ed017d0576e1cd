import type { DeadLetterPort, DlqMessage, DlqMoveInput, QueueDepth } from '../../../functions/adapters/dlq';
import type { Gate } from '../gate';
import { sendFailed } from './errors';
import { copyItem } from './copy';

/**
 * SQS as our code relies on it, in memory: at-least-once delivery, a visibility timeout per
 * receive, a receive count, and a redrive policy that moves a message to its DLQ once it has been
 * received maxReceiveCount times without a delete. A delete with a stale receipt handle (the
 * message was received again after the timeout lapsed) deletes nothing, as in SQS.
 */
export interface QueuedMessage {
  messageId: string;
  body: string;
  sentAtMs: number;
  receiveCount: number;
  visibleAtMs: number;
  receiptHandle: string;
}

export class SimQueue {
  readonly messages: QueuedMessage[] = [];
  private sequence = 0;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly visibilitySeconds: number,
    readonly maxReceiveCount: number | undefined,
    readonly deadLetter: SimQueue | undefined,
  ) {}

  send(body: string, nowMs: number, messageId?: string): QueuedMessage {
    this.sequence += 1;
    const message = {
      messageId: messageId ?? `${this.name}-${this.sequence}`,
      body,
      sentAtMs: nowMs,
      receiveCount: 0,
      visibleAtMs: nowMs,
      receiptHandle: '',
    };
    this.messages.push(message);
    return message;
  }

  visible(nowMs: number): QueuedMessage[] {
    return this.messages.filter((m) => m.visibleAtMs <= nowMs);
  }

  /**
   * Receives one visible message: its count goes up, it hides for the visibility timeout. A
   * message already received maxReceiveCount times moves to the DLQ instead (SQS's redrive).
   */
  receive(message: QueuedMessage, nowMs: number): QueuedMessage | undefined {
    if (
      this.maxReceiveCount !== undefined &&
      this.deadLetter !== undefined &&
      message.receiveCount >= this.maxReceiveCount
    ) {
      this.remove(message);
      this.deadLetter.messages.push({ ...message, visibleAtMs: nowMs, receiptHandle: '' });
      return undefined;
    }
    this.sequence += 1;
    message.receiveCount += 1;
    message.visibleAtMs = nowMs + this.visibilitySeconds * 1_000;
    message.receiptHandle = `${message.messageId}@${this.sequence}`;
    return { ...message };
  }

  /** True when the handle is the message's latest: only then is it deleted. */
  delete(receiptHandle: string): boolean {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (message === undefined) return false;
    this.remove(message);
    return true;
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }
}

/** A sender for one queue that may fail after the caller's write (the `enqueueFailure` fault). */
export function sender(queue: SimQueue, gate: Gate, nowMs: () => number) {
  return async (body: string): Promise<void> => {
    await gate.point(`sqs.send:${queue.name}`);
    if (gate.fault('enqueueFailure', queue.name)) throw sendFailed(queue.name);
    queue.send(body, nowMs());
  };
}

/** adapters/dlq.ts over SimQueues: peek leaves messages where they are; move sends, then deletes. */
export class InMemoryDeadLetters implements DeadLetterPort {
  constructor(
    private readonly queues: ReadonlyMap<string, SimQueue>,
    private readonly gate: Gate,
    private readonly nowMs: () => number,
  ) {}

  private queue(url: string): SimQueue {
    const queue = this.queues.get(url);
    if (queue === undefined) throw new Error(`no simulated queue at ${url}`);
    return queue;
  }

  async depth(queueUrl: string): Promise<QueueDepth> {
    await this.gate.point('sqs.attributes');
    const queue = this.queue(queueUrl);
    const now = this.nowMs();
    const visible = queue.visible(now).length;
    return { visible, inFlight: queue.messages.length - visible, delayed: 0 };
  }

  async peek(dlqUrl: string, max: number): Promise<DlqMessage[]> {
    await this.gate.point('sqs.peek');
    return this.queue(dlqUrl).visible(this.nowMs()).slice(0, max).map(toDlqMessage);
  }

  async move(input: DlqMoveInput): Promise<{ matched: DlqMessage[]; moved: number; truncated: boolean }> {
    await this.gate.point('sqs.receiveDlq');
    const dlq = this.queue(input.dlqUrl);
    const source = this.queue(input.sourceUrl);
    const received = dlq.visible(this.nowMs()).map(toDlqMessage);
    const matched: DlqMessage[] = [];
    let truncated = false;
    for (const message of received) {
      if (matched.length < input.max && (await input.select(message))) matched.push(message);
      else if (matched.length >= input.max && (await input.select(message))) truncated = true;
    }
    let moved = 0;
    if (!input.dryRun) {
      for (const message of matched) {
        await this.gate.point('sqs.send:redrive');
        source.send(input.transform ? input.transform(message.body) : message.body, this.nowMs());
        await this.gate.point('sqs.delete:dlq');
        const index = dlq.messages.findIndex((m) => m.messageId === message.messageId);
        if (index >= 0) dlq.messages.splice(index, 1);
        moved += 1;
      }
    }
    return { matched, moved, truncated };
  }
}

function toDlqMessage(m: QueuedMessage): DlqMessage {
  return {
    messageId: m.messageId,
    body: m.body,
    receiptHandle: m.receiptHandle,
    receiveCount: m.receiveCount,
    sentAtMs: m.sentAtMs,
  };
}
