import { DomainError } from '../domain-error';
import type { ScreeningMatch, ScreeningSubject } from './screening-match';

/**
 * The screening port (docs/screening.md): the local SDN list (adapters/screening/local-list-provider.ts) or a vendor
 * (Moov Watchman, adapters/screening/watchman-provider.ts). Both answer with matches at or above their threshold and
 * the list version they screened against, the evidence a case keeps.
 */
export const SCREENING_PROVIDER_NAMES = ['local_list', 'watchman'] as const;
export type ScreeningProviderName = (typeof SCREENING_PROVIDER_NAMES)[number];

export interface ScreeningResult {
  provider: ScreeningProviderName;
  listVersion: string;
  /** Best first; empty: clear. */
  matches: ScreeningMatch[];
}

export interface ScreeningProvider {
  readonly name: ScreeningProviderName;
  /** The version a screening now would use: the rescreen job compares it with each recipient's. */
  listVersion(): Promise<string>;
  screen(subject: ScreeningSubject): Promise<ScreeningResult>;
}

/** The vendor (or the list's store) did not answer usably: retry later; the recipient stays as it was. */
export class ScreeningUnavailableError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('screening_unavailable', 'retryable', message, options);
    this.name = 'ScreeningUnavailableError';
  }
}
