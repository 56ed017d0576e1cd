import type { RecipientComplianceSource } from '../../domain/compliance/contract';
import { gateHolds, gateRefusalError } from '../../domain/compliance/gates';
import type { Hold } from '../../domain/compliance/contract';
import type { Corridor } from '../../domain/corridors';
import { ApiError } from '../../http/api-error';

/**
 * The gates of a new payout (issue 15): reads the recipient's compliance snapshot, when the payout
 * names a recipient record, and asks domain/compliance/gates.ts for its holds. A refusal is a 4xx
 * thrown before anything is written (the idempotent section stores nothing for a throw).
 */
export interface ComplianceGates {
  source: RecipientComplianceSource;
  /** Corridor keys (`IN/INR/imps`) the tenant's provider account is enabled for. */
  tenantEnablements(tenantId: string): readonly string[];
}

/** Until the recipients adapters land (branch i15-recipients): no recipient record is ever found. */
export const NO_RECIPIENT_RECORDS: RecipientComplianceSource = { get: async () => undefined };

export interface GatedPayout {
  /** The stored holds (every kind but approval, which the status carries), by holdId. */
  holds: Record<string, Hold>;
  openHoldCount: number;
}

export async function gatesOf(
  gates: ComplianceGates | undefined,
  input: {
    tenantId: string;
    recipientId: string | undefined;
    corridor: Pick<Corridor, 'country' | 'currency' | 'method' | 'state'>;
    approvalRequired: boolean;
    now: string;
  },
): Promise<GatedPayout> {
  const recipient =
    input.recipientId === undefined || gates === undefined
      ? undefined
      : await gates.source.get(input.tenantId, input.recipientId);
  if (input.recipientId !== undefined && recipient === undefined) throw recipientNotFound();
  const result = gateHolds({
    recipient,
    corridor: input.corridor,
    tenantEnablements: gates?.tenantEnablements(input.tenantId) ?? [],
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

// Another tenant's recipient answers exactly like one that does not exist.
function recipientNotFound(): ApiError {
  return new ApiError({
    status: 404,
    type: 'not_found_error',
    code: 'recipient_not_found',
    category: 'terminal',
    message: 'no such recipient in this tenant',
    param: 'recipient_id',
  });
}
