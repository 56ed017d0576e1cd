import { gateHolds, gateRefusalError } from '../../domain/compliance/gates';
import type { Hold, RecipientCompliance } from '../../domain/compliance/contract';
import type { Corridor } from '../../domain/corridors';
import { ApiError } from '../../http/api-error';
import type { PayoutRecipients } from './payout-recipient';

/**
 * The gates of a new payout (issue 15): the recipient's compliance snapshot (read or made by
 * payout-recipient.ts) and the tenant's corridor enablements, asked of domain/compliance/gates.ts for
 * the payout's holds. A refusal is a 4xx thrown before anything is written (the idempotent section
 * stores nothing for a throw).
 */
export interface ComplianceGates {
  recipients: PayoutRecipients;
  /** Corridor keys (`IN/INR/imps`) the tenant's provider account is enabled for. */
  tenantEnablements(tenantId: string): Promise<readonly string[]>;
}

export interface GatedPayout {
  /** The stored holds (every kind but approval, which the status carries), by holdId. */
  holds: Record<string, Hold>;
  openHoldCount: number;
}

export async function gatesOf(
  gates: ComplianceGates | undefined,
  input: {
    tenantId: string;
    /** Undefined: no recipient record behind the payout (the create was built without RecipientsTable). */
    recipient: RecipientCompliance | undefined;
    corridor: Pick<Corridor, 'country' | 'currency' | 'method' | 'state'>;
    approvalRequired: boolean;
    now: string;
  },
): Promise<GatedPayout> {
  const result = gateHolds({
    recipient: input.recipient,
    corridor: input.corridor,
    tenantEnablements: gates === undefined ? [] : await gates.tenantEnablements(input.tenantId),
    approvalRequired: input.approvalRequired,
    now: input.now,
  });
  if (result.kind === 'refused') {
    const error = gateRefusalError(result.refusal);
    throw new ApiError({
      status: 422,
      type: 'invalid_request_error',
      code: result.refusal,
      category: error.category,
      message: error.message,
      param: 'recipient_id',
    });
  }
  const stored = result.holds.filter((hold) => hold.kind !== 'approval');
  return { holds: Object.fromEntries(stored.map((hold) => [hold.holdId, hold])), openHoldCount: stored.length };
}
