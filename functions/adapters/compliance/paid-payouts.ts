import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PaidPayout } from '../../app/compliance/tax-readiness-export';
import type { PayoutStatus } from '../../domain/lifecycle';
import { PAYOUT_STATUS_INDEX_NAME } from '../../shared/names';
import { tenantStatusGsiPk } from '../payout-items';

/**
 * The paid payouts of one tenant for the readiness export, from PAYOUTS_TABLE's gsi2
 * (`TENANT#<tenant>#STATUS#<status>` / `<createdAt>#<payoutId>`, projection ALL: payouts-repository.ts).
 *
 * Why gsi2 and not the reconciliation day index (gsi4): gsi4 is keyed by the UTC day of `createdAt`
 * across all tenants, 16 shards a day, and projects neither `tenantId` nor `recipientId`, so a year
 * would be 365 × 16 = 5,840 Queries at least, reading every tenant's payouts of every status, plus a
 * GetItem per payout for its recipient. gsi2 holds exactly one tenant's payouts in one status, with
 * every attribute: the paid partition is the set we sum, a reversed payout has left it (its item moved
 * to `…#STATUS#reversed` in the reversing transition), and another tenant's payouts are another key.
 *
 * The paid time is the payout's `lastEventAt`: a transition sets it to the time it recorded
 * (payout-transitions.ts nextPayout), `paid` has only one way out (to `reversed`, which leaves this
 * partition), and the writes that touch a paid payout without moving it (reversal requests,
 * `reconciledAt`, `exceptionOwner`) do not set it. A status correction to `paid` sets it to the time
 * the correction was applied. It is our record time, not the provider's event time: a payout the
 * provider paid at 23:59 UTC on 31 December and we recorded after midnight counts in the later year
 * (docs/compliance.md).
 *
 * The sort key is the creation time, so the read is bounded above by the end of the tax year (a payout
 * cannot be paid before it was created) and not below: a payout created in an earlier year (held,
 * awaiting approval or the provider) may be paid in this one, and a tax file must not miss it. The cost
 * is one read of every payout of the tenant still `paid` and created before the year's end; the
 * FilterExpression keeps the earlier years' ones off the wire (not off the read capacity).
 */

/** Items per Query page (DynamoDB also stops a page at 1 MB). */
export const PAID_QUERY_PAGE_ITEMS_MAX = 1_000;

type Item = Record<string, unknown>;

export async function paidPayoutsOf(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  payoutsTable: string,
  tenantId: string,
  taxYear: number,
): Promise<PaidPayout[]> {
  const yearStart = `${taxYear}-01-01T00:00:00.000Z`;
  const nextYearStart = `${taxYear + 1}-01-01T00:00:00.000Z`;
  const payouts: PaidPayout[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: payoutsTable,
        IndexName: PAYOUT_STATUS_INDEX_NAME,
        Limit: PAID_QUERY_PAGE_ITEMS_MAX,
        // `<createdAt>#<payoutId>` < the next year's first instant: created before the tax year ended.
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :nextYearStart',
        FilterExpression: 'lastEventAt BETWEEN :yearStart AND :nextYearStart',
        ProjectionExpression:
          'payoutId, tenantId, #status, recipientId, lastEventAt, currency, amountMinor, destination',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': tenantStatusGsiPk(tenantId, 'paid'),
          ':yearStart': yearStart,
          ':nextYearStart': nextYearStart,
        },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) payouts.push(paidPayoutOf(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return payouts;
}

function paidPayoutOf(item: Item): PaidPayout {
  const destination = item['destination'] as { country?: unknown } | undefined;
  const recipientId = item['recipientId'];
  return {
    payoutId: String(item['payoutId']),
    tenantId: String(item['tenantId']),
    status: item['status'] as PayoutStatus,
    ...(typeof recipientId === 'string' ? { recipientId } : {}),
    paidAt: String(item['lastEventAt']),
    currency: String(item['currency']),
    amountMinor: Number(item['amountMinor']),
    destinationCountry: typeof destination?.country === 'string' ? destination.country : '',
  };
}
