import { describe, expect, it } from 'vitest';
import {
  decideException,
  defaultOwnerOf,
  EXCEPTION_CATEGORIES,
  EXCEPTION_STATES,
  exceptionIdOf,
  payoutExceptionOwner,
  SLA_SECONDS_BY_CATEGORY,
  slaDueAt,
  type ExceptionAction,
  type ExceptionDecision,
  type ExceptionState,
} from '../../../functions/domain/exceptions';

describe('exception state machine: every state × action', () => {
  const expected: Record<ExceptionState, Record<ExceptionAction, ExceptionDecision>> = {
    open: {
      assign: { kind: 'transition', to: 'assigned' },
      resolve: { kind: 'transition', to: 'resolved' },
      reopen: { kind: 'refused', code: 'exception_not_resolved' },
    },
    assigned: {
      assign: { kind: 'transition', to: 'assigned' },
      resolve: { kind: 'transition', to: 'resolved' },
      reopen: { kind: 'refused', code: 'exception_not_resolved' },
    },
    resolved: {
      assign: { kind: 'refused', code: 'exception_already_resolved' },
      resolve: { kind: 'refused', code: 'exception_already_resolved' },
      reopen: { kind: 'transition', to: 'open' },
    },
  };
  for (const state of EXCEPTION_STATES) {
    for (const action of ['assign', 'resolve', 'reopen'] as const) {
      it(`${state} + ${action}`, () => expect(decideException(state, action)).toEqual(expected[state][action]));
    }
  }
});

describe('exception ids', () => {
  it('are a deterministic function of the dedup key', () => {
    expect(exceptionIdOf('recon:2026-11-25:po_1:amount_mismatch')).toBe(
      exceptionIdOf('recon:2026-11-25:po_1:amount_mismatch'),
    );
    expect(exceptionIdOf('a')).not.toBe(exceptionIdOf('b'));
    expect(exceptionIdOf('a')).toMatch(/^exc_[0-9a-f]{32}$/);
  });
  it('refuse an empty key (a programmer error)', () => expect(() => exceptionIdOf('')).toThrow());
});

describe('categories', () => {
  it('every category has an SLA and a default owner', () => {
    for (const category of EXCEPTION_CATEGORIES) {
      expect(SLA_SECONDS_BY_CATEGORY[category]).toBeGreaterThan(0);
      expect(['ops', 'finance', 'compliance', 'provider', 'tenant']).toContain(defaultOwnerOf(category));
    }
  });
  it('money goes to finance, duplicates to the provider, states to ops', () => {
    expect(defaultOwnerOf('amount_mismatch')).toBe('finance');
    expect(defaultOwnerOf('fee_mismatch')).toBe('finance');
    expect(defaultOwnerOf('duplicate_at_provider')).toBe('provider');
    // An approval of the tenant's that nobody gave: only the tenant can decide to create it again.
    expect(defaultOwnerOf('approval_expired')).toBe('tenant');
    expect(defaultOwnerOf('forbidden_transition')).toBe('ops');
    expect(defaultOwnerOf('webhook_dead_lettered')).toBe('ops');
    // A run that never finished, like a malformed report: ops restarts it.
    expect(defaultOwnerOf('reconciliation_dead_lettered')).toBe(defaultOwnerOf('report_malformed'));
    expect(defaultOwnerOf('reconciliation_dead_lettered')).toBe('ops');
  });
});

describe('payout exception owner', () => {
  it('is the owner of the active exception due first; resolved ones do not count', () => {
    expect(
      payoutExceptionOwner([
        { owner: 'finance', slaDueAt: '2026-11-26T00:00:00.000Z', state: 'open' },
        { owner: 'ops', slaDueAt: '2026-11-25T10:00:00.000Z', state: 'assigned' },
        { owner: 'provider', slaDueAt: '2026-11-24T00:00:00.000Z', state: 'resolved' },
      ]),
    ).toBe('ops');
    expect(
      payoutExceptionOwner([{ owner: 'ops', slaDueAt: '2026-11-25T10:00:00.000Z', state: 'resolved' }]),
    ).toBeUndefined();
  });
  it('SLA due time adds seconds to the opening time', () =>
    expect(slaDueAt('2026-11-25T00:00:00.000Z', 3_600)).toBe('2026-11-25T01:00:00.000Z'));
});
