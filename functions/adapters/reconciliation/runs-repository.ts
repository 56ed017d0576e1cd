import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Reconciliation runs in OPERATIONS_TABLE:
 *
 *   run of a day   pk RECON#<date>   sk RUN            the latest run for that date (state, counts, error)
 *   last success   pk RECON          sk LAST_SUCCESS   what the console's "last reconciliation" panel shows
 *
 * Starting a run is conditional: a second start for the same date while one is running is refused,
 * unless the running one is older than RUN_STALE_AFTER_SECONDS (a crashed Lambda never finishes it).
 */
export const RUN_STALE_AFTER_SECONDS = 20 * 60;

export type RunState = 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  date: string;
  runId: string;
  state: RunState;
  trigger: 'schedule' | 'api' | 'cli';
  startedAt: string;
  finishedAt?: string;
  reportKey?: string;
  reportEtag?: string;
  counts?: { reportRows: number; payouts: number; ledgerEntries: number; rows: number; matched: number; unmatched: number; exceptions: number; categories: Record<string, number> };
  manifestKey?: string;
  error?: { code: string; message: string; line?: number };
}

export class RunAlreadyRunningError extends Error {
  constructor(readonly date: string, cause?: unknown) {
    super(`a reconciliation for ${date} is already running`, { cause });
    this.name = 'RunAlreadyRunningError';
  }
}

const runKey = (date: string) => ({ pk: `RECON#${date}`, sk: 'RUN' });
const LAST_SUCCESS_KEY = { pk: 'RECON', sk: 'LAST_SUCCESS' };

export class RunsRepository {
  constructor(private readonly options: { client: DynamoDBDocumentClient; operationsTable: string }) {}

  async start(run: RunRecord, nowMs: number): Promise<void> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.operationsTable,
          Item: { ...runKey(run.date), entity: 'reconciliation_run', ...run },
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :running OR startedAt < :stale',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':stale': new Date(nowMs - RUN_STALE_AFTER_SECONDS * 1000).toISOString() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RunAlreadyRunningError(run.date, error);
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
      await this.options.client.send(new PutCommand({ TableName: this.options.operationsTable, Item: { ...LAST_SUCCESS_KEY, entity: 'reconciliation_last_success', ...run } }));
    }
  }

  async get(date: string): Promise<RunRecord | undefined> {
    const out = await this.options.client.send(new GetCommand({ TableName: this.options.operationsTable, Key: runKey(date), ConsistentRead: true }));
    return out.Item === undefined ? undefined : strip(out.Item);
  }

  async lastSuccess(): Promise<RunRecord | undefined> {
    const out = await this.options.client.send(new GetCommand({ TableName: this.options.operationsTable, Key: LAST_SUCCESS_KEY, ConsistentRead: true }));
    return out.Item === undefined ? undefined : strip(out.Item);
  }
}

function strip(item: Record<string, unknown>): RunRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...run } = item;
  return run as unknown as RunRecord;
}
