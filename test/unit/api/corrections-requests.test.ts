// The corrections request bodies (functions/http/corrections-requests.ts): each bad body gets its one
// code and param, in the documented order of precedence (schema → kind fields → evidence URL →
// adjustment: an account twice, then each currency's balance).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../functions/http/api-error';
import { parseProposeBody } from '../../../functions/http/corrections-requests';

const evidence = { type: 'provider_statement', reference: 'stmt_1' };
const status = { kind: 'status', target_status: 'paid', reason: 'statement shows it paid', evidence };
const legs = (...pairs: Array<[string, number, string?]>) =>
  pairs.map(([account, amount, currency]) => ({ account, amount, currency: currency ?? 'EUR' }));
const adjustment = (postings: unknown) => ({
  kind: 'ledger_adjustment',
  postings,
  reason: 'fee booked twice',
  evidence,
});

function refusal(body: unknown): { code: string; param: string | undefined } {
  try {
    parseProposeBody(body);
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, param: error.param };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('propose bodies, in order of precedence', () => {
  const cases: Array<[string, unknown, string, string | undefined]> = [
    ['an unknown field (before anything else)', { ...status, reason: undefined, note: 'x' }, 'field_unknown', 'note'],
    ['no kind', { ...status, kind: undefined }, 'field_missing', 'kind'],
    ['an unknown kind', { ...status, kind: 'refund' }, 'invalid_kind', 'kind'],
    ['no reason', { ...status, reason: undefined }, 'field_missing', 'reason'],
    ['an empty reason', { ...status, reason: '' }, 'invalid_reason', 'reason'],
    ['a reason of spaces', { ...status, reason: '   ' }, 'invalid_text', 'reason'],
    ['no evidence', { ...status, evidence: undefined }, 'field_missing', 'evidence'],
    [
      'evidence without a reference',
      { ...status, evidence: { type: 'document' } },
      'field_missing',
      'evidence.reference',
    ],
    [
      'an unknown evidence type',
      { ...status, evidence: { type: 'rumour', reference: 'x' } },
      'invalid_evidence_type',
      'evidence.type',
    ],
    [
      'a url evidence that is not one (after the schema)',
      { ...status, evidence: { type: 'url', reference: 'ftp://x' } },
      'invalid_evidence_reference',
      'evidence.reference',
    ],
    [
      'a status correction without its target',
      { ...status, target_status: undefined },
      'field_missing',
      'target_status',
    ],
    [
      'a status correction with postings',
      { ...status, postings: legs(['fees', 1], ['available', -1]) },
      'field_unknown',
      'postings',
    ],
    [
      'an adjustment with a target',
      { ...adjustment(legs(['fees', 1], ['available', -1])), target_status: 'paid' },
      'field_unknown',
      'target_status',
    ],
    ['an adjustment without postings', adjustment(undefined), 'field_missing', 'postings'],
    ['one posting', adjustment(legs(['fees', 1])), 'invalid_postings', 'postings'],
    ['a zero posting', adjustment(legs(['fees', 0], ['available', 0])), 'amount_zero', 'postings.0.amount'],
    [
      'a fractional posting',
      adjustment(legs(['fees', 1.5], ['available', -1.5])),
      'amount_not_integer',
      'postings.0.amount',
    ],
    ['an unknown account', adjustment(legs(['cash', 1], ['available', -1])), 'invalid_account', 'postings.0.account'],
    [
      'an account twice (before the balance)',
      adjustment(legs(['fees', 5], ['fees', -4])),
      'posting_account_repeated',
      'postings.1.account',
    ],
    ['unbalanced', adjustment(legs(['fees', 5], ['available', -4])), 'unbalanced_adjustment', 'postings'],
    [
      'balanced overall but not per currency',
      adjustment(legs(['fees', 5], ['available', -5, 'USD'])),
      'unbalanced_adjustment',
      'postings',
    ],
  ];
  it.each(cases)('%s', (_name, body, code, param) => expect(refusal(body)).toEqual({ code, param }));

  it('accepts a status correction and a balanced adjustment, amounts as signed minor units', () => {
    expect(parseProposeBody(status)).toEqual({ kind: 'status', targetStatus: 'paid', reason: status.reason, evidence });
    expect(parseProposeBody(adjustment(legs(['fees', -25], ['available', 25])))).toMatchObject({
      kind: 'ledger_adjustment',
      postings: [
        { account: 'fees', currency: 'EUR', amountMinor: -25 },
        { account: 'available', currency: 'EUR', amountMinor: 25 },
      ],
    });
  });
});
