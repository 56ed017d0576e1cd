import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PAYOUT_SK, journalPk, payoutPk } from '../../functions/adapters/payout-items';
import type { LedgerEntryCopy } from '../../functions/adapters/ledger-copy';

/**
 * The two sides of a payout's ledger copy (issue 12) read back consistently: its journal entries in
 * LEDGER_TABLE (the book of record), in the copy's shape, and its payout item.
 */
export async function journalEntriesOf(
  client: DynamoDBDocumentClient,
  ledgerTable: string,
  payoutId: string,
): Promise<LedgerEntryCopy[]> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: ledgerTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': journalPk(payoutId) },
      ConsistentRead: true,
    }),
  );
  return Items.filter((item) => item['entity'] === 'journal_entry').map((item) => ({
    entryId: String(item['sk']),
    recordedAt: String(item['recordedAt']),
    postings: item['postings'] as LedgerEntryCopy['postings'],
  }));
}

export async function payoutItemOf(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  payoutId: string,
): Promise<Record<string, unknown>> {
  const { Item } = await client.send(
    new GetCommand({ TableName: payoutsTable, Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK }, ConsistentRead: true }),
  );
  if (Item === undefined) throw new Error(`no payout item for ${payoutId}`);
  return Item;
}

/** The copy on the item, in journal order (the sort key orders entries by version). */
export function copyOf(item: Record<string, unknown>): LedgerEntryCopy[] {
  const entries = (item['ledgerEntries'] as LedgerEntryCopy[] | undefined) ?? [];
  return [...entries].sort((a, b) => a.entryId.localeCompare(b.entryId));
}
