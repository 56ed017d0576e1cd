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
