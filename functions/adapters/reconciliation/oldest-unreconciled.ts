import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  lookbackDays,
  oldestOf,
  unreconciledDays,
  unreconciledFigure,
  type DayRunState,
  type UnreconciledFigure,
} from '../../domain/backlog-lag';
import { RECON_DAY_INDEX_NAME, UNRECONCILED_QUERY_ATTRIBUTES } from '../../shared/names';
import { RECON_DAY_SHARDS, reconDayGsiPk } from '../payout-items';
import type { RunsRepository } from './runs-repository';

/**
 * The age of the oldest unreconciled payout (domain/backlog-lag.ts says what counts), read without
 * a scan: the run record of each of the last UNRECONCILED_LOOKBACK_DAYS days (one GetItem each, all
 * at once), then, oldest day first, the day index (gsi4) of each day whose latest run did not
 * succeed — one `Limit: 1` Query per shard, ascending by `<createdAt>#<payoutId>`, so each answers
 * that shard's first payout of the day — until a day has one. Quiet days cost 16 one-item Queries;
 * the whole answer at most UNRECONCILED_READS_MAX calls. The reads are counted in
 * test/integration/reconciliation/oldest-unreconciled.test.ts.
 *
 * Payouts created before the day index existed carry no gsi4 keys and are not seen (their days are
 * backfilled with bin/recon-backfill.ts, docs/finance.md).
 */
export interface OldestUnreconciledDeps {
  readonly client: DynamoDBDocumentClient;
  readonly payoutsTable: string;
  readonly runs: Pick<RunsRepository, 'get'>;
}

export async function readOldestUnreconciled(deps: OldestUnreconciledDeps, nowMs: number): Promise<UnreconciledFigure> {
  const dates = lookbackDays(nowMs);
  const days = await Promise.all(
    dates.map(async (date) => ({ date, run: ((await deps.runs.get(date))?.state ?? 'none') as DayRunState })),
  );
  let oldestCreatedAt: string | null = null;
  for (const date of unreconciledDays(days)) {
    oldestCreatedAt = await oldestCreatedOn(deps, date);
    if (oldestCreatedAt !== null) break;
  }
  return unreconciledFigure({ days, oldestCreatedAt, nowMs });
}

/** The earliest `createdAt` of `date`'s payouts in the day index, or null when the day has none. */
async function oldestCreatedOn(deps: OldestUnreconciledDeps, date: string): Promise<string | null> {
  const shards = Array.from({ length: RECON_DAY_SHARDS }, (_, shard) => shard);
  const firsts = await Promise.all(
    shards.map(async (shard) => {
      const out = await deps.client.send(
        new QueryCommand({
          TableName: deps.payoutsTable,
          IndexName: RECON_DAY_INDEX_NAME,
          KeyConditionExpression: 'gsi4pk = :pk',
          ExpressionAttributeValues: { ':pk': reconDayGsiPk(date, shard) },
          // The one attribute the status function may read of the index (lib/ops-construct.ts).
          ProjectionExpression: UNRECONCILED_QUERY_ATTRIBUTES.join(', '),
          Limit: 1,
        }),
      );
      const createdAt = out.Items?.[0]?.['createdAt'];
      return typeof createdAt === 'string' ? createdAt : null;
    }),
  );
  return oldestOf(firsts);
}
