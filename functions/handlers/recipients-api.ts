import { recipientsApi } from '../app/recipients/recipients-api';
import type { RecipientsDeps } from '../app/recipients/recipients-deps';
import { httpHandler } from '../http/http-handler';
import { recipientsDeps } from '../wiring/recipients';

// Entry for the recipients routes (shared/recipient-routes.ts, docs/compliance.md); wiring only.
// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).

let deps: RecipientsDeps | undefined;

export const handler = httpHandler(async (event, requestId) => {
  deps ??= recipientsDeps();
  return recipientsApi(deps, event, requestId);
});
