import { corridorMatrix } from '../adapters/corridors-config';
import { tenantEnablements } from '../adapters/tenant-enablements-config';
import { recordVerdict, screeningVerdict, screenRecipient } from '../app/compliance/screen-recipient';
import type { ComplianceGates } from '../app/payouts/payout-gates';
import { payoutRecipients } from '../app/payouts/payout-recipient';
import { enabledCorridorsOf } from '../domain/compliance/tenant-enablements';
import { recipientsRepositoryFromEnv } from './recipients';
import { screeningDepsFromEnv } from './screening';

/**
 * Composition root of a new payout's gates (issue 15), for every path that creates payouts: create-payout
 * (POST /payouts) and process-batch (a batch item's payout). Both find or make the record behind an inline
 * recipient, screen it before its first write, and ask the same gates for its holds, so a batch item is held
 * exactly where a single payout would be. The function needs RecipientsTable, the recipient data key (seal
 * only) and the screening grants (lib/screening-access.ts).
 */
export function complianceGatesFromEnv(): ComplianceGates {
  const screening = screeningDepsFromEnv();
  return {
    recipients: payoutRecipients({
      store: recipientsRepositoryFromEnv(),
      corridors: corridorMatrix(),
      today: () => new Date().toISOString().slice(0, 10),
      screening: {
        verdict: (recipient) => screeningVerdict(screening, recipient),
        record: (recipient, verdict) => recordVerdict(screening, recipient, verdict),
        screen: (recipient) => screenRecipient(screening, recipient),
      },
    }),
    // A policy-gated corridor the tenant is not enabled for holds the payout (corridor_enablement).
    tenantEnablements: async (tenantId) => enabledCorridorsOf(tenantEnablements(), tenantId),
  };
}
