import { assertNever } from '../assert-never';
import { DomainError } from '../domain-error';
import type { ScreeningSnapshot } from './contract';
import type { ScreeningMatch } from './screening-match';
import type { ScreeningProviderName } from './screening-port';

/**
 * A screening case (docs/screening.md): opened by a potential match, decided by compliance. Pure.
 *
 *   open ──clear (score < four-eyes)──────────────► cleared
 *   open ──clear (score ≥ four-eyes)──► clear_proposed ──clear (another operator)──► cleared
 *   open | clear_proposed ──confirm──► confirmed   (for good: a later clear is 409)
 *
 * Confirm needs one operator: blocking is the safe direction. Clearing a strong match lets money move to someone who
 * may be listed, so it takes two.
 */
export const SCREENING_CASE_STATES = ['open', 'clear_proposed', 'cleared', 'confirmed'] as const;
export type ScreeningCaseState = (typeof SCREENING_CASE_STATES)[number];

/**
 * A clear of a case whose best score is at or above this is a proposal; a second compliance operator decides it.
 * 0.95: at or above it the name is the listed name up to a letter (the match table's exact and one-letter
 * variants) or the country and date of birth raised it — exactly the cases one person should not wave through.
 */
export const SCREENING_CLEAR_FOUR_EYES_SCORE_MIN = 0.95;
/** A decision's note: enough to say why, short enough to read in the case view. */
export const SCREENING_NOTE_CHARS_MIN = 3;
export const SCREENING_NOTE_CHARS_MAX = 2_000;
export const SCREENING_CASE_ID_PREFIX = 'scr_';

export interface ScreeningDecisionRecord {
  by: string;
  at: string;
  note: string;
}

export interface ScreeningCase {
  tenantId: string;
  recipientId: string;
  caseId: string;
  state: ScreeningCaseState;
  provider: ScreeningProviderName;
  listVersion: string;
  /** The best match's score: what decides four-eyes. */
  score: number;
  /** The evidence: the list entries, their scores, best first. */
  matches: ScreeningMatch[];
  /** The exception compliance works (category screening_potential_match). */
  exceptionId: string;
  openedAt: string;
  proposal?: ScreeningDecisionRecord;
  decision?: ScreeningDecisionRecord & { outcome: 'cleared' | 'confirmed' };
  /** Bumped by every write; each write is conditioned on the version read. */
  version: number;
}

export type ScreeningDecisionKind = 'clear' | 'confirm';

export class ScreeningDecisionError extends DomainError {
  readonly httpStatus: 403 | 409;
  constructor(code: string, httpStatus: 403 | 409, message: string) {
    // A person must act (another operator, or nobody: the case is decided); retrying the same call never helps.
    super(code, httpStatus === 403 ? 'human_action_required' : 'terminal', message);
    this.name = 'ScreeningDecisionError';
    this.httpStatus = httpStatus;
  }
}

export type ScreeningDecisionResult = {
  next: ScreeningCase;
  action: 'screening.clear_proposed' | 'screening.cleared' | 'screening.confirmed';
};

/** The next case, or the refusal, in a fixed order: decided cases first, then the proposer rule. */
export function decideScreeningCase(
  current: ScreeningCase,
  kind: ScreeningDecisionKind,
  by: string,
  at: string,
  note: string,
): ScreeningDecisionResult {
  const record = { by, at, note };
  switch (current.state) {
    case 'confirmed':
      throw new ScreeningDecisionError(
        'screening_case_confirmed',
        409,
        `case ${current.caseId} is a confirmed match: it blocks the recipient for good`,
      );
    case 'cleared':
      throw new ScreeningDecisionError('screening_case_decided', 409, `case ${current.caseId} is already cleared`);
    case 'open':
    case 'clear_proposed':
      break;
    default:
      return assertNever(current.state, 'screening case state');
  }
  const version = current.version + 1;
  if (kind === 'confirm') {
    return {
      next: { ...current, state: 'confirmed', decision: { ...record, outcome: 'confirmed' }, version },
      action: 'screening.confirmed',
    };
  }
  if (current.state === 'clear_proposed') {
    if (current.proposal?.by === by) {
      throw new ScreeningDecisionError(
        'screening_proposer_cannot_decide',
        403,
        `case ${current.caseId}: the clear was proposed by this operator; another compliance operator must decide it`,
      );
    }
    return {
      next: { ...current, state: 'cleared', decision: { ...record, outcome: 'cleared' }, version },
      action: 'screening.cleared',
    };
  }
  if (current.score >= SCREENING_CLEAR_FOUR_EYES_SCORE_MIN) {
    return {
      next: { ...current, state: 'clear_proposed', proposal: record, version },
      action: 'screening.clear_proposed',
    };
  }
  return {
    next: { ...current, state: 'cleared', decision: { ...record, outcome: 'cleared' }, version },
    action: 'screening.cleared',
  };
}

/** What the recipient's `screening` attribute says while a case is in each state. */
export function snapshotOfCase(screeningCase: ScreeningCase, screenedAt: string): ScreeningSnapshot {
  const common = {
    caseId: screeningCase.caseId,
    score: screeningCase.score,
    listVersion: screeningCase.listVersion,
    screenedAt,
  };
  switch (screeningCase.state) {
    case 'open':
    case 'clear_proposed':
      return { state: 'potential_match', ...common };
    case 'cleared':
      return { state: 'clear', ...common };
    case 'confirmed':
      return { state: 'confirmed_match', ...common };
    default:
      return assertNever(screeningCase.state, 'screening case state');
  }
}
