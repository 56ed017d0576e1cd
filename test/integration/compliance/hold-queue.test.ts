// The holds queue on DynamoDB Local through the real SDK (issue 15): a queue item per open stored
// hold, written with the hold (at create and by placeHold) and deleted by its release; the read of
// one owner's queue, oldest first across the shards, paged by its cursor; the approver's queue from
// the gsi3 APPROVAL partition; a stale item (payout moved on) not shown.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../functions/adapters/cursor';
import { holdsOpenedBefore, type OpenHoldEntry } from '../../../functions/adapters/hold-queue';
import { holdQueuePk, holdQueueShardOf, holdQueueSk } from '../../../functions/adapters/payout-items';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import type { Hold, HoldOwner } from '../../../functions/domain/compliance/contract';
import type { Actor, Payout } from '../../../functions/domain/payout';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';

let emulators: StartedEmulators;
let repo: PayoutsRepository;
const OPS: Actor = { kind: 'operator', id: 'op-ops-1', role: 'ops', scopes: ['ops:redrive'] };

beforeAll(async () => {
  emulators = await startEmulators();
  repo = new PayoutsRepository({
    client: emulators.clients.documentClient,
    payoutsTable: emulators.names.tables['PayoutsTable']!,
    ledgerTable: emulators.names.tables['LedgerTable']!,
    auditTable: emulators.names.tables['AuditTable']!,
  });
});
afterAll(async () => emulators?.stop());

// Openings in the year 2000 sort before anything other suites write, so the first pages are ours.
let tick = 0;
function corridorHold(): Hold {
  tick += 1;
  return {
    holdId: 'corridor_enablement',
    kind: 'corridor_enablement',
    owner: 'ops',
    openedAt: new Date(Date.UTC(2000, 0, 1) + (Date.now() % 1_000_000) + tick).toISOString(),
    requirement: 'corridor_enablement:DE:EUR:sepa',
    evidence: { corridor: 'DE:EUR:sepa' },
  };
}

async function created(overrides: Partial<Payout> = {}): Promise<Payout> {
  const input = samplePayout(overrides);
  expect((await repo.createPayout(input)).kind).toBe('created');
  return input.payout;
}

/** Every entry of an owner's queue, page by page (at most `pagesMax` pages). */
async function walk(
  owner: HoldOwner,
  limit: number,
  pagesMax = 200,
): Promise<{ entries: OpenHoldEntry[]; pages: number }> {
  const entries: OpenHoldEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await repo.listOpenHolds({ owner, limit, ...(cursor === undefined ? {} : { cursor }) });
    entries.push(...page.entries);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== undefined && pages < pagesMax);
  return { entries, pages };
}

async function queueItem(payoutId: string, hold: Hold): Promise<Record<string, unknown> | undefined> {
  const { Item } = await emulators.clients.documentClient.send(
    new GetCommand({
      TableName: repo.payoutsTable,
      Key: {
        pk: holdQueuePk(hold.owner, holdQueueShardOf(payoutId)),
        sk: holdQueueSk(hold.openedAt, payoutId, hold.holdId),
      },
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe('the holds queue', () => {
  it('a hold placed at create is queued in the create transaction, and its release dequeues it', async () => {
    const hold = corridorHold();
    const payout = await created({ holds: { [hold.holdId]: hold }, openHoldCount: 1 });
    expect(await queueItem(payout.payoutId, hold)).toMatchObject({ entity: 'hold_queue_item', tenantId: 'acme' });
    const mine = (await walk('ops', 50)).entries.filter((e) => e.payout.payoutId === payout.payoutId);
    expect(mine.map((e) => e.hold)).toEqual([hold]);

    const change = {
      payout,
      hold,
      source: 'operator' as const,
      sourceRef: 'r1',
      actor: OPS,
      at: new Date().toISOString(),
    };
    expect(await repo.releaseHold(change)).toMatchObject({ kind: 'released', openHoldCount: 0 });
    expect(await queueItem(payout.payoutId, hold)).toBeUndefined();
    expect((await walk('ops', 50)).entries.some((e) => e.payout.payoutId === payout.payoutId)).toBe(false);
  });

  it('placeHold queues; pages of 2 give every open hold once, oldest first across the shards', async () => {
    const payouts: Payout[] = [];
    const holds: Hold[] = [];
    for (let i = 0; i < 5; i++) {
      const payout = await created();
      const hold = corridorHold();
      expect(
        await repo.placeHold({ payout, hold, source: 'operator', sourceRef: `p${i}`, actor: OPS, at: hold.openedAt }),
      ).toBe('placed');
      payouts.push(payout);
      holds.push(hold);
    }
    expect(new Set(payouts.map((p) => holdQueueShardOf(p.payoutId))).size).toBeGreaterThan(1);
    const ids = new Set(payouts.map((p) => p.payoutId));
    const { entries, pages } = await walk('ops', 2);
    expect(pages).toBeGreaterThanOrEqual(3);
    const mine = entries.filter((e) => ids.has(e.payout.payoutId));
    expect(mine.map((e) => e.hold.openedAt)).toEqual(holds.map((h) => h.openedAt));
    const opened = entries.map((e) => e.hold.openedAt);
    expect(opened).toEqual([...opened].sort());
  });

  it("the sweeper's read finds the owner's holds opened before a bound, and not those after", async () => {
    const old = corridorHold();
    const payout = await created({ holds: { [old.holdId]: old }, openHoldCount: 1 });
    const found = async (bound: string) =>
      (
        await holdsOpenedBefore(emulators.clients.documentClient, repo.payoutsTable, {
          owner: 'ops',
          openedBeforeIso: bound,
          limit: 50,
        })
      ).filter((f) => f.payoutId === payout.payoutId);
    expect(await found('2000-12-31T00:00:00.000Z')).toEqual([{ payoutId: payout.payoutId, holdId: old.holdId }]);
    expect(await found(old.openedAt)).toEqual([]);
  });

  it('a payout that moved on with its hold open (cancelled) is not shown', async () => {
    const hold = corridorHold();
    const payout = await created({ holds: { [hold.holdId]: hold }, openHoldCount: 1 });
    await emulators.clients.documentClient.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: { pk: `PAYOUT#${payout.payoutId}`, sk: 'PAYOUT' },
        UpdateExpression: 'SET #s = :c',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':c': 'cancelled' },
      }),
    );
    expect((await walk('ops', 50)).entries.some((e) => e.payout.payoutId === payout.payoutId)).toBe(false);
  });

  it("the approver's queue is the payouts awaiting approval (gsi3 APPROVAL), shown as the approval hold", async () => {
    const payout = await created({
      status: 'requires_approval',
      approval: { thresholdMinor: 10_000, expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    // gsi3 is eventually consistent: DynamoDB Local applies it at once.
    const mine = (await walk('approver', 50)).entries.filter((e) => e.payout.payoutId === payout.payoutId);
    expect(mine.map((e) => e.hold)).toMatchObject([{ holdId: 'approval', kind: 'approval', owner: 'approver' }]);
  });

  it.each([
    'not base64!',
    Buffer.from('{"after":["x"]}').toString('base64url'),
    Buffer.from('[]').toString('base64url'),
  ])('a cursor that is not one of ours is refused before DynamoDB sees it (%s)', async (cursor) => {
    await expect(repo.listOpenHolds({ owner: 'ops', limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
