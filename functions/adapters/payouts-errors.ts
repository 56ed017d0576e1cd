/**
 * The payouts repository's one error hierarchy (operating errors of storage, not of the caller's
 * request). Each class sets `name` and carries `cause`, so logs and callers can tell them apart
 * without matching messages.
 */
export class PayoutsRepositoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayoutsRepositoryError';
  }
}

/** The payout kept changing under every attempt: the caller may retry the whole command later. */
export class TransitionConflictError extends PayoutsRepositoryError {
  constructor(payoutId: string, attempts: number, options?: { cause?: unknown }) {
    super(`payout ${payoutId} kept changing under ${attempts} transition attempts`, options);
    this.name = 'TransitionConflictError';
  }
}

/** A provider reported a reference that already names another payout: a provider bug, for a human. */
export class ProviderReferenceConflictError extends PayoutsRepositoryError {
  constructor(provider: string, providerReference: string, options?: { cause?: unknown }) {
    super(`provider reference ${provider}/${providerReference} already belongs to another payout`, options);
    this.name = 'ProviderReferenceConflictError';
  }
}
