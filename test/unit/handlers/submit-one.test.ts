// submitOne with fakes: which statuses are submitted, what each provider answer becomes, and the
// errors that send a record back to the queue — in the documented order of precedence.
import { describe, expect, it } from 'vitest';
import { PAYOUT_STATUSES, type PayoutEvent, type PayoutStatus } from '../../../functions/domain/lifecycle.js';
import type { Payout, TransitionCommand, TransitionResult } from '../../../functions/domain/payout.js';
import type {
  CancelResult,
  ProviderPort,
  ProviderSubmission,
  StatusResult,
  SubmitResult,
} from '../../../functions/domain/provider-port.js';
import { ProviderTimeoutError } from '../../../functions/domain/provider-errors.js';
import { submitOne, SubmissionError, type SubmitterDeps } from '../../../functions/app/submission/submit-one.js';

const NOW = '2026-11-25T12:00:00.000Z';

function payoutIn(status: PayoutStatus): Payout {
  return {
    payoutId: 'po_1',
    tenantId: 'acme',
    idempotencyKey: 'k1',
    status,
    version: 1,
    amountMinor: 12_500,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
    recipient: { name: 'Ada' },
    description: 'June',
    metadata: { invoice: 'INV-42' },
    createdAt: NOW,
    lastEventAt: NOW,
    requestIds: ['req-1'],
  };
}

function harness(
  status: PayoutStatus,
  answer: SubmitResult | Error,
  transition: Exclude<TransitionResult['kind'], 'rejected_ownership' | 'contradicted'> | 'stale_canceled' = 'applied',
  holds: { openHoldCount?: number; claim?: 'claimed' | 'held' | 'moved'; afterClaim?: Payout } = {},
) {
  const claims: string[] = [];
  const submissions: ProviderSubmission[] = [];
  const commands: TransitionCommand[] = [];
  const provider: ProviderPort = {
    provider: 'sandbox',
    submit: async (submission) => {
      submissions.push(submission);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    cancel: async () => ({ kind: 'unsupported' as const }),
    requestReturn: async () => ({ kind: 'unsupported' as const }),
    getStatus: async () => ({ kind: 'not_found' }),
  };
  const deps: SubmitterDeps = {
    repository: {
      getPayoutForSubmission: async (payoutId) =>
        payoutId === 'po_1'
          ? {
              payout:
                claims.length > 0 && holds.afterClaim !== undefined
                  ? holds.afterClaim
                  : {
                      ...payoutIn(status),
                      ...(holds.openHoldCount === undefined ? {} : { openHoldCount: holds.openHoldCount }),
                    },
              destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
            }
          : undefined,
      applyTransition: async (cmd) => {
        commands.push(cmd);
        if (transition === 'stale_canceled') return { kind: 'stale', payout: payoutIn('canceled') };
        if (transition === 'applied')
          return { kind: 'applied', payout: payoutIn('accepted'), from: 'submitted', to: 'accepted' };
        if (transition === 'stale' || transition === 'forbidden') return { kind: transition, payout: payoutIn(status) };
        return { kind: transition };
      },
      claimForSubmission: async (payoutId, at) => {
        claims.push(`${payoutId}@${at}`);
        return holds.claim ?? 'claimed';
      },
    },
    providers: { sandbox: provider },
    nowIso: () => NOW,
  };
  return { deps, submissions, commands, claims };
}

const ACCEPTED: SubmitResult = {
  kind: 'accepted',
  providerReference: 'sbx_po_1',
  state: { kind: 'known', providerState: 'accepted', event: 'provider_accepted' },
  replayed: false,
  feeMinor: 31,
};

describe('which statuses are submitted', () => {
  it.each(PAYOUT_STATUSES.map((status) => [status]))('%s', async (status) => {
    const { deps, submissions } = harness(status, ACCEPTED);
    const outcome = await submitOne('po_1', 'sqs:m1', deps);
    if (status === 'submitted') {
      expect(outcome.kind).toBe('accepted');
      expect(submissions).toHaveLength(1);
    } else {
      expect(outcome).toMatchObject({
        kind: 'skipped',
        reason:
          status === 'requires_approval'
            ? 'awaiting_approval'
            : // Canceled with no provider reference: the provider is asked first (here: not there).
              status === 'canceled'
              ? 'not_at_provider'
              : 'already_past_submitted',
      });
      expect(submissions).toHaveLength(0);
    }
  });
});

describe('what the answer becomes', () => {
  it('accepted → provider_accepted with reference and fee, from the submitter; unmasked destination, payout id as key', async () => {
    const { deps, submissions, commands } = harness('submitted', ACCEPTED);
    await submitOne('po_1', 'sqs:m1', deps);
    expect(submissions[0]).toMatchObject({
      payoutId: 'po_1',
      amountMinor: 12_500,
      destination: { fields: { iban: 'DE89370400440532013000' } },
      metadata: { invoice: 'INV-42', tenant_id: 'acme' },
    });
    expect(commands).toEqual([
      expect.objectContaining({
        payoutId: 'po_1',
        event: 'provider_accepted',
        source: 'submitter',
        sourceRef: 'sqs:m1',
        providerReference: 'sbx_po_1',
        feeMinor: 31,
        recordedAt: NOW,
        actor: { kind: 'system', id: 'submit-payout' },
      }),
    ]);
  });

  it("a transaction id in the answer (PayPal's item transaction_id) is recorded with provider_accepted; none, none", async () => {
    const withTransaction = harness('submitted', { ...ACCEPTED, providerTransactionId: 'T000000000001' });
    await submitOne('po_1', 'sqs:m1', withTransaction.deps);
    expect(withTransaction.commands[0]).toMatchObject({ providerTransactionId: 'T000000000001' });
    const without = harness('submitted', ACCEPTED);
    await submitOne('po_1', 'sqs:m1', without.deps);
    expect(without.commands[0]).not.toHaveProperty('providerTransactionId');
  });

  it('rejected → submission_rejected with the reason', async () => {
    const { deps, commands } = harness('submitted', {
      kind: 'rejected',
      reasonCode: 'invalid_account_number',
      reason: 'bad account',
    });
    await expect(submitOne('po_1', 'sqs:m1', deps)).resolves.toMatchObject({
      kind: 'rejected',
      reasonCode: 'invalid_account_number',
    });
    expect(commands[0]).toMatchObject({
      event: 'submission_rejected',
      statusReason: 'invalid_account_number: bad account',
    });
  });

  it.each(['stale', 'duplicate'] as const)(
    'a %s transition is acknowledged (another delivery got there first)',
    async (kind) => {
      const { deps } = harness('submitted', ACCEPTED, kind);
      await expect(submitOne('po_1', 'sqs:m1', deps)).resolves.toMatchObject({ kind: 'accepted', transition: kind });
    },
  );
});

describe('errors that send the record back to the queue (in order of precedence)', () => {
  it('1. the payout does not exist', async () => {
    const { deps, submissions } = harness('submitted', ACCEPTED);
    await expect(submitOne('po_missing', 'sqs:m1', deps)).rejects.toMatchObject({ code: 'payout_not_found' });
    expect(submissions).toHaveLength(0);
  });

  it('2. no adapter for the payout provider', async () => {
    const { deps } = harness('submitted', ACCEPTED);
    await expect(submitOne('po_1', 'sqs:m1', { ...deps, providers: {} })).rejects.toMatchObject({
      code: 'provider_not_configured',
    });
  });

  it('3. a provider transport failure is rethrown as is, nothing recorded', async () => {
    const timeout = new ProviderTimeoutError('slow', { provider: 'sandbox', timeoutMs: 5_000 });
    const { deps, commands } = harness('submitted', timeout);
    await expect(submitOne('po_1', 'sqs:m1', deps)).rejects.toBe(timeout);
    expect(commands).toHaveLength(0);
  });

  it.each([
    ['not_found', 'payout_not_found'],
    ['forbidden', 'forbidden_transition'],
    ['stale_canceled', 'provider_holds_terminal_payout'],
  ] as const)('4. transition %s → %s', async (transition, code) => {
    const { deps } = harness('submitted', ACCEPTED, transition);
    const error = await submitOne('po_1', 'sqs:m1', deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubmissionError);
    expect(error).toMatchObject({ code, category: 'human_action_required', name: 'SubmissionError' });
  });

  it('4. canceled while in flight and the provider can still cancel: it is asked to, and nothing is left at the provider', async () => {
    const { deps } = harness('submitted', ACCEPTED, 'stale_canceled');
    const asked: string[] = [];
    deps.providers = {
      sandbox: {
        ...deps.providers['sandbox']!,
        cancel: async (request) => (
          asked.push(request.providerReference),
          {
            kind: 'canceled',
            providerReference: request.providerReference,
            state: { kind: 'known', providerState: 'canceled', event: 'provider_canceled' },
          }
        ),
      },
    };
    await expect(submitOne('po_1', 'sqs:m1', deps)).resolves.toEqual({
      kind: 'canceled_at_provider',
      payoutId: 'po_1',
      providerReference: 'sbx_po_1',
    });
    expect(asked).toEqual(['sbx_po_1']);
  });
});

// cancel-over-unanswered-submission (docs/simulation.md): canceled here before any provider answer was
// recorded; the message's retry asks the provider by payout id and never submits again.
describe('a payout canceled before any provider answer was recorded', () => {
  const held = (providerState: string, event: PayoutEvent | undefined): StatusResult => ({
    kind: 'found',
    providerReference: 'sbx_1',
    state: event === undefined ? { kind: 'unknown', providerState } : { kind: 'known', providerState, event },
    countAtProvider: 1,
  });
  const CANCELED: CancelResult = {
    kind: 'canceled',
    providerReference: 'sbx_1',
    state: { kind: 'known', providerState: 'canceled', event: 'provider_canceled' },
  };
  it.each<[string, StatusResult, CancelResult | undefined, string]>([
    ['nothing at the provider', { kind: 'not_found' }, undefined, 'skipped:not_at_provider'],
    ['canceled there already', held('canceled', 'provider_canceled'), undefined, 'skipped:not_at_provider'],
    ['failed there', held('failed', 'provider_failed'), undefined, 'skipped:not_at_provider'],
    ['accepted there, cancel succeeds', held('accepted', 'provider_accepted'), CANCELED, 'canceled_at_provider'],
    ['in transit there, cancel succeeds', held('in_transit', 'provider_pending'), CANCELED, 'canceled_at_provider'],
    ['an unknown state, cancel succeeds', held('held', undefined), CANCELED, 'canceled_at_provider'],
    ['paid there: too late', held('paid', 'provider_paid'), { kind: 'too_late', providerState: 'paid' }, 'throw'],
    ['cannot cancel at all', held('accepted', 'provider_accepted'), { kind: 'unsupported' }, 'throw'],
    ['gone by the cancel', held('accepted', 'provider_accepted'), { kind: 'not_found' }, 'throw'],
  ])('%s', async (_name, status, cancel, expected) => {
    const { deps, submissions, commands } = harness('canceled', ACCEPTED);
    const asked: string[] = [];
    deps.providers['sandbox']!.getStatus = async (query) => {
      asked.push(`status:${query.payoutId}:${query.providerReference ?? '-'}`);
      return status;
    };
    deps.providers['sandbox']!.cancel = async (request) => {
      asked.push(`cancel:${request.payoutId}:${request.providerReference}`);
      return cancel!;
    };
    const run = submitOne('po_1', 'sqs:m1', deps);
    if (expected === 'throw') {
      await expect(run).rejects.toMatchObject({ code: 'canceled_but_live_at_provider' });
    } else {
      const outcome = await run;
      expect(outcome.kind === 'skipped' ? `skipped:${outcome.reason}` : outcome.kind).toBe(expected);
    }
    expect(asked).toEqual(['status:po_1:-', ...(cancel === undefined ? [] : ['cancel:po_1:sbx_1'])]);
    expect(submissions).toEqual([]); // never submitted again: that could create what we canceled
    expect(commands).toEqual([]); // the cancel already released in_transit; nothing more to record
  });

  it('a provider outage while asking is thrown (retried), not acknowledged', async () => {
    const { deps } = harness('canceled', ACCEPTED);
    deps.providers['sandbox']!.getStatus = async () => {
      throw new ProviderTimeoutError('timed out', { provider: 'sandbox', timeoutMs: 10_000 });
    };
    await expect(submitOne('po_1', 'sqs:m1', deps)).rejects.toBeInstanceOf(ProviderTimeoutError);
  });
});

describe('holds (issue 15): nothing reaches the provider with one open', () => {
  it('an open hold read with the payout: skipped, not even claimed', async () => {
    const { deps, submissions, claims } = harness('submitted', ACCEPTED, 'applied', { openHoldCount: 1 });
    expect(await submitOne('po_1', 'sqs:m1', deps)).toMatchObject({ kind: 'skipped', reason: 'held' });
    expect([submissions, claims]).toEqual([[], []]);
  });

  it('a hold placed after the read wins: the claim is refused, no provider call', async () => {
    const { deps, submissions, claims } = harness('submitted', ACCEPTED, 'applied', { claim: 'held' });
    expect(await submitOne('po_1', 'sqs:m1', deps)).toMatchObject({ kind: 'skipped', reason: 'held' });
    expect(submissions).toEqual([]);
    expect(claims).toEqual([`po_1@${NOW}`]);
  });

  it('claimed before the provider call', async () => {
    const { deps, submissions, claims } = harness('submitted', ACCEPTED);
    expect((await submitOne('po_1', 'sqs:m1', deps)).kind).toBe('accepted');
    expect([submissions.length, claims.length]).toEqual([1, 1]);
  });

  it('moved since the read (canceled): read again and settled as canceled, never submitted', async () => {
    const { deps, submissions } = harness('submitted', ACCEPTED, 'applied', {
      claim: 'moved',
      afterClaim: payoutIn('canceled'),
    });
    expect(await submitOne('po_1', 'sqs:m1', deps)).toMatchObject({ kind: 'skipped', reason: 'not_at_provider' });
    expect(submissions).toEqual([]);
  });

  it('a claim refused with no hold and still submitted is thrown (retried), never sent unclaimed', async () => {
    const { deps, submissions } = harness('submitted', ACCEPTED, 'applied', { claim: 'moved' });
    await expect(submitOne('po_1', 'sqs:m1', deps)).rejects.toMatchObject({ code: 'submission_claim_refused' });
    expect(submissions).toEqual([]);
  });
});
