import { QueryCommand, TransactGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountBalance, LedgerAccount } from '../domain/ledger';
import type { CurrencyCode } from '../domain/money';
import { balancePk } from './payout-items';

/** TransactGetItems takes at most 100 items (DynamoDB limit). */
export const TRANSACT_GET_ITEMS_MAX = 100;
/** Balance items read per request; 4 accounts × 2,500 tenants. Beyond it the answer says truncated. */
export const BALANCE_ITEMS_MAX = 10_000;

/**
 * Balances of one currency, as a snapshot in which they sum to zero. A consistent Query alone is
 * not enough: it can observe half of a concurrent transaction. Every ledger transaction touches the
 * accounts of exactly one (tenant, currency), so reading each tenant's accounts together in one
 * TransactGetItems (serializable with TransactWriteItems) gives per-tenant sums of zero, and so a
 * total of zero. The Query only discovers which items exist.
 */
export async function readBalances(
  client: DynamoDBDocumentClient,
  ledgerTable: string,
  currency: CurrencyCode,
  tenantId?: string,
): Promise<{ balances: AccountBalance[]; truncated: boolean }> {
  const keysByTenant = new Map<string, Array<{ pk: string; sk: string }>>();
  let startKey: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: ledgerTable,
        KeyConditionExpression: tenantId === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :tenant)',
        ExpressionAttributeValues: {
          ':pk': balancePk(currency),
          ...(tenantId === undefined ? {} : { ':tenant': `TENANT#${tenantId}#` }),
        },
        ProjectionExpression: 'pk, sk, tenantId',
        ConsistentRead: true,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      const keys = keysByTenant.get(String(item['tenantId'])) ?? [];
      keys.push({ pk: String(item['pk']), sk: String(item['sk']) });
      keysByTenant.set(String(item['tenantId']), keys);
      seen++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && seen < BALANCE_ITEMS_MAX);

  const balances: AccountBalance[] = [];
  let batch: Array<{ pk: string; sk: string }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const { Responses = [] } = await client.send(
      new TransactGetCommand({ TransactItems: batch.map((Key) => ({ Get: { TableName: ledgerTable, Key } })) }),
    );
    for (const response of Responses) {
      const item = response.Item;
      if (item === undefined) continue;
      balances.push({
        tenantId: String(item['tenantId']),
        account: item['account'] as LedgerAccount,
        currency,
        balanceMinor: Number(item['balanceMinor'] ?? 0),
      });
    }
    batch = [];
  };
  // A tenant's accounts never straddle two TransactGetItems calls.
  for (const keys of keysByTenant.values()) {
    if (batch.length + keys.length > TRANSACT_GET_ITEMS_MAX) await flush();
    batch.push(...keys);
  }
  await flush();
  return { balances, truncated: startKey !== undefined };
}
