import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RECIPIENT_SK, recipientPk, type RecipientItem } from './recipients-records';

/**
 * Many recipient records of one tenant at once, for the readiness export: BatchGetItem rather than
 * one GetItem per recipient (RecipientsRepository.get), so 10,000 recipients cost 100 calls, not
 * 10,000. Consistent, like every read a decision follows (a W-9 captured a second ago counts). The
 * key names the tenant, so another tenant's id reads nothing. Needs no data key: the tax-form state
 * is read from the record's clear attributes, never from a sealed value.
 */

/** DynamoDB's own cap on the keys of one BatchGetItem. */
export const RECIPIENT_BATCH_GET_KEYS_MAX = 100;
/** Calls for one chunk's unprocessed keys (throttling returns them, it does not fail the call). */
export const RECIPIENT_BATCH_GET_ATTEMPTS_MAX = 5;

export async function recipientsByIds(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  recipientsTable: string,
  tenantId: string,
  recipientIds: readonly string[],
): Promise<RecipientItem[]> {
  const found: RecipientItem[] = [];
  const ids = [...new Set(recipientIds)];
  for (let start = 0; start < ids.length; start += RECIPIENT_BATCH_GET_KEYS_MAX) {
    let keys: Record<string, unknown>[] = ids
      .slice(start, start + RECIPIENT_BATCH_GET_KEYS_MAX)
      .map((recipientId) => ({ pk: recipientPk(tenantId, recipientId), sk: RECIPIENT_SK }));
    for (let attempt = 1; keys.length > 0; attempt += 1) {
      if (attempt > RECIPIENT_BATCH_GET_ATTEMPTS_MAX)
        throw new Error(
          `BatchGet left ${keys.length} recipient keys unprocessed after ${RECIPIENT_BATCH_GET_ATTEMPTS_MAX} attempts`,
        );
      const out = await client.send(
        new BatchGetCommand({ RequestItems: { [recipientsTable]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[recipientsTable] ?? []) found.push(item as RecipientItem);
      keys = (out.UnprocessedKeys?.[recipientsTable]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return found;
}
