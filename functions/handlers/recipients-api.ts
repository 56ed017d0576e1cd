import { recipientsApi } from '../app/recipients/recipients-api';
import type { RecipientsDeps } from '../app/recipients/recipients-deps';
import { httpHandler } from '../http/http-handler';
import { screenRecipient } from '../app/compliance/screen-recipient';
import { screenableOf } from '../app/recipients/screenable-recipient';
import { recipientsDeps } from '../wiring/recipients';
import { screeningDepsFromEnv } from '../wiring/screening';

// Entry for the recipients routes (shared/recipient-routes.ts, docs/compliance.md); wiring only.
// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).

let deps: RecipientsDeps | undefined;

export const handler = httpHandler(async (event, requestId) => {
  // Each new recipient is screened before the create answers (issue 15); a failed screening keeps it unscreened,
  // which the gates hold, and the create's retry screens again (app/recipients/create-recipient.ts).
  deps ??= { ...recipientsDeps(), screen: screenerOf(screeningDepsFromEnv()) };
  return recipientsApi(deps, event, requestId);
});

function screenerOf(screening: ReturnType<typeof screeningDepsFromEnv>): NonNullable<RecipientsDeps['screen']> {
  return (item) => screenRecipient(screening, screenableOf(item));
}
