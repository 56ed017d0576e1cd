import { describe, expect, it } from 'vitest';
import {
  decideScreeningCase,
  SCREENING_CLEAR_FOUR_EYES_SCORE_MIN,
  ScreeningDecisionError,
  snapshotOfCase,
  type ScreeningCase,
  type ScreeningCaseState,
  type ScreeningDecisionKind,
} from '../../../../functions/domain/compliance/screening-case';

const AT = '2026-12-02T01:00:00.000Z';
const base = (state: ScreeningCaseState, score: number, proposer?: string): ScreeningCase => ({
  tenantId: 't1',
  recipientId: 'rcp_1',
  caseId: 'scr_1',
  state,
  provider: 'local_list',
  listVersion: '2026-11-30.abc',
  score,
  matches: [],
  exceptionId: 'exc_1',
  openedAt: AT,
  ...(proposer === undefined ? {} : { proposal: { by: proposer, at: AT, note: 'namesake' } }),
  version: 3,
});
const STRONG = SCREENING_CLEAR_FOUR_EYES_SCORE_MIN;
const WEAK = 0.9;

describe('decideScreeningCase: every state × decision', () => {
  it.each<[ScreeningCaseState, number, string | undefined, ScreeningDecisionKind, string, ScreeningCaseState | string]>(
    [
      ['open', WEAK, undefined, 'clear', 'alice', 'cleared'],
      ['open', STRONG, undefined, 'clear', 'alice', 'clear_proposed'], // four-eyes: a proposal
      ['open', WEAK, undefined, 'confirm', 'alice', 'confirmed'],
      ['open', STRONG, undefined, 'confirm', 'alice', 'confirmed'], // blocking needs one operator
      ['clear_proposed', STRONG, 'alice', 'clear', 'bob', 'cleared'], // the second operator decides
      ['clear_proposed', STRONG, 'alice', 'clear', 'alice', '403 screening_proposer_cannot_decide'],
      ['clear_proposed', STRONG, 'alice', 'confirm', 'alice', 'confirmed'], // even the proposer may block
      ['cleared', WEAK, undefined, 'clear', 'bob', '409 screening_case_decided'],
      ['cleared', WEAK, undefined, 'confirm', 'bob', '409 screening_case_decided'],
      ['confirmed', WEAK, undefined, 'clear', 'bob', '409 screening_case_confirmed'], // for good
      ['confirmed', WEAK, undefined, 'confirm', 'bob', '409 screening_case_confirmed'],
    ],
  )('%s (score %d, proposed by %s) + %s by %s → %s', (state, score, proposer, kind, by, expected) => {
    const current = base(state, score, proposer);
    if (expected.includes(' ')) {
      const [status, code] = expected.split(' ');
      const error = (() => {
        try {
          decideScreeningCase(current, kind, by, AT, 'why');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ScreeningDecisionError);
      expect((error as ScreeningDecisionError).code).toBe(code);
      expect((error as ScreeningDecisionError).httpStatus).toBe(Number(status));
      return;
    }
    const { next } = decideScreeningCase(current, kind, by, AT, 'why');
    expect(next.state).toBe(expected);
    expect(next.version).toBe(current.version + 1);
  });

  it('snapshots: undecided cases hold (potential_match), a clear clears, a confirm blocks', () => {
    expect(snapshotOfCase(base('open', WEAK), AT).state).toBe('potential_match');
    expect(snapshotOfCase(base('clear_proposed', STRONG), AT).state).toBe('potential_match');
    expect(snapshotOfCase(base('cleared', WEAK), AT)).toEqual({
      state: 'clear',
      caseId: 'scr_1',
      score: WEAK,
      listVersion: '2026-11-30.abc',
      screenedAt: AT,
    });
    expect(snapshotOfCase(base('confirmed', WEAK), AT).state).toBe('confirmed_match');
  });
});
