import type { ScreeningCasesRepository } from '../../adapters/screening/screening-cases-repository';
import { ScreeningSnapshotChangedError } from '../../adapters/screening/screening-cases-repository';
import { screenRecipient } from './screen-recipient';
import type { ScreenableRecipient, ScreeningDeps } from './screening-deps';

/**
 * The list changed: screen every recipient whose snapshot names another version (docs/screening.md). A Scan of
 * RECIPIENTS_TABLE, page by page; a recipient already screened against this version is skipped, so a rerun after a
 * crash (or a second run the same day) only screens what the first did not reach.
 */

/** Items per Scan page: small enough that one page of screenings finishes well inside a Lambda's time. */
export const RESCREEN_PAGE_ITEMS = 100;
/** Pages per run; a run that stops here says so (`complete: false`) and the next run carries on from the start. */
export const RESCREEN_PAGES_MAX = 1_000;

export interface RescreenDeps extends ScreeningDeps {
  cases: ScreeningDeps['cases'] & Pick<ScreeningCasesRepository, 'scanRecipients'>;
}

export interface RescreenSummary {
  listVersion: string;
  scanned: number;
  current: number;
  /**
   * Recipients with a confirmed match (blocked for good) or an undecided case: not rescreened, the case stands;
   * an undecided case's exception and holds are re-driven (idempotent), so a crash after the case heals here.
   */
  held: number;
  screened: number;
  potentialMatches: number;
  /** Another writer moved the recipient between the read and the write: the next run screens it. */
  raced: number;
  complete: boolean;
}

export async function rescreenRecipients(
  deps: RescreenDeps,
  limits: { pageItems?: number; pagesMax?: number } = {},
): Promise<RescreenSummary> {
  const listVersion = await deps.provider.listVersion();
  const summary: RescreenSummary = {
    listVersion,
    scanned: 0,
    held: 0,
    current: 0,
    screened: 0,
    potentialMatches: 0,
    raced: 0,
    complete: false,
  };
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < (limits.pagesMax ?? RESCREEN_PAGES_MAX); page += 1) {
    const out = await deps.cases.scanRecipients(limits.pageItems ?? RESCREEN_PAGE_ITEMS, cursor);
    for (const recipient of out.recipients) await rescreenOne(deps, recipient, listVersion, summary);
    if (out.cursor === undefined) return { ...summary, complete: true };
    cursor = out.cursor;
  }
  return summary;
}

async function rescreenOne(
  deps: RescreenDeps,
  recipient: ScreenableRecipient,
  listVersion: string,
  summary: RescreenSummary,
): Promise<void> {
  summary.scanned += 1;
  if (recipient.screening?.listVersion === listVersion) {
    summary.current += 1;
    return;
  }
  const state = recipient.screening?.state;
  if (state === 'confirmed_match' || state === 'potential_match') {
    summary.held += 1;
    await screenRecipient(deps, recipient);
    return;
  }
  try {
    const snapshot = await screenRecipient(deps, recipient, { exemptSourceIds: await clearedEntries(deps, recipient) });
    summary.screened += 1;
    if (snapshot.state === 'potential_match') summary.potentialMatches += 1;
  } catch (error) {
    if (!(error instanceof ScreeningSnapshotChangedError)) throw error;
    summary.raced += 1;
  }
}

/** The list entries of the recipient's last case, when compliance cleared it. */
async function clearedEntries(deps: RescreenDeps, recipient: ScreenableRecipient): Promise<Set<string>> {
  const caseId = recipient.screening?.state === 'clear' ? recipient.screening.caseId : undefined;
  if (caseId === undefined) return new Set();
  const cleared = await deps.cases.getCase(caseId);
  return new Set(cleared?.state === 'cleared' ? cleared.matches.map((match) => match.sourceId) : []);
}
