import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InternalServerException,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { WaiterState, createWaiter } from '@smithy/util-waiter';
import { assertNever } from '../../domain/assert-never';
import type { ErrorCategory } from '../../domain/domain-error';

/**
 * Runs one statement of the portable SQL (domain/reconciliation/portable-sql.ts) on Athena, in the
 * reconciliation workgroup (lib/athena-reconciliation-construct.ts): StartQueryExecution, then
 * GetQueryExecution polled with the SDK's own waiter (exponential backoff with jitter between a
 * minimum and a maximum delay, and a total wait), then the result rows, page by page. The client
 * is injected; the SDK already retries throttled and failed calls, so what reaches here is named,
 * categorised and thrown once (AthenaQueryError).
 */

/** The first pause between polls; a day's query runs for tens of seconds, not milliseconds. */
export const ATHENA_POLL_MIN_DELAY_SECONDS = 1;
/** The longest pause between polls: a finished query is noticed within this. */
export const ATHENA_POLL_MAX_DELAY_SECONDS = 15;
/** How long one query may run before the run stops it: inside the reconcile function's 600 s. */
export const ATHENA_QUERY_WAIT_MAX_SECONDS = 480;
/** Rows per GetQueryResults page (Athena's maximum). */
export const ATHENA_RESULT_PAGE_ROWS_MAX = 1_000;

export type AthenaQueryErrorCode =
  | 'athena_throttled'
  | 'athena_unavailable'
  | 'athena_query_invalid'
  | 'athena_query_failed'
  | 'athena_scan_limit_exceeded'
  | 'athena_query_canceled'
  | 'athena_query_timed_out';

/** Why a query did not give its rows, and what the run should do about it. */
export class AthenaQueryError extends Error {
  constructor(
    readonly code: AthenaQueryErrorCode,
    readonly category: ErrorCategory,
    message: string,
    readonly queryExecutionId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AthenaQueryError';
  }
}

/** Athena's error category on a failed query: 1 system, 2 user (the SQL or its data), 3 other. */
const ATHENA_USER_ERROR_CATEGORY = 2;

export interface AthenaRunnerConfig {
  readonly workgroup: string;
  readonly database: string;
  /** Poll timing in seconds; tests shorten it. Defaults: the named limits above. */
  readonly poll?: { minDelay: number; maxDelay: number; maxWait: number };
}

export type AthenaRow = (string | null)[];

export class AthenaQueryRunner {
  constructor(
    private readonly client: Pick<AthenaClient, 'send'>,
    private readonly config: AthenaRunnerConfig,
  ) {}

  /** Starts `sql`, waits for it to succeed, and returns its execution id (throws AthenaQueryError otherwise). */
  async execute(sql: string): Promise<string> {
    const started = await this.call(() =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.config.workgroup,
          QueryExecutionContext: { Database: this.config.database },
        }),
      ),
    );
    const id = started.QueryExecutionId!;
    const execution = await this.waitFor(id);
    return verdictOf(id, execution);
  }

  /** The rows of a succeeded query, without Athena's header row, every cell as text (NULL as null). */
  async *rows(queryExecutionId: string): AsyncIterable<AthenaRow> {
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.call(() =>
        this.client.send(
          new GetQueryResultsCommand({
            QueryExecutionId: queryExecutionId,
            MaxResults: ATHENA_RESULT_PAGE_ROWS_MAX,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
      );
      const rows = page.ResultSet?.Rows ?? [];
      // A SELECT's first row is its column names; only the first page carries it.
      for (const row of first ? rows.slice(1) : rows) yield (row.Data ?? []).map((d) => d.VarCharValue ?? null);
      first = false;
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }

  /** Polls until the query leaves QUEUED/RUNNING; past the total wait, stops it and throws. */
  private async waitFor(id: string): Promise<QueryExecution> {
    const poll = this.config.poll ?? {
      minDelay: ATHENA_POLL_MIN_DELAY_SECONDS,
      maxDelay: ATHENA_POLL_MAX_DELAY_SECONDS,
      maxWait: ATHENA_QUERY_WAIT_MAX_SECONDS,
    };
    let execution: QueryExecution | undefined;
    const result = await createWaiter(
      { client: this.client, minDelay: poll.minDelay, maxDelay: poll.maxDelay, maxWaitTime: poll.maxWait },
      id,
      async (client, queryExecutionId) => {
        const got = await this.call(() =>
          client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId })),
        );
        execution = got.QueryExecution;
        const state = execution?.Status?.State;
        return { state: state === 'QUEUED' || state === 'RUNNING' ? WaiterState.RETRY : WaiterState.SUCCESS };
      },
    );
    if (result.state === WaiterState.SUCCESS && execution !== undefined) return execution;
    await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
    throw new AthenaQueryError(
      'athena_query_timed_out',
      'retryable',
      `Athena query ${id} still running after ${poll.maxWait} s; stopped`,
      id,
    );
  }

  /** One SDK call, its escaping errors named: throttling and server errors retryable, a refused request terminal. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof AthenaQueryError) throw error;
      if (error instanceof TooManyRequestsException)
        throw new AthenaQueryError('athena_throttled', 'retryable', error.message, undefined, { cause: error });
      if (error instanceof InvalidRequestException)
        throw new AthenaQueryError('athena_query_invalid', 'terminal', error.message, undefined, { cause: error });
      if (error instanceof InternalServerException)
        throw new AthenaQueryError('athena_unavailable', 'retryable', error.message, undefined, { cause: error });
      throw error;
    }
  }
}

/**
 * A finished query's outcome. FAILED by the SQL or its data is terminal (running it again fails
 * again), by Athena itself retryable; CANCELED by the workgroup's bytes-scanned cutoff needs a
 * human (the limit or the query must change), canceled otherwise is terminal for this run.
 */
function verdictOf(id: string, execution: QueryExecution): string {
  const status = execution.Status;
  const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? '';
  const state = status?.State;
  switch (state) {
    case 'SUCCEEDED':
      return id;
    case 'FAILED': {
      const user = status?.AthenaError?.ErrorCategory === ATHENA_USER_ERROR_CATEGORY;
      const [code, category] = user
        ? (['athena_query_invalid', 'terminal'] as const)
        : (['athena_query_failed', 'retryable'] as const);
      throw new AthenaQueryError(code, category, `Athena query ${id} failed: ${reason}`, id);
    }
    case 'CANCELLED': {
      const scanLimit = /bytes scanned|scan(ned)? limit/i.test(reason);
      if (scanLimit)
        throw new AthenaQueryError(
          'athena_scan_limit_exceeded',
          'human_action_required',
          `Athena query ${id}: ${reason}`,
          id,
        );
      throw new AthenaQueryError('athena_query_canceled', 'terminal', `Athena query ${id} was canceled: ${reason}`, id);
    }
    case 'QUEUED':
    case 'RUNNING':
    case undefined:
      throw new AthenaQueryError('athena_query_failed', 'retryable', `Athena query ${id} ended in state ${state}`, id);
    default:
      return assertNever(state, 'Athena query state');
  }
}
