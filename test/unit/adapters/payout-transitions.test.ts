import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { PayoutsRepository, TransitionConflictError } from '../../../functions/adapters/payouts-repository';
import { TRANSITION_ATTEMPTS_MAX } from '../../../functions/adapters/payout-transitions';
import type { Payout, TransitionCommand } from '../../../functions/domain/payout';

// The retry protocol of applyTransition against a scripted client: which outcome each cancellation
// reason maps to, and that a payout that keeps moving is retried a bounded number of times.
const payout: Payout = {
  payoutId: 'po_01M89XYK2HYNJ4KXP901EKYA5S',
  tenantId: 'acme',
  idempotencyKey: 'k',
  status: 'submitted',
  version: 1,
  amountMinor: 100,
  currency: 'EUR',
  provider: 'sandbox',
  destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
  recipient: { name: 'A' },
  createdAt: '2026-01-01T00:00:00.000Z',
  lastEventAt: '2026-01-01T00:00:00.000Z',
  requestIds: ['r1'],
};
const command: TransitionCommand = {
  payoutId: payout.payoutId,
  event: 'provider_accepted',
  source: 'provider_webhook',
  sourceRef: 'evt_1',
  occurredAt: '2026-01-01T00:00:01.000Z',
  recordedAt: '2026-01-01T00:00:01.000Z',
  actor: { kind: 'provider', id: 'sandbox' },
  claim: { provider: 'sandbox' },
  dedup: { provider: 'sandbox', providerEventId: 'evt_1' },
};

function canceled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'canceled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function scripted(onTransact: (items: any[]) => unknown) {
  const sent: string[] = [];
  const client = {
    send: async (cmd: any) => {
      const name = cmd.constructor.name;
      sent.push(name);
      // The payout's audit chain head: none yet (the audit items ride in the transaction).
      if (cmd.input.TableName === 'AuditTable') return {};
      if (name === 'GetCommand') return { Item: { pk: 'x', sk: 'PAYOUT', ...payout } };
      if (name === 'TransactWriteCommand') return onTransact(cmd.input.TransactItems);
      throw new Error(`unexpected ${name}`);
    },
  };
  return {
    repo: new PayoutsRepository({
      client: client as never,
      payoutsTable: 'PayoutsTable',
      ledgerTable: 'LedgerTable',
      auditTable: 'AuditTable',
    }),
    sent,
  };
}

describe('applyTransition retry protocol', () => {
  it('gives up with TransitionConflictError after TRANSITION_ATTEMPTS_MAX version conflicts', async () => {
    const { repo, sent } = scripted((items) => {
      throw canceled(items.map((_, i) => (i === 0 ? 'ConditionalCheckFailed' : 'None')));
    });
    await expect(repo.applyTransition(command)).rejects.toBeInstanceOf(TransitionConflictError);
    expect(sent.filter((n) => n === 'TransactWriteCommand')).toHaveLength(TRANSITION_ATTEMPTS_MAX);
  });

  it('answers duplicate when the dedup record exists, even if the payout moved too', async () => {
    const { repo } = scripted((items) => {
      throw canceled(items.map((_, i) => (i === 0 || i === items.length - 1 ? 'ConditionalCheckFailed' : 'None')));
    });
    expect(await repo.applyTransition(command)).toEqual({ kind: 'duplicate' });
  });

  it('retries a TransactionConflict and then applies', async () => {
    let calls = 0;
    const { repo } = scripted((items) => {
      calls += 1;
      if (calls === 1) throw canceled(items.map(() => 'TransactionConflict'));
      return {};
    });
    expect(await repo.applyTransition(command)).toMatchObject({ kind: 'applied', from: 'submitted', to: 'accepted' });
    expect(calls).toBe(2);
  });

  it('does not retry other errors', async () => {
    const { repo, sent } = scripted(() => {
      throw Object.assign(new Error('boom'), { name: 'ValidationException' });
    });
    await expect(repo.applyTransition(command)).rejects.toThrow('boom');
    expect(sent.filter((n) => n === 'TransactWriteCommand')).toHaveLength(1);
  });
});
