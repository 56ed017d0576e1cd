// A small client of the sandbox's read API for drills and benches (bin/drill.ts): how many payouts
// the provider holds for one of our payout ids — 1 is right, 2 or more is a duplicate payout.
import { SANDBOX_PATHS, type SandboxList, type SandboxPayout } from '../../functions/adapters/providers/sandbox-api.js';

/** Every payout the sandbox at `baseUrl` holds for `payoutId`, oldest first. */
export async function sandboxPayoutsFor(baseUrl: string, payoutId: string): Promise<SandboxPayout[]> {
  const response = await fetch(
    `${baseUrl.replace(/\/+$/, '')}${SANDBOX_PATHS.payouts}?payout_id=${encodeURIComponent(payoutId)}`,
  );
  if (!response.ok) throw new Error(`sandbox answered ${response.status} to GET /v1/payouts?payout_id=${payoutId}`);
  return ((await response.json()) as SandboxList<SandboxPayout>).data;
}

export async function countSandboxPayouts(baseUrl: string, payoutId: string): Promise<number> {
  return (await sandboxPayoutsFor(baseUrl, payoutId)).length;
}

/** Moves the sandbox clock forward; answers the payouts that changed state. */
export async function advanceSandboxClock(
  baseUrl: string,
  seconds: number,
): Promise<Array<{ id: string; from: string; to: string }>> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}${SANDBOX_PATHS.advance}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  if (!response.ok) throw new Error(`sandbox answered ${response.status} to POST /v1/test/advance`);
  return ((await response.json()) as { changed: Array<{ id: string; from: string; to: string }> }).changed;
}

async function postControl(baseUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox answered ${response.status} to POST ${path}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Holds every new webhook event back (`held: true`), or sends what was held, in order (`held: false`). */
export async function holdSandboxWebhooks(
  baseUrl: string,
  held: boolean,
): Promise<{ held: boolean; waiting: number; released: number }> {
  return (await postControl(baseUrl, '/v1/test/webhooks/hold', { held })) as {
    held: boolean;
    waiting: number;
    released: number;
  };
}

/** A staged settlement outage: while stalled no payout moves on; ending it applies what fell due. */
export async function stallSandboxSettlement(baseUrl: string, stalled: boolean): Promise<{ stalled: boolean }> {
  return (await postControl(baseUrl, '/v1/test/settlement', { stalled })) as { stalled: boolean };
}
