// Test helpers for talking to the sandbox provider over HTTP, and destinations that select its
// documented triggers (docs/sandbox-provider.md).
import { SANDBOX_TRIGGERS, SANDBOX_US_ROUTING_NUMBER, triggerByName } from '../../local/sandbox/triggers.js';
import type { SandboxCreatePayoutRequest } from '../../functions/adapters/providers/sandbox-api.js';

export function ibanFor(triggerName: string): string {
  const trigger = triggerByName(triggerName);
  if (!trigger)
    throw new Error(`no sandbox trigger ${triggerName}; known: ${SANDBOX_TRIGGERS.map((t) => t.name).join(', ')}`);
  return trigger.iban;
}

export function usAccountFor(triggerName: string): { routing_number: string; account_number: string } {
  const trigger = triggerByName(triggerName);
  if (!trigger) throw new Error(`no sandbox trigger ${triggerName}`);
  return { routing_number: SANDBOX_US_ROUTING_NUMBER, account_number: trigger.usAccountNumber };
}

export function sandboxRequest(
  payoutId: string,
  triggerName = 'paid',
  overrides: Partial<SandboxCreatePayoutRequest> = {},
): SandboxCreatePayoutRequest {
  return {
    amount: 12_345,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa_credit_transfer', fields: { iban: ibanFor(triggerName) } },
    recipient: { name: 'Ada Lovelace' },
    metadata: { payout_id: payoutId },
    ...overrides,
  };
}

export async function postPayout(
  baseUrl: string,
  key: string | undefined,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: any; replayed: boolean }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${baseUrl}/v1/payouts`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal,
  });
  return {
    status: response.status,
    body: await response.json(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

export async function payoutsAtSandbox(baseUrl: string, payoutId: string): Promise<any[]> {
  const response = await fetch(`${baseUrl}/v1/payouts?payout_id=${encodeURIComponent(payoutId)}`);
  return ((await response.json()) as { data: any[] }).data;
}

export async function advanceSandbox(baseUrl: string, seconds: number): Promise<any> {
  const response = await fetch(`${baseUrl}/v1/test/advance`, { method: 'POST', body: JSON.stringify({ seconds }) });
  return response.json();
}
