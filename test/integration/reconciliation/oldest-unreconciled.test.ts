import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOldestUnreconciled } from '../../../functions/adapters/reconciliation/oldest-unreconciled';
import { RunsRepository, type RunRecord } from '../../../functions/adapters/reconciliation/runs-repository';
import { UNRECONCILED_LOOKBACK_DAYS, UNRECONCILED_READS_MAX } from '../../../functions/domain/backlog-lag';
import { ENV } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { dayOf, historyPayouts, seedHistory } from '../../support/recon-day-history';

// Issue 11 §3, the age of the oldest unreconciled payout on DynamoDB Local: four days of payouts
// (the last is "today"), run records written the way a run writes them, every DynamoDB call counted.
// The figure follows each day's own run record, so a failed day before a later success still counts.

const FIRST = '2026-11-23';
const DAYS = [FIRST, dayOf(FIRST, 1), dayOf(FIRST, 2), dayOf(FIRST, 3)];
const TODAY = DAYS[3]!;
const NOW_MS = Date.parse(`${TODAY}T12:00:00.000Z`);
const PER_DAY = 10;
const SHARDS = 16;
/** Days of the lookback before the seeded history: no payouts, no runs. */
const EMPTY_DAYS = UNRECONCILED_LOOKBACK_DAYS - DAYS.length;
const firstOf = (day: string) => `${day}T00:00:00.000Z`;

let emulators: StartedEmulators;
let runs: RunsRepository;
let payoutsTable: string;
const calls = new Map<string, number>();

function countCalls(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      calls.set(command, (calls.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'oldestUnreconciledCallCounter', override: true },
  );
}

async function record(date: string, state: 'succeeded' | 'failed'): Promise<void> {
  const run: RunRecord = { date, runId: `run-${date}-${state}`, state: 'running', trigger: 'cli' };
  await runs.start({ ...run, startedAt: firstOf(date) }, NOW_MS);
  await runs.finish({ ...run, state, startedAt: firstOf(date), finishedAt: firstOf(date) });
}

async function figure() {
  calls.clear();
  const result = await readOldestUnreconciled({ client: emulators.clients.documentClient, payoutsTable, runs }, NOW_MS);
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  // The document client's commands run on the low-level client's stack: GetItem and Query.
  return { result, gets: calls.get('GetItemCommand') ?? 0, queries: calls.get('QueryCommand') ?? 0, total, calls };
}

beforeAll(async () => {
  emulators = await startEmulators();
  payoutsTable = emulators.env[ENV.payoutsTable]!;
  const ledgerTable = emulators.env[ENV.ledgerTable]!;
  await seedHistory(emulators.clients.documentClient, { payoutsTable, ledgerTable }, historyPayouts(DAYS, PER_DAY));
  runs = new RunsRepository({
    client: emulators.clients.documentClient,
    operationsTable: emulators.env[ENV.operationsTable]!,
  });
  countCalls(emulators.clients.documentClient);
});
afterAll(async () => emulators?.stop());
beforeEach(() => calls.clear());

describe('the oldest unreconciled payout (day index gsi4 + run records)', () => {
  it('never reconciled: the first payout of the first day with payouts, maybe older; reads every empty day', async () => {
    const { result, gets, queries, total } = await figure();
    expect(result).toEqual({
      oldestCreatedAt: firstOf(FIRST),
      ageSeconds: 3.5 * 86_400,
      examinedFrom: dayOf(FIRST, -EMPTY_DAYS),
      mayBeOlder: true,
    });
    // One GetItem per day's run record; 16 one-item Queries per day read, up to the first with payouts.
    expect({ gets, queries }).toEqual({ gets: UNRECONCILED_LOOKBACK_DAYS, queries: (EMPTY_DAYS + 1) * SHARDS });
    expect(total).toBeLessThanOrEqual(UNRECONCILED_READS_MAX);
  });

  it('reconciled up to yesterday but for one failed day: that day’s first payout, not yesterday’s', async () => {
    for (let offset = -EMPTY_DAYS; offset < DAYS.length - 1; offset++) await record(dayOf(FIRST, offset), 'succeeded');
    await record(DAYS[1]!, 'failed'); // the latest run of the 24th failed, after the 25th succeeded
    const { result, gets, queries } = await figure();
    expect(result).toMatchObject({ oldestCreatedAt: firstOf(DAYS[1]!), ageSeconds: 2.5 * 86_400, mayBeOlder: false });
    expect({ gets, queries }).toEqual({ gets: UNRECONCILED_LOOKBACK_DAYS, queries: SHARDS });
  });

  it('on schedule: only today waits, so the figure is today’s first payout', async () => {
    await record(DAYS[1]!, 'succeeded');
    const { result, queries } = await figure();
    expect(result).toMatchObject({ oldestCreatedAt: firstOf(TODAY), ageSeconds: 12 * 3_600, mayBeOlder: false });
    expect(queries).toBe(SHARDS);
  });

  it('every day succeeded (today too, as a re-run would record it): none, and no day-index read', async () => {
    await record(TODAY, 'succeeded');
    const { result, gets, queries } = await figure();
    expect(result).toMatchObject({ oldestCreatedAt: null, ageSeconds: null, mayBeOlder: false });
    expect({ gets, queries }).toEqual({ gets: UNRECONCILED_LOOKBACK_DAYS, queries: 0 });
  });
});
