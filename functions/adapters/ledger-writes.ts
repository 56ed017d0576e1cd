import { balanceDeltas, type Posting } from '../domain/ledger';
import type { CurrencyCode } from '../domain/money';
import { balancePk, balanceSk, journalGsiPk, journalPk, journalSk } from './payout-items';

/** One element of a TransactWriteItems request, in the Document client's shape. */
export type TransactItem = NonNullable<
  import('@aws-sdk/lib-dynamodb').TransactWriteCommandInput['TransactItems']
>[number];

export interface JournalEntryInput {
  ledgerTable: string;
  tenantId: string;
  payoutId: string;
  currency: CurrencyCode;
  /** The payout version this entry belongs to (the version after the transition). */
  version: number;
  event: string;
  postings: readonly Posting[];
  recordedAt: string;
  sourceRef: string;
}

/**
 * The journal entry and the balance updates of one transition, to be written in the caller's
 * transaction. Balances use `ADD` so concurrent transitions of different payouts compose; the
 * journal entry is conditional on its (payout, version) key so a transition is booked once.
 * Nothing is written when there are no postings (e.g. submitted → accepted).
 */
export function journalWrites(input: JournalEntryInput): TransactItem[] {
  if (input.postings.length === 0) return [];
  const deltas = balanceDeltas(input.postings);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: input.ledgerTable,
        Item: {
          pk: journalPk(input.payoutId),
          sk: journalSk(input.version, input.event),
          entity: 'journal_entry',
          gsi1pk: journalGsiPk(input.tenantId, input.currency),
          gsi1sk: `${input.recordedAt}#${input.payoutId}`,
          tenantId: input.tenantId,
          payoutId: input.payoutId,
          currency: input.currency,
          event: input.event,
          version: input.version,
          postings: input.postings.map((p) => ({ from: p.from, to: p.to, amountMinor: p.amountMinor })),
          recordedAt: input.recordedAt,
          sourceRef: input.sourceRef,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  for (const [account, delta] of deltas) {
    items.push({
      Update: {
        TableName: input.ledgerTable,
        Key: { pk: balancePk(input.currency), sk: balanceSk(input.tenantId, account) },
        UpdateExpression:
          'ADD balanceMinor :delta SET entity = :entity, tenantId = :tenant, account = :account, currency = :currency, updatedAt = :at',
        ExpressionAttributeValues: {
          ':delta': delta,
          ':entity': 'balance',
          ':tenant': input.tenantId,
          ':account': account,
          ':currency': input.currency,
          ':at': input.recordedAt,
        },
      },
    });
  }
  return items;
}
