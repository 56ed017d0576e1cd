import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isOwnershipCheckedSource, type OwnershipClaim } from '../domain/event-ownership';
import type { Payout, TransitionCommand } from '../domain/payout';
import type { TransactItem } from './ledger-writes';
import { PROVIDER_REF_SK, providerRefPk } from './payout-items';
import type { PayoutsStore } from './payouts-store';

/**
 * The storage half of event ownership (domain/event-ownership.ts): the claim a transition command
 * carries, and the provider-reference index items that make "no other payout holds this reference"
 * part of the same transaction as the transition, instead of a read that could be stale by the
 * time we write.
 */

/** The command's claim, whole: who vouches for it, the money it names, and the reference it gives. */
export function claimOf(cmd: TransitionCommand): OwnershipClaim | undefined {
  if (cmd.claim === undefined) {
    // A programmer error, not an operating one: a provider's word must never reach a payout unchecked.
    if (isOwnershipCheckedSource(cmd.source)) {
      throw new Error(`applyTransition: a ${cmd.source} command for ${cmd.payoutId} carries no ownership claim`);
    }
    return undefined;
  }
  return { ...cmd.claim, ...(cmd.providerReference === undefined ? {} : { providerReference: cmd.providerReference }) };
}

type Condition = { ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> };

/** `attribute_not_exists OR ours`: the reference names no payout yet, or this one. */
function referenceCondition(payout: Payout): Condition {
  return {
    ConditionExpression: 'attribute_not_exists(pk) OR payoutId = :payoutId',
    ExpressionAttributeValues: { ':payoutId': payout.payoutId },
  };
}

const referenceKey = (provider: string, providerReference: string) => ({
  pk: providerRefPk(provider, providerReference),
  sk: PROVIDER_REF_SK,
});

/** Records the payout's first reference; fails the transaction when another payout holds it. */
export function referenceIndexPut(repo: PayoutsStore, payout: Payout, providerReference: string): TransactItem {
  return {
    Put: {
      TableName: repo.payoutsTable,
      Item: {
        ...referenceKey(payout.provider, providerReference),
        entity: 'provider_reference',
        payoutId: payout.payoutId,
        tenantId: payout.tenantId,
      },
      // A reference names one payout: a provider reusing it for another is a provider bug to surface.
      ...referenceCondition(payout),
    },
  };
}

/**
 * The same condition without the write: a stale or forbidden event records no reference, but the
 * one it claims must still not be another payout's, or it is not this payout's event at all.
 */
export function referenceIndexCheck(repo: PayoutsStore, payout: Payout, providerReference: string): TransactItem {
  const key = referenceKey(payout.provider, providerReference);
  return { ConditionCheck: { TableName: repo.payoutsTable, Key: key, ...referenceCondition(payout) } };
}

/** Which payout the index names for a reference; read after the condition failed, as evidence. */
export async function referenceHolderOf(
  repo: PayoutsStore,
  provider: string,
  providerReference: string,
): Promise<string | undefined> {
  const key = referenceKey(provider, providerReference);
  const { Item } = await repo.client.send(
    new GetCommand({ TableName: repo.payoutsTable, Key: key, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : String(Item['payoutId']);
}
