import type {
  ScreenableRecipient,
  ScreeningCasesRepository,
} from '../../adapters/screening/screening-cases-repository';
import type { ExceptionsStore } from '../../adapters/exceptions-records';
import type { RecipientHoldSignals } from '../../domain/compliance/contract';
import type { ScreeningProvider } from '../../domain/compliance/screening-port';

/** What the screening use cases need (docs/screening.md); every one injected. */
export interface ScreeningDeps {
  provider: ScreeningProvider;
  cases: Pick<ScreeningCasesRepository, 'getRecipient' | 'recordClear' | 'openCase' | 'decide' | 'getCase'>;
  exceptions: Pick<ExceptionsStore, 'openOrUpdate' | 'resolve'>;
  /** The holds engineer's adapter (issue 15); noHoldSignals until it lands. */
  holds: RecipientHoldSignals;
  nowMs(): number;
  newCaseId(): string;
}

export type { ScreenableRecipient };

/**
 * The default until the holds adapters land: screening records the case, the snapshot and the exception either way;
 * the holds read the snapshot (RecipientComplianceSource) before funds move, so no payout passes an open case.
 */
export const noHoldSignals: RecipientHoldSignals = {
  screeningMatched: async () => undefined,
  screeningCleared: async () => undefined,
};
