// screenRecipient's holds signal (issue 15): the evidence it hands to RecipientHoldSignals is the hold's own,
// snake_case, so screeningMatchHold keys the hold by the case; two cases on one recipient are two holds.
import { describe, expect, it } from 'vitest';
import { screenRecipient } from '../../../../functions/app/compliance/screen-recipient';
import type { ScreenableRecipient, ScreeningDeps } from '../../../../functions/app/compliance/screening-deps';
import type { Hold } from '../../../../functions/domain/compliance/contract';
import { screeningMatchHold } from '../../../../functions/domain/compliance/gates';
import type { ScreeningMatch } from '../../../../functions/domain/compliance/screening-match';

const MATCH: ScreeningMatch = {
  sourceList: 'us_ofac',
  sourceId: '9001',
  matchedName: 'ZARKOV, Ivan Petrovich',
  listedName: 'ZARKOV, Ivan Petrovich',
  programs: ['SDGT'],
  nameScore: 0.93,
  score: 0.93,
  adjustments: [],
};

function fakeDeps(evidence: Hold['evidence'][]): ScreeningDeps {
  let next = 0;
  return {
    provider: {
      name: 'local_list',
      listVersion: async () => 'v1',
      screen: async () => ({ provider: 'local_list', listVersion: 'v1', matches: [MATCH] }),
    },
    cases: {
      getRecipient: async () => undefined,
      recordClear: async () => undefined,
      openCase: async () => undefined,
      decide: async () => undefined,
      getCase: async () => undefined,
    },
    exceptions: { openOrUpdate: async () => ({}) as never, resolve: async () => ({}) as never },
    holds: {
      screeningMatched: async (_tenant, _recipient, given) => void evidence.push(given),
      screeningCleared: async () => undefined,
    },
    nowMs: () => Date.parse('2026-12-01T10:00:00Z'),
    newCaseId: () => `C${++next}`,
  };
}

const RECIPIENT: ScreenableRecipient = {
  tenantId: 't-1',
  recipientId: 'rcp_1',
  kind: 'individual',
  name: 'Ivan Zarkov',
} as ScreenableRecipient;

describe('screenRecipient: the hold evidence', () => {
  it('is snake_case with the case id, so each case is its own hold', async () => {
    const evidence: Hold['evidence'][] = [];
    const deps = fakeDeps(evidence);
    const first = await screenRecipient(deps, RECIPIENT);
    const second = await screenRecipient(deps, RECIPIENT);
    expect(evidence[0]).toMatchObject({
      case_id: first.caseId,
      score: 0.93,
      list_version: 'v1',
      source_id: '9001',
      listed_name: 'ZARKOV, Ivan Petrovich',
    });
    expect(evidence[0]).not.toHaveProperty('caseId');
    const holds = evidence.map((e) => screeningMatchHold(e, '2026-12-01T10:00:00Z'));
    expect(holds.map((h) => h.holdId)).toEqual([`screening-${first.caseId}`, `screening-${second.caseId}`]);
    expect(holds[0]!.requirement).toBe(`screening_case:${first.caseId}`);
    expect(new Set(holds.map((h) => h.holdId)).size).toBe(2);
  });
});
