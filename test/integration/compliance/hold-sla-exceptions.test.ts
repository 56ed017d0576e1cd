// The sweeper's holds SLA job on DynamoDB Local through the real SDK (issue 15): a hold open past
// its owner's SLA opens its exception; once the hold is released, the next run resolves that
// exception (found through the exceptions' state index, holdSlaExceptionsVia) and does not open
// it again; a hold still open keeps its exception open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { holdsOpenedBefore } from '../../../functions/adapters/hold-queue';
import { holdSlaExceptionsVia } from '../../../functions/adapters/hold-sla-exceptions';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import {
  openHoldSlaExceptions,
  resolveSettledHoldSlaExceptions,
  type HoldSlaSweepDeps,
} from '../../../functions/app/sweeper/holds-sla';
import type { Hold } from '../../../functions/domain/compliance/contract';
import { exceptionIdFor } from '../../../functions/domain/exceptions';
import type { Actor, Payout } from '../../../functions/domain/payout';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';

let emulators: StartedEmulators;
let payouts: PayoutsRepository;
let exceptions: ExceptionsRepository;
let deps: HoldSlaSweepDeps;
const OPS: Actor = { kind: 'operator', id: 'op-ops-1', role: 'ops', scopes: ['ops:redrive'] };
const NOW_MS = Date.parse('2026-12-10T00:00:00.000Z');

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  const auditTable = emulators.names.tables['AuditTable']!;
  payouts = new PayoutsRepository({
    client,
    payoutsTable: emulators.names.tables['PayoutsTable']!,
    ledgerTable: emulators.names.tables['LedgerTable']!,
    auditTable,
  });
  exceptions = new ExceptionsRepository(client, emulators.names.tables['OperationsTable']!, {
    audit: new AuditTrail(client, auditTable),
  });
  deps = {
    exceptions,
    payouts,
    queue: { holdsOpenedBefore: (query) => holdsOpenedBefore(client, payouts.payoutsTable, query) },
    active: { holdSlaExceptions: holdSlaExceptionsVia((input) => exceptions.list(input)) },
  };
});
afterAll(async () => emulators?.stop());

/** An ops hold opened three days before NOW_MS: past the 48 h ops SLA. */
function overdueHold(): Hold {
  return {
    holdId: 'corridor_enablement',
    kind: 'corridor_enablement',
    owner: 'ops',
    openedAt: new Date(NOW_MS - 3 * 86_400_000).toISOString(),
    requirement: 'corridor_enablement:IN/INR/imps',
    evidence: { corridor: 'IN/INR/imps' },
  };
}

async function heldPayout(hold: Hold): Promise<Payout> {
  const input = samplePayout({ holds: { [hold.holdId]: hold }, openHoldCount: 1 });
  expect((await payouts.createPayout(input)).kind).toBe('created');
  return input.payout;
}

const exceptionOf = (payoutId: string, holdId: string) =>
  exceptions.get(exceptionIdFor({ category: 'hold_past_sla_ops', payoutId, holdId }));

describe('hold SLA exceptions', () => {
  it('opened past the SLA, resolved by the next run once the hold is released, not reopened', async () => {
    const released = overdueHold();
    const stillHeld = overdueHold();
    const a = await heldPayout(released);
    const b = await heldPayout(stillHeld);
    expect(await openHoldSlaExceptions(deps, NOW_MS)).toBe(2);
    expect(await exceptionOf(a.payoutId, released.holdId)).toMatchObject({ state: 'open', owner: 'ops' });

    const at = new Date(NOW_MS - 60_000).toISOString();
    expect(
      await payouts.releaseHold({ payout: a, hold: released, source: 'operator', sourceRef: 'r1', actor: OPS, at }),
    ).toMatchObject({ kind: 'released' });

    const later = NOW_MS + 60_000;
    expect(await resolveSettledHoldSlaExceptions(deps, later)).toBe(1);
    expect(await openHoldSlaExceptions(deps, later)).toBe(1);
    expect(await exceptionOf(a.payoutId, released.holdId)).toMatchObject({
      state: 'resolved',
      resolution: { by: 'sweep', note: expect.stringContaining(`released at ${at} by operator:op-ops-1`) },
    });
    expect(await exceptionOf(b.payoutId, stillHeld.holdId)).toMatchObject({ state: 'open', occurrences: 2 });

    // A further run finds nothing more to resolve: the resolved row is off the unresolved index.
    expect(await resolveSettledHoldSlaExceptions(deps, later + 60_000)).toBe(0);
  });
});
