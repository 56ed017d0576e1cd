import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExceptionOwner } from '../domain/exceptions';
import { PAYOUT_SK, payoutPk } from './payout-items';
import { isConditionalCheckFailed } from './dynamo-errors';

/**
 * Keeps `exceptionOwner` on the payout item in step with the exceptions open on it, so
 * `query-payouts` shows it without reading OPERATIONS_TABLE. The truth is the consistent payout
 * links in OPERATIONS_TABLE (ExceptionsRepository.exceptionOwnerOf); this is a denormalized copy.
 * It touches that one attribute only and never the version: it is not a lifecycle change, and a
 * version bump would make a concurrent transition retry for nothing. (A transition that read the
 * payout before this update and writes it after can drop the copy; the next open/resolve or the
 * sweeper's owner refresh puts it back.)
 */
export function payoutExceptionOwnerUpdater(client: DynamoDBDocumentClient, payoutsTable: string) {
  return async (payoutId: string, owner: ExceptionOwner | undefined): Promise<void> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: payoutsTable,
          Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
          ...(owner === undefined
            ? { UpdateExpression: 'REMOVE exceptionOwner' }
            : { UpdateExpression: 'SET exceptionOwner = :owner', ExpressionAttributeValues: { ':owner': owner } }),
          // Never create a bare payout item for an exception about a payout we do not hold.
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  };
}
