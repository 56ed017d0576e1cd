import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import type { ScreenableRecipient } from '../../adapters/screening/screening-cases-repository';

/** What screening reads of a recipient record: who it is, and where its screening stands (and its version). */
export function screenableOf(item: RecipientItem): ScreenableRecipient {
  return {
    tenantId: item.tenantId,
    recipientId: item.recipientId,
    kind: item.kind,
    name: item.name,
    country: item.country,
    ...(item.dateOfBirth === undefined ? {} : { dateOfBirth: item.dateOfBirth }),
    ...(item.screening === undefined ? {} : { screening: item.screening }),
    screeningVersion: item.screeningVersion ?? 0,
  };
}
