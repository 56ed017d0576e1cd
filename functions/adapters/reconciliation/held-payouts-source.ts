import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOLD_OWNERS } from '../../domain/compliance/contract';
import type { HeldPayoutEntry } from '../../domain/reconciliation/held-payouts';
import { listOpenHolds } from '../hold-queue';

/**
 * What held-payouts.csv reads (domain/reconciliation/held-payouts.ts): every owner's "before funds
 * move" queue, read as GET /ops/holds reads it (adapters/hold-queue.ts listOpenHolds: a Query per
 * queue partition, then one consistent BatchGetItem of the page's payouts, an entry kept only if
 * its hold is still open on a payout before its provider call). Never a Scan: the queue is its own
 * partitions (`HOLDQ#{owner}#{shard}`, and gsi3 APPROVAL for the approver), sized by the holds
 * open, not by the table.
 */

/** Holds a page asks for: BatchGetItem takes at most 100 keys, and a page re-reads one payout per hold. */
export const HELD_EXPORT_PAGE_SIZE_HOLDS = 100;
/**
 * Pages read per owner at most (100,000 open holds of one owner). Past it the run fails rather
 * than publish a listing that silently misses holds: finance reads the file as complete.
 */
export const HELD_EXPORT_PAGES_PER_OWNER_MAX = 1_000;

export class HeldPayoutsListingTooLargeError extends Error {
  constructor(readonly owner: string) {
    super(
      `the ${owner} holds queue has more than ${HELD_EXPORT_PAGES_PER_OWNER_MAX * HELD_EXPORT_PAGE_SIZE_HOLDS} ` +
        'open holds: held-payouts.csv would be incomplete',
    );
    this.name = 'HeldPayoutsListingTooLargeError';
  }
}

/** The run's port (app/reconciliation/run.ts): every open hold before funds move, read page by page. */
export interface HeldPayoutsReader {
  openHolds(): AsyncIterable<HeldPayoutEntry>;
}

export class HeldPayoutsSource implements HeldPayoutsReader {
  constructor(private readonly options: { client: DynamoDBDocumentClient; payoutsTable: string }) {}

  async *openHolds(): AsyncIterable<HeldPayoutEntry> {
    for (const owner of HOLD_OWNERS) {
      let cursor: string | undefined;
      let pages = 0;
      do {
        if (++pages > HELD_EXPORT_PAGES_PER_OWNER_MAX) throw new HeldPayoutsListingTooLargeError(owner);
        const page = await listOpenHolds(this.options.client, this.options.payoutsTable, {
          owner,
          limit: HELD_EXPORT_PAGE_SIZE_HOLDS,
          ...(cursor === undefined ? {} : { cursor }),
        });
        yield* page.entries;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
  }
}
