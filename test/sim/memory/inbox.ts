import { createHash } from 'node:crypto';
import {
  daysBetween,
  type InboxEvent,
  type InboxStore,
  type NewInboxEvent,
  type ReceiveResult,
} from '../../../functions/adapters/inbox-repository';
import { ERROR_MESSAGE_CHARS_MAX } from '../../../functions/adapters/inbox-repository';
import type { Gate } from '../gate';
import { conditionFailed } from './errors';
import { deepFreeze } from './copy';

/**
 * The webhook inbox's contract (adapters/inbox-repository.ts) in memory: first delivery wins, the
 * "not yet enqueued" view is what the sweeper reads, outcome and error history are kept per event.
 */
export class InboxState {
  readonly events = new Map<string, InboxEvent>();
}

const key = (provider: string, providerEventId: string) => `${provider}#${providerEventId}`;
const sortKeyOf = (e: InboxEvent) => `${e.receivedAt}#${e.provider}#${e.providerEventId}`;
const byReceived = (a: InboxEvent, b: InboxEvent) =>
  sortKeyOf(a) < sortKeyOf(b) ? -1 : sortKeyOf(a) > sortKeyOf(b) ? 1 : 0;

export class InMemoryInbox implements InboxStore {
  constructor(
    readonly state: InboxState,
    private readonly gate: Gate,
  ) {}

  async receive(input: NewInboxEvent): Promise<ReceiveResult> {
    await this.gate.point('inbox.put');
    const existing = this.state.events.get(key(input.provider, input.providerEventId));
    if (existing !== undefined) return { kind: 'duplicate', event: existing };
    const event: InboxEvent = {
      provider: input.provider,
      providerEventId: input.providerEventId,
      eventType: input.eventType,
      receivedAt: input.receivedAt,
      signatureTimestampSeconds: input.signatureTimestampSeconds,
      state: 'received',
      bodyBytes: input.rawBody.byteLength,
      bodySha256: createHash('sha256').update(input.rawBody).digest('hex'),
      bodyInline: Buffer.from(input.rawBody).toString('utf8'),
    };
    const stored = deepFreeze(event);
    this.state.events.set(key(input.provider, input.providerEventId), stored);
    return { kind: 'new', event: stored };
  }

  async markEnqueued(provider: string, providerEventId: string, at: string): Promise<void> {
    await this.gate.point('inbox.markEnqueued');
    const event = this.mustExist(provider, providerEventId, 'markEnqueued');
    this.replace({ ...event, state: 'enqueued', enqueuedAt: event.enqueuedAt ?? at });
  }

  async get(provider: string, providerEventId: string): Promise<InboxEvent | undefined> {
    await this.gate.point('inbox.get');
    const event = this.state.events.get(key(provider, providerEventId));
    return event;
  }

  async body(event: InboxEvent): Promise<string> {
    if (event.bodyInline === undefined)
      throw new Error(`inbox event ${event.provider}#${event.providerEventId} has no body`);
    return event.bodyInline;
  }

  async listUnenqueued(olderThan: string, limit: number): Promise<InboxEvent[]> {
    await this.gate.point('inbox.queryUnenqueued');
    return [...this.state.events.values()]
      .filter((e) => e.state === 'received' && sortKeyOf(e) < olderThan)
      .sort(byReceived)
      .slice(0, limit);
  }

  async listByTime(input: {
    from: string;
    to: string;
    provider?: string;
    limit: number;
  }): Promise<{ events: InboxEvent[]; truncated: boolean }> {
    await this.gate.point('inbox.queryByTime');
    const days = new Set(daysBetween(input.from, input.to));
    const matching = [...this.state.events.values()]
      .filter(
        (e) =>
          days.has(e.receivedAt.slice(0, 10)) &&
          sortKeyOf(e) >= input.from &&
          sortKeyOf(e) <= input.to &&
          e.receivedAt < input.to,
      )
      .filter((e) => input.provider === undefined || e.provider === input.provider)
      .sort((a, b) =>
        a.receivedAt.slice(0, 10) === b.receivedAt.slice(0, 10)
          ? byReceived(a, b)
          : a.receivedAt < b.receivedAt
            ? -1
            : 1,
      );
    if (matching.length > input.limit) return { events: matching.slice(0, input.limit), truncated: true };
    return { events: matching, truncated: false };
  }

  async recordOutcome(provider: string, providerEventId: string, outcome: string, at: string): Promise<void> {
    await this.gate.point('inbox.recordOutcome');
    const event = this.mustExist(provider, providerEventId, 'recordOutcome');
    this.replace({ ...event, outcome, processedAt: at });
  }

  async recordFailure(
    provider: string,
    providerEventId: string,
    error: { message: string; category: string },
    at: string,
  ): Promise<void> {
    await this.gate.point('inbox.recordFailure');
    const event = this.mustExist(provider, providerEventId, 'recordFailure');
    const entry = { message: error.message.slice(0, ERROR_MESSAGE_CHARS_MAX), category: error.category, at };
    this.replace({
      ...event,
      firstError: event.firstError ?? entry,
      lastError: entry,
      errorCount: (event.errorCount ?? 0) + 1,
    });
  }

  private replace(event: InboxEvent): void {
    this.state.events.set(key(event.provider, event.providerEventId), deepFreeze(event));
  }

  private mustExist(provider: string, providerEventId: string, where: string): InboxEvent {
    const event = this.state.events.get(key(provider, providerEventId));
    if (event === undefined) throw conditionFailed(`inbox.${where}`);
    return event;
  }
}
