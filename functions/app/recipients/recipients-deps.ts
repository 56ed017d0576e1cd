import type { AuditTrail } from '../../adapters/audit-trail';
import type { RecipientsRepository } from '../../adapters/recipients/recipients-repository';
import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import type { ScreeningSnapshot } from '../../domain/compliance/contract';
import type { CorridorMatrix } from '../../domain/corridors';

/**
 * What the recipients use cases need, injected by the handler (functions/wiring/recipients.ts).
 * `screen` is the screening of a new or changed recipient (app/compliance/screen-recipient.ts, wired
 * where its dependencies exist); absent, a recipient stays `unscreened`, which the gates hold.
 */
export interface RecipientsDeps {
  recipients: Pick<
    RecipientsRepository,
    'create' | 'get' | 'list' | 'taxForms' | 'captureTaxForm' | 'decideOnboarding' | 'openDestinations' | 'openTin'
  >;
  corridors: CorridorMatrix;
  nowMs: () => number;
  screen?: (recipient: RecipientItem) => Promise<ScreeningSnapshot>;
  /** Where a screening failure is reported; the recipient is kept, unscreened. */
  logError?: (message: string, error: unknown) => void;
}

/** The compliance routes (ops-recipients function) also write the audit trail. */
export interface OpsRecipientsDeps extends RecipientsDeps {
  audit: Pick<AuditTrail, 'prepare' | 'append'>;
}

export const isoNow = (deps: Pick<RecipientsDeps, 'nowMs'>): string => new Date(deps.nowMs()).toISOString();
export const todayOf = (deps: Pick<RecipientsDeps, 'nowMs'>): string => isoNow(deps).slice(0, 10);
