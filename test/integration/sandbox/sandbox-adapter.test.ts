// Our sandbox adapter against the real sandbox server on a free port: every answer it can get is
// classified as the provider port promises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProvider, type SandboxProvider as SandboxServer } from '../../../local/sandbox/sandbox-process.js';
import { SandboxProvider } from '../../../functions/adapters/providers/sandbox-provider.js';
import {
  ProviderTimeoutError,
  ProviderUnavailableError,
  ProviderIdempotencyConflictError,
} from '../../../functions/domain/provider-errors.js';
import type { ProviderSubmission } from '../../../functions/domain/provider-port.js';
import { ibanFor } from '../../support/sandbox-client.js';

const SUBMIT_TIMEOUT_MS = 1_500; // generous: the machine is shared, and only the hang below must exceed it
let server: SandboxServer;
let sequence = 0;
const retries: string[] = [];

const adapter = () =>
  new SandboxProvider({
    baseUrl: server.url,
    submitTimeoutMs: SUBMIT_TIMEOUT_MS,
    sleep: async () => undefined,
    onRetry: ({ reason }) => retries.push(reason),
  });
const submission = (trigger: string, overrides: Partial<ProviderSubmission> = {}): ProviderSubmission => ({
  payoutId: `po_adapter_${process.pid}_${++sequence}`,
  amountMinor: 5_000,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa_credit_transfer', fields: { iban: ibanFor(trigger) } },
  recipient: { name: 'Grace Hopper' },
  ...overrides,
});

beforeAll(async () => {
  server = await startSandboxProvider({ port: 0, stepSeconds: 60, submitHangMs: 5_000, plugins: false });
});
afterAll(async () => {
  await server.stop();
});

describe('SandboxProvider.submit', () => {
  it('accepted: reference, mapped state, fee; a repeat is the same payout, marked replayed', async () => {
    const input = submission('paid');
    const first = await adapter().submit(input);
    expect(first).toMatchObject({
      kind: 'accepted',
      replayed: false,
      state: { kind: 'known', event: 'provider_accepted' },
      feeMinor: 12,
    });
    const again = await adapter().submit(input);
    expect(again).toMatchObject({ kind: 'accepted', replayed: true });
    expect(
      again.kind === 'accepted' && first.kind === 'accepted' && again.providerReference === first.providerReference,
    ).toBe(true);
    expect(server.listPayouts({ payoutId: input.payoutId })).toHaveLength(1);
  });

  it('rejected: a value with the provider reason, no exception', async () => {
    await expect(adapter().submit(submission('rejected'))).resolves.toMatchObject({
      kind: 'rejected',
      reasonCode: 'invalid_account_number',
    });
  });

  it('timeout: ProviderTimeoutError after submitTimeoutMs, not retried in-process; the sandbox holds one payout', async () => {
    const input = submission('timeout_on_submit');
    retries.length = 0;
    const started = Date.now();
    await expect(adapter().submit(input)).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(Date.now() - started).toBeLessThan(SUBMIT_TIMEOUT_MS + 1_000);
    expect(retries).toEqual([]);
    expect(server.attemptsFor(input.payoutId)).toBe(1);
    expect(server.listPayouts({ payoutId: input.payoutId })).toHaveLength(1);
    // The queue's retry: same key, answered at once with the payout that exists.
    await expect(adapter().submit(input)).resolves.toMatchObject({ kind: 'accepted', replayed: true });
    expect(server.listPayouts({ payoutId: input.payoutId })).toHaveLength(1);
  });

  it('503 every time: retried in-process up to the cap, then ProviderUnavailableError', async () => {
    const input = submission('unavailable_on_submit');
    retries.length = 0;
    await expect(adapter().submit(input)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(server.attemptsFor(input.payoutId)).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('503 once: the in-process retry succeeds', async () => {
    const input = submission('flaky_on_submit');
    await expect(adapter().submit(input)).resolves.toMatchObject({ kind: 'accepted' });
    expect(server.attemptsFor(input.payoutId)).toBe(2);
  });

  it('500 after recording: the retry finds the recorded payout', async () => {
    const input = submission('error_after_record');
    await expect(adapter().submit(input)).resolves.toMatchObject({ kind: 'accepted', replayed: true });
    expect(server.listPayouts({ payoutId: input.payoutId })).toHaveLength(1);
  });

  it('same payout id, different body: ProviderIdempotencyConflictError', async () => {
    const input = submission('paid');
    await adapter().submit(input);
    await expect(adapter().submit({ ...input, amountMinor: 1 })).rejects.toBeInstanceOf(
      ProviderIdempotencyConflictError,
    );
  });

  it('connection refused: ProviderUnavailableError', async () => {
    const closed = new SandboxProvider({ baseUrl: 'http://127.0.0.1:9', sleep: async () => undefined });
    await expect(closed.submit(submission('paid'))).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('SandboxProvider.getStatus', () => {
  it('not_found before submission; then each state mapped as the clock moves', async () => {
    const input = submission('returned');
    await expect(adapter().getStatus({ payoutId: input.payoutId })).resolves.toEqual({ kind: 'not_found' });
    const accepted = await adapter().submit(input);
    const reference = accepted.kind === 'accepted' ? accepted.providerReference : '';
    const seen = [];
    for (let step = 0; step < 4; step += 1) {
      const status = await adapter().getStatus({ payoutId: input.payoutId, providerReference: reference });
      if (status.kind === 'found') seen.push(status.state.kind === 'known' ? status.state.event : 'unknown');
      server.advance(60);
    }
    expect(seen).toEqual(['provider_accepted', 'provider_pending', 'provider_paid', 'provider_reversed']);
    const last = await adapter().getStatus({ payoutId: input.payoutId });
    expect(last).toMatchObject({
      kind: 'found',
      providerReference: reference,
      failureCode: 'account_closed',
      countAtProvider: 1,
    });
  });

  it("reports the amount and currency the sandbox holds, for the sweeper's ownership check", async () => {
    const input = submission('paid', { amountMinor: 1_234, currency: 'GBP' });
    await adapter().submit(input);
    expect(await adapter().getStatus({ payoutId: input.payoutId })).toMatchObject({
      kind: 'found',
      amountMinor: 1_234,
      currency: 'GBP',
    });
  });
});
