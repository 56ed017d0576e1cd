// The provider port's cancel and return (issue 10) through our sandbox adapter against the real
// sandbox server: "cancel until it pays", a return of a paid payout only, each safe to repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxProvider } from '../../../functions/adapters/providers/sandbox-provider.js';
import type { ProviderSubmission } from '../../../functions/domain/provider-port.js';
import { startSandboxProvider, type SandboxProvider as SandboxServer } from '../../../local/sandbox/sandbox-process.js';
import { advanceSandbox, ibanFor } from '../../support/sandbox-client.js';

const STEP_SECONDS = 60;
let server: SandboxServer;
let sequence = 0;
const changes: Array<{ id: string; type: string; failure: string | null }> = [];
const adapter = () => new SandboxProvider({ baseUrl: server.url, sleep: async () => undefined });
const submission = (trigger: string): ProviderSubmission => ({
  payoutId: `po_cancel_${process.pid}_${++sequence}`,
  amountMinor: 5_000,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa_credit_transfer', fields: { iban: ibanFor(trigger) } },
  recipient: { name: 'Grace Hopper' },
});

async function accepted(trigger = 'paid'): Promise<{ payoutId: string; reference: string }> {
  const input = submission(trigger);
  const answer = await adapter().submit(input);
  if (answer.kind !== 'accepted') throw new Error('not accepted');
  return { payoutId: input.payoutId, reference: answer.providerReference };
}

beforeAll(async () => {
  server = await startSandboxProvider({ port: 0, stepSeconds: STEP_SECONDS, plugins: false });
  server.onStateChange((change) =>
    changes.push({ id: change.payout.id, type: change.type, failure: change.payout.failure_code }),
  );
});
afterAll(async () => server?.stop());

describe('SandboxProvider.cancel', () => {
  it('accepted → canceled now, its later steps dropped; a repeat answers canceled again', async () => {
    const { payoutId, reference } = await accepted();
    const first = await adapter().cancel({ payoutId, providerReference: reference });
    expect(first).toMatchObject({
      kind: 'canceled',
      providerReference: reference,
      state: { kind: 'known', event: 'provider_canceled' },
      amountMinor: 5_000,
      currency: 'EUR',
    });
    expect(changes.filter((c) => c.id === reference).map((c) => c.type)).toEqual([
      'payout.accepted',
      'payout.canceled',
    ]);
    expect(changes.find((c) => c.id === reference && c.type === 'payout.canceled')?.failure).toBe(
      'canceled_on_request',
    );
    await advanceSandbox(server.url, STEP_SECONDS * 3);
    expect(server.getPayout(reference)?.status).toBe('canceled');
    expect(await adapter().cancel({ payoutId, providerReference: reference })).toMatchObject({ kind: 'canceled' });
  });

  it('in transit → canceled (the sandbox cancels until it pays)', async () => {
    const { payoutId, reference } = await accepted();
    await advanceSandbox(server.url, STEP_SECONDS);
    expect(server.getPayout(reference)?.status).toBe('in_transit');
    expect(await adapter().cancel({ payoutId, providerReference: reference })).toMatchObject({ kind: 'canceled' });
  });

  it('paid → too_late with the state it is in; unknown → not_found', async () => {
    const { payoutId, reference } = await accepted();
    await advanceSandbox(server.url, STEP_SECONDS * 2);
    expect(await adapter().cancel({ payoutId, providerReference: reference })).toEqual({
      kind: 'too_late',
      providerState: 'paid',
    });
    expect(server.getPayout(reference)?.status).toBe('paid');
    expect(await adapter().cancel({ payoutId, providerReference: 'sbx_po_nope' })).toEqual({ kind: 'not_found' });
  });
});

describe('SandboxProvider.requestReturn', () => {
  it('paid → accepted; the same reversal id replays; `returned` follows one step later', async () => {
    const { payoutId, reference } = await accepted();
    await advanceSandbox(server.url, STEP_SECONDS * 2);
    const request = {
      payoutId,
      providerReference: reference,
      reversalId: `rev_${sequence}`,
      amountMinor: 5_000,
      currency: 'EUR' as const,
    };
    expect(await adapter().requestReturn(request)).toEqual({
      kind: 'accepted',
      providerReference: reference,
      replayed: false,
    });
    expect(await adapter().requestReturn(request)).toEqual({
      kind: 'accepted',
      providerReference: reference,
      replayed: true,
    });
    expect(await adapter().requestReturn({ ...request, reversalId: 'rev_other' })).toMatchObject({
      kind: 'refused',
      reasonCode: 'return_already_requested',
    });
    await advanceSandbox(server.url, STEP_SECONDS);
    expect(server.getPayout(reference)).toMatchObject({
      status: 'returned',
      failure_code: 'return_requested',
      return_id: request.reversalId,
    });
    const status = await adapter().getStatus({ payoutId, providerReference: reference });
    expect(status).toMatchObject({ kind: 'found', state: { kind: 'known', event: 'provider_reversed' } });
  });

  it('not paid → refused payout_not_returnable, nothing scheduled', async () => {
    const { payoutId, reference } = await accepted('pending');
    const refused = await adapter().requestReturn({
      payoutId,
      providerReference: reference,
      reversalId: 'rev_early',
      amountMinor: 5_000,
      currency: 'EUR',
    });
    expect(refused).toMatchObject({ kind: 'refused', reasonCode: 'payout_not_returnable' });
    expect(server.getPayout(reference)?.return_id ?? null).toBeNull();
  });
});
