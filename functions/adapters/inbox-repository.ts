import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { INBOX_UNAPPLIED_INDEX_NAME } from '../shared/names';
import { isConditionalCheckFailed } from './dynamo-errors';

/**
 * The webhook inbox in INBOX_TABLE: every verified provider event, raw, before anything acts on it.
 *
 *   event   pk <provider>#<providerEventId>   sk EVENT
 *           gsi1 INBOX#<yyyy-mm-dd received>  / <receivedAt>#<provider>#<providerEventId>   replay by time range
 *           gsi2 INBOX#UNENQUEUED             / <receivedAt>#<provider>#<providerEventId>   sparse: only while
 *                                                                                          not yet enqueued (sweeper)
 *           gsi3 INBOX#UNAPPLIED              / <receivedAt>#<provider>#<providerEventId>   sparse: only while
 *                                                                                          not yet applied
 *
 * gsi3 is the webhook backlog age of GET /status and the ops overview: the oldest event received and
 * neither applied (any outcome recorded, recordOutcome) nor dead-lettered (the failure on the
 * attempt that dead-letters, recordFailure). SQS cannot tell that age for the whole path (an event
 * not enqueued yet, or retried with a visibility timeout, is not the queue's oldest message), and
 * gsi1 holds every event of the day, applied or not: reading it for the oldest unapplied one grows
 * with the traffic. gsi3 holds only the backlog, so its oldest entry is one `Limit: 1` Query, and
 * KEYS_ONLY: the age is in the sort key, so an entry costs the index nothing beyond its keys. Like
 * gsi2 it is one partition: two index writes per event (in, out) share that partition's write
 * rate with gsi2's; past a few hundred webhooks per second both indexes need shards together.
 *
 * The body is kept inline up to INBOX_INLINE_BODY_BYTES_MAX, else in EVIDENCE_BUCKET under
 * `webhooks/<provider>/<date>/<eventId>` (written before the inbox item, so an item never points
 * at a missing object). Items expire after INBOX_RETENTION_SECONDS: longer than any provider's
 * retry window (Stripe: 3 days) and its event retention (30 days), so replay outlives SQS retention.
 */
export const INBOX_INLINE_BODY_BYTES_MAX = 32 * 1024;
export const INBOX_RETENTION_SECONDS = 35 * 24 * 3_600;
const UNENQUEUED_PK = 'INBOX#UNENQUEUED';
const UNAPPLIED_PK = 'INBOX#UNAPPLIED';
const EVENT_SK = 'EVENT';

export type InboxState = 'received' | 'enqueued';

export interface InboxEvent {
  provider: string;
  providerEventId: string;
  eventType: string;
  receivedAt: string;
  signatureTimestampSeconds: number;
  state: InboxState;
  enqueuedAt?: string;
  bodyBytes: number;
  bodySha256: string;
  bodyInline?: string;
  bodyS3Key?: string;
  processedAt?: string;
  outcome?: string;
  firstError?: { message: string; category: string; at: string };
  lastError?: { message: string; category: string; at: string };
  errorCount?: number;
}

export interface NewInboxEvent {
  provider: string;
  providerEventId: string;
  eventType: string;
  receivedAt: string;
  signatureTimestampSeconds: number;
  rawBody: Uint8Array;
}

export type ReceiveResult = { kind: 'new'; event: InboxEvent } | { kind: 'duplicate'; event: InboxEvent };

export const inboxKey = (provider: string, providerEventId: string) => ({
  pk: `${provider}#${providerEventId}`,
  sk: EVENT_SK,
});

/**
 * What the use cases need of the inbox: a port, so they can run on another implementation of the
 * same contract (the seeded simulation's in-memory store, test/sim/) without a DynamoDB client.
 */
export interface InboxStore {
  receive(input: NewInboxEvent): Promise<ReceiveResult>;
  markEnqueued(provider: string, providerEventId: string, at: string): Promise<void>;
  get(provider: string, providerEventId: string): Promise<InboxEvent | undefined>;
  body(event: InboxEvent): Promise<string>;
  listUnenqueued(olderThan: string, limit: number): Promise<InboxEvent[]>;
  listByTime(input: {
    from: string;
    to: string;
    provider?: string;
    limit: number;
  }): Promise<{ events: InboxEvent[]; truncated: boolean }>;
  recordOutcome(provider: string, providerEventId: string, outcome: string, at: string): Promise<void>;
  /** `deadLettering`: this is the attempt after which SQS dead-letters the message (it leaves the backlog). */
  recordFailure(
    provider: string,
    providerEventId: string,
    error: { message: string; category: string },
    at: string,
    options?: { deadLettering?: boolean },
  ): Promise<void>;
}

export class InboxRepository implements InboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly s3: S3Client,
    private readonly evidenceBucket: string,
  ) {}

  /**
   * One conditional PutItem. A duplicate delivery costs exactly this call: the failed condition
   * returns the stored item (ReturnValuesOnConditionCheckFailure), so we know whether it was
   * enqueued without a second read.
   */
  async receive(input: NewInboxEvent): Promise<ReceiveResult> {
    const bodyBytes = input.rawBody.byteLength;
    const bodySha256 = createHash('sha256').update(input.rawBody).digest('hex');
    const day = input.receivedAt.slice(0, 10);
    const event: InboxEvent = {
      provider: input.provider,
      providerEventId: input.providerEventId,
      eventType: input.eventType,
      receivedAt: input.receivedAt,
      signatureTimestampSeconds: input.signatureTimestampSeconds,
      state: 'received',
      bodyBytes,
      bodySha256,
    };
    if (bodyBytes <= INBOX_INLINE_BODY_BYTES_MAX) {
      event.bodyInline = Buffer.from(input.rawBody).toString('utf8');
    } else {
      event.bodyS3Key = `webhooks/${encodeURIComponent(input.provider)}/${day}/${encodeURIComponent(input.providerEventId)}`;
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.evidenceBucket,
          Key: event.bodyS3Key,
          Body: input.rawBody,
          ContentType: 'application/json',
        }),
      );
    }
    const sortKey = `${input.receivedAt}#${input.provider}#${input.providerEventId}`;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...inboxKey(input.provider, input.providerEventId),
            gsi1pk: `INBOX#${day}`,
            gsi1sk: sortKey,
            gsi2pk: UNENQUEUED_PK,
            gsi2sk: sortKey,
            gsi3pk: UNAPPLIED_PK,
            gsi3sk: sortKey,
            expiresAtEpochSeconds: Math.floor(Date.parse(input.receivedAt) / 1_000) + INBOX_RETENTION_SECONDS,
            ...event,
          },
          // First delivery wins; a redelivery must never overwrite what was received first.
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'new', event };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const old = error.Item;
      // Emulators without ReturnValuesOnConditionCheckFailure: fall back to a consistent read.
      const stored =
        old !== undefined
          ? toEvent(unmarshall(old as Parameters<typeof unmarshall>[0]))
          : await this.get(input.provider, input.providerEventId);
      if (stored === undefined) throw error;
      return { kind: 'duplicate', event: stored };
    }
  }

  async markEnqueued(provider: string, providerEventId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: inboxKey(provider, providerEventId),
        // Leaving the sparse UNENQUEUED index is what tells the sweeper it has nothing to do here.
        UpdateExpression: 'SET #state = :enqueued, enqueuedAt = if_not_exists(enqueuedAt, :at) REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':enqueued': 'enqueued', ':at': at },
      }),
    );
  }

  async get(provider: string, providerEventId: string): Promise<InboxEvent | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: inboxKey(provider, providerEventId), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : toEvent(out.Item);
  }

  async body(event: InboxEvent): Promise<string> {
    if (event.bodyInline !== undefined) return event.bodyInline;
    if (event.bodyS3Key === undefined)
      throw new Error(`inbox event ${event.provider}#${event.providerEventId} has no body`);
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.evidenceBucket, Key: event.bodyS3Key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  }

  /** Events received before `olderThan` and never enqueued, oldest first, bounded. */
  async listUnenqueued(olderThan: string, limit: number): Promise<InboxEvent[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
        ExpressionAttributeValues: { ':pk': UNENQUEUED_PK, ':before': olderThan },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(toEvent);
  }

  /**
   * When the oldest event still waiting to be applied was received (gsi3), or null when none waits.
   * One Query of one item; the index is eventually consistent, so an event applied a moment ago
   * can still show for that moment.
   */
  async oldestUnappliedReceivedAt(): Promise<string | null> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INBOX_UNAPPLIED_INDEX_NAME,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': UNAPPLIED_PK },
        Limit: 1,
      }),
    );
    const sortKey = out.Items?.[0]?.['gsi3sk'];
    return typeof sortKey === 'string' ? sortKey.slice(0, sortKey.indexOf('#')) : null;
  }

  /** Events received in [from, to), by day partition, oldest first, at most `limit`. */
  async listByTime(input: {
    from: string;
    to: string;
    provider?: string;
    limit: number;
  }): Promise<{ events: InboxEvent[]; truncated: boolean }> {
    const events: InboxEvent[] = [];
    for (const day of daysBetween(input.from, input.to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': `INBOX#${day}`, ':from': input.from, ':to': input.to },
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        );
        for (const item of out.Items ?? []) {
          const event = toEvent(item);
          if (event.receivedAt >= input.to || (input.provider !== undefined && event.provider !== input.provider))
            continue;
          if (events.length >= input.limit) return { events, truncated: true };
          events.push(event);
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return { events, truncated: false };
  }

  async recordOutcome(provider: string, providerEventId: string, outcome: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: inboxKey(provider, providerEventId),
        // Any outcome is the end of the wait: the event leaves the backlog index (gsi3).
        UpdateExpression: 'SET outcome = :outcome, processedAt = :at REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':outcome': outcome, ':at': at },
      }),
    );
  }

  /** The error history the DLQ view shows: first and last error and how many attempts failed. */
  async recordFailure(
    provider: string,
    providerEventId: string,
    error: { message: string; category: string },
    at: string,
    options: { deadLettering?: boolean } = {},
  ): Promise<void> {
    const entry = { message: error.message.slice(0, ERROR_MESSAGE_CHARS_MAX), category: error.category, at };
    // Dead-lettered, it waits on a person (its webhook_dead_lettered exception), not on the pipeline:
    // no longer backlog. A redrive that applies it records its outcome as usual.
    const leaveBacklog = options.deadLettering === true ? ' REMOVE gsi3pk, gsi3sk' : '';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: inboxKey(provider, providerEventId),
        UpdateExpression: `SET firstError = if_not_exists(firstError, :e), lastError = :e ADD errorCount :one${leaveBacklog}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':e': entry, ':one': 1 },
      }),
    );
  }
}

/** Error messages are evidence, not logs: bounded so an item never nears DynamoDB's 400 KB limit. */
export const ERROR_MESSAGE_CHARS_MAX = 1_000;
/** A replay range longer than this is refused by the caller before it reaches us. */
export const INBOX_RANGE_DAYS_MAX = 35;

export function daysBetween(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const end = Date.parse(toIso.slice(0, 10));
  for (let t = Date.parse(fromIso.slice(0, 10)); t <= end && days.length <= INBOX_RANGE_DAYS_MAX; t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

function toEvent(item: Record<string, unknown>): InboxEvent {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _f,
    gsi3sk: _g,
    expiresAtEpochSeconds: _e,
    ...rest
  } = item;
  return rest as unknown as InboxEvent;
}
