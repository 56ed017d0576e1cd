import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../dynamo-errors';
import type { BatchJson } from '../../domain/reconciliation/batch-summary';

/**
 * Reconciliation runs in OPERATIONS_TABLE:
 *
 *   run of a day   pk RECON#<date>   sk RUN            the latest run for that date (state, counts, error)
 *   last success   pk RECON          sk LAST_SUCCESS   what the console's "last reconciliation" panel shows
 *
 * A run moves queued (POST /reconciliations, api runs only) → running → succeeded | failed.
 * Queueing is conditional: a date with a run queued or running is refused. Starting is conditional:
 * a second start while one is running is refused (a queued record may be started: that is its
 * purpose). Either record stops blocking after RUN_STALE_AFTER_SECONDS — a crashed Lambda never
 * finishes its run, and a queued record whose message was lost would otherwise block the date.
 */
export const RUN_STALE_AFTER_SECONDS = 20 * 60;

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  date: string;
  runId: string;
  state: RunState;
  trigger: 'schedule' | 'api' | 'cli';
  /** api runs: when, by whom and in which API request the run was queued. */
  requestedAt?: string;
  requestedBy?: string;
  requestId?: string;
  /** Absent while the run is queued. */
  startedAt?: string;
  finishedAt?: string;
  reportKey?: string;
  reportEtag?: string;
  counts?: {
    reportRows: number;
    payouts: number;
    ledgerEntries: number;
    rows: number;
    matched: number;
    unmatched: number;
    exceptions: number;
    categories: Record<string, number>;
    /** Batches of ours among the day's rows, and the first RUN_RECORD_BATCHES_MAX of them (batch-summary.ts). */
    batchesTotal?: number;
    batches?: Record<string, BatchJson>;
  };
  /**
   * Each provider's part of the run, in the registry's order (app/reconciliation/run.ts): its report's
   * format and raw evidence key, its rows and payouts, and what it added to `counts`. `reportKey` above
   * is the first provider's, as before there were several.
   */
  providers?: {
    provider: string;
    reportFormat: string;
    reportKey?: string;
    reportRows: number;
    payouts: number;
    exceptions: number;
    rows: number;
    matched: number;
    unmatched: number;
  }[];
  manifestKey?: string;
  error?: { code: string; message: string; line?: number };
}

/** A run for the date is already queued or running (and not stale). */
export class RunAlreadyRunningError extends Error {
  constructor(
    readonly date: string,
    cause?: unknown,
  ) {
    super(`a reconciliation for ${date} is already queued or running`, { cause });
    this.name = 'RunAlreadyRunningError';
  }
}

const runKey = (date: string) => ({ pk: `RECON#${date}`, sk: 'RUN' });
const LAST_SUCCESS_KEY = { pk: 'RECON', sk: 'LAST_SUCCESS' };

/** What a run records of itself: a port, so the simulation (test/sim/) can keep run records in memory. */
export interface RunRecorder {
  start(run: RunRecord, nowMs: number): Promise<void>;
  finish(run: RunRecord): Promise<void>;
}

export class RunsRepository implements RunRecorder {
  constructor(private readonly options: { client: DynamoDBDocumentClient; operationsTable: string }) {}

  /** Records a queued run; refused while another run for the date is queued or running. */
  async enqueue(run: RunRecord, nowMs: number): Promise<void> {
    const stale = new Date(nowMs - RUN_STALE_AFTER_SECONDS * 1000).toISOString();
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.operationsTable,
          Item: { ...runKey(run.date), entity: 'reconciliation_run', ...run },
          ConditionExpression:
            'attribute_not_exists(pk) OR NOT (#state IN (:queued, :running)) OR (#state = :running AND startedAt < :stale) OR (#state = :queued AND requestedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':queued': 'queued', ':running': 'running', ':stale': stale },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new RunAlreadyRunningError(run.date, error);
      throw error;
    }
  }

  async start(run: RunRecord, nowMs: number): Promise<void> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.operationsTable,
          Item: { ...runKey(run.date), entity: 'reconciliation_run', ...run },
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :running OR startedAt < :stale',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':stale': new Date(nowMs - RUN_STALE_AFTER_SECONDS * 1000).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new RunAlreadyRunningError(run.date, error);
      throw error;
    }
  }

  /** Records the outcome; only the run that started it may finish it. */
  async finish(run: RunRecord): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.operationsTable,
        Item: { ...runKey(run.date), entity: 'reconciliation_run', ...run },
        ConditionExpression: 'runId = :runId',
        ExpressionAttributeValues: { ':runId': run.runId },
      }),
    );
    if (run.state === 'succeeded') {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.operationsTable,
          Item: { ...LAST_SUCCESS_KEY, entity: 'reconciliation_last_success', ...run },
        }),
      );
    }
  }

  async get(date: string): Promise<RunRecord | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.options.operationsTable, Key: runKey(date), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : strip(out.Item);
  }

  async lastSuccess(): Promise<RunRecord | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.options.operationsTable, Key: LAST_SUCCESS_KEY, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : strip(out.Item);
  }
}

function strip(item: Record<string, unknown>): RunRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...run } = item;
  return run as unknown as RunRecord;
}
