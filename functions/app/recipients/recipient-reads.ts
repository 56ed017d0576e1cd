import { complianceOf } from '../../adapters/recipients/compliance-source';
import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import { isRecipientId } from '../../domain/compliance/recipient-record';
import type { ApiEvent } from '../../http/http-handler';
import { recipientView, type RecipientView } from '../../http/recipient-view';
import { recipientNotFound } from './recipient-errors';
import { todayOf, type RecipientsDeps } from './recipients-deps';

/** The path's recipient id; any other shape names no recipient (404, nothing read). */
export function recipientIdOf(event: ApiEvent): string {
  const recipientId = event.pathParameters?.['recipientId'];
  if (!isRecipientId(recipientId)) throw recipientNotFound();
  return recipientId;
}

export function viewOf(deps: RecipientsDeps, item: RecipientItem): RecipientView {
  return recipientView(item, complianceOf(item, deps.corridors, todayOf(deps)));
}
