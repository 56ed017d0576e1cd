import { AuditChainContendedError, type AuditTrail } from '../../adapters/audit-trail';
import type { AuditEntry, AuditRecord } from '../../domain/audit';
import { ApiError } from '../../http/api-error';
import { TRANSIENT_FAILURE_RETRY_AFTER_SECONDS } from '../../http/internal-error';

/**
 * Records an operator's read before it is answered. When other writers kept the chain busy past
 * every attempt (AuditChainContendedError), nothing was read out and nothing written: the honest
 * answer is 503 `temporarily_unavailable`, retryable, as for any other transient failure.
 */
export async function recordRead(trail: Pick<AuditTrail, 'append'>, entry: AuditEntry): Promise<AuditRecord> {
  try {
    return await trail.append(entry);
  } catch (error) {
    if (!(error instanceof AuditChainContendedError)) throw error;
    throw new ApiError({
      status: 503,
      type: 'api_error',
      code: 'temporarily_unavailable',
      category: 'retryable',
      message: 'the audit trail of this read is busy; nothing was answered, retry shortly',
      headers: { 'retry-after': String(TRANSIENT_FAILURE_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
}
