import {
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InternalServerException,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type AthenaClient,
  type QueryExecutionStatus,
} from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { AthenaQueryError, AthenaQueryRunner } from '../../../../functions/adapters/reconciliation/athena-runner';

// The Athena adapter against a stub client: the call sequence (start in the workgroup and database,
// poll until the query leaves RUNNING, page the results without the header), and every way a query
// can end, each with its code and category. Polling is shortened to milliseconds.

type Sent = { name: string; input: Record<string, unknown> };
const POLL = { minDelay: 0.001, maxDelay: 0.004, maxWait: 0.2 };
const CONFIG = { workgroup: 'wg', database: 'db', poll: POLL };

/** A client whose GetQueryExecution answers `states` in turn (the last repeats), and results in `pages`. */
function stubClient(
  states: QueryExecutionStatus[],
  pages: { rows: string[][]; next?: string }[] = [{ rows: [['col']] }],
  failStart?: Error,
) {
  const sent: Sent[] = [];
  let polls = 0;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    sent.push({ name: command.constructor.name, input: command.input });
    if (command instanceof StartQueryExecutionCommand) {
      if (failStart !== undefined) throw failStart;
      return { QueryExecutionId: 'q-1' };
    }
    if (command instanceof GetQueryExecutionCommand) {
      const status = states[Math.min(polls, states.length - 1)]!;
      polls += 1;
      return { QueryExecution: { QueryExecutionId: 'q-1', Status: status } };
    }
    if (command instanceof GetQueryResultsCommand) {
      const index = command.input.NextToken === undefined ? 0 : Number(command.input.NextToken);
      const page = pages[index]!;
      return {
        ResultSet: { Rows: page.rows.map((r) => ({ Data: r.map((v) => (v === 'NULL' ? {} : { VarCharValue: v })) })) },
        ...(page.next === undefined ? {} : { NextToken: page.next }),
      };
    }
    if (command instanceof StopQueryExecutionCommand) return {};
    throw new Error(`unexpected ${command.constructor.name}`);
  };
  return { client: { send } as unknown as Pick<AthenaClient, 'send'>, sent };
}

async function failureOf(promise: Promise<unknown>): Promise<AthenaQueryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AthenaQueryError) return error;
    throw error;
  }
  throw new Error('expected AthenaQueryError');
}

const exception = (
  Type: typeof InvalidRequestException | typeof TooManyRequestsException | typeof InternalServerException,
) => new Type({ message: 'refused', $metadata: {} });

describe('AthenaQueryRunner', () => {
  it('starts in the workgroup and database, polls until SUCCEEDED, pages the rows without the header', async () => {
    const { client, sent } = stubClient(
      [{ State: 'QUEUED' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'SUCCEEDED' }],
      [
        {
          rows: [
            ['payout_id', 'clean'],
            ['po_1', 'true'],
          ],
          next: '1',
        },
        { rows: [['po_2', 'NULL']] },
      ],
    );
    const runner = new AthenaQueryRunner(client, CONFIG);
    const id = await runner.execute('SELECT 1');
    expect(id).toBe('q-1');
    const rows: (string | null)[][] = [];
    for await (const row of runner.rows(id)) rows.push(row);
    expect(rows).toEqual([
      ['po_1', 'true'],
      ['po_2', null],
    ]);
    expect(sent.map((s) => s.name)).toEqual([
      'StartQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryResultsCommand',
      'GetQueryResultsCommand',
    ]);
    expect(sent[0]!.input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'db' },
    });
    expect(sent[6]!.input).toMatchObject({ QueryExecutionId: 'q-1', NextToken: '1', MaxResults: 1000 });
  });

  it.each([
    [
      'FAILED by the SQL or its data',
      { State: 'FAILED', AthenaError: { ErrorCategory: 2, ErrorMessage: 'COLUMN_NOT_FOUND' } },
      'athena_query_invalid',
      'terminal',
    ],
    [
      'FAILED inside Athena',
      { State: 'FAILED', AthenaError: { ErrorCategory: 1, ErrorMessage: 'internal' } },
      'athena_query_failed',
      'retryable',
    ],
    [
      'CANCELLED by the bytes-scanned cutoff',
      { State: 'CANCELLED', StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded' },
      'athena_scan_limit_exceeded',
      'human_action_required',
    ],
    [
      'CANCELLED by someone',
      { State: 'CANCELLED', StateChangeReason: 'stopped by user' },
      'athena_query_canceled',
      'terminal',
    ],
  ] as const)('a query %s: %s, %s', async (_name, status, code, category) => {
    const { client } = stubClient([{ State: 'RUNNING' }, status as QueryExecutionStatus]);
    const error = await failureOf(new AthenaQueryRunner(client, CONFIG).execute('SELECT 1'));
    expect([error.code, error.category, error.queryExecutionId]).toEqual([code, category, 'q-1']);
  });

  it('a query still running past the total wait is stopped: athena_query_timed_out, retryable', async () => {
    const { client, sent } = stubClient([{ State: 'RUNNING' }]);
    const error = await failureOf(new AthenaQueryRunner(client, CONFIG).execute('SELECT 1'));
    expect([error.code, error.category]).toEqual(['athena_query_timed_out', 'retryable']);
    expect(sent.at(-1)).toEqual({ name: 'StopQueryExecutionCommand', input: { QueryExecutionId: 'q-1' } });
    // Bounded: a 0.2 s wait at ≥ 1 ms a poll, backing off, polls far fewer than 200 times.
    const polls = sent.filter((s) => s.name === 'GetQueryExecutionCommand').length;
    expect(polls).toBeGreaterThan(1);
    expect(polls).toBeLessThan(200);
  });

  it.each([
    ['throttled', exception(TooManyRequestsException), 'athena_throttled', 'retryable'],
    ['refused as invalid', exception(InvalidRequestException), 'athena_query_invalid', 'terminal'],
    ['failing inside Athena', exception(InternalServerException), 'athena_unavailable', 'retryable'],
  ] as const)('a start %s: %s, %s', async (_name, thrown, code, category) => {
    const { client, sent } = stubClient([{ State: 'SUCCEEDED' }], undefined, thrown);
    const error = await failureOf(new AthenaQueryRunner(client, CONFIG).execute('SELECT 1'));
    expect([error.code, error.category, error.cause]).toEqual([code, category, thrown]);
    expect(sent.map((s) => s.name)).toEqual(['StartQueryExecutionCommand']);
  });

  it('an error it cannot name is not disguised: it propagates as thrown', async () => {
    const unknown = new AthenaServiceException({ name: 'Weird', $fault: 'client', message: 'x', $metadata: {} });
    const { client } = stubClient([{ State: 'SUCCEEDED' }], undefined, unknown);
    await expect(new AthenaQueryRunner(client, CONFIG).execute('SELECT 1')).rejects.toBe(unknown);
  });
});
