import { opsRecipientsApi } from '../app/recipients/ops-recipients';
import type { OpsRecipientsDeps } from '../app/recipients/recipients-deps';
import { httpHandler } from '../http/http-handler';
import { opsRecipientsDeps } from '../wiring/recipients';

// Entry for compliance's recipient routes (GET /ops/recipients/{id}, POST …/onboarding); wiring only.
// Its own function: the only one granted kms:Decrypt on the recipients' key (the view in clear).

let deps: OpsRecipientsDeps | undefined;

export const handler = httpHandler(async (event, requestId) => {
  deps ??= opsRecipientsDeps();
  return opsRecipientsApi(deps, event, requestId);
});
