// The holds routes (app/compliance/holds-api.ts) in memory: a table of hold kind × caller (the
// tenant's backend on the tenant route, each operator role on the ops route), then the
// requirement re-check, the bad input refused before anything is written, and the queue read.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HoldChange, PlaceResult, ReleaseResult } from '../../../../functions/adapters/payout-holds';
import { holdsApi, type HoldsApiDeps } from '../../../../functions/app/compliance/holds-api';
import type { Hold, RecipientCompliance } from '../../../../functions/domain/compliance/contract';
import type { AuditEntry } from '../../../../functions/domain/audit';
import type { Payout } from '../../../../functions/domain/payout';
import { ApiError } from '../../../../functions/http/api-error';
import { HOLD_ROUTES, type HoldRouteName } from '../../../../functions/shared/hold-routes';

const AT = '2026-12-02T10:00:00.000Z';
const PAYOUT_ID = 'po_01JD0000000000000000000000';
const route = (name: HoldRouteName) => HOLD_ROUTES.find((r) => r.name === name)!;

const HOLDS: Record<string, Hold> = {
  tax_form: {
    holdId: 'tax_form',
    kind: 'tax_form',
    owner: 'tenant',
    openedAt: AT,
    requirement: 'tax_form:W-8BEN',
    evidence: {},
  },
  onboarding_tenant: {
    holdId: 'onboarding',
    kind: 'onboarding',
    owner: 'tenant',
    openedAt: AT,
    requirement: 'onboarding:date_of_birth',
    evidence: {},
  },
  onboarding_compliance: {
    holdId: 'onboarding',
    kind: 'onboarding',
    owner: 'compliance',
    openedAt: AT,
    requirement: 'onboarding:verified',
    evidence: {},
  },
  screening: {
    holdId: 'screening-scr_1',
    kind: 'screening',
    owner: 'compliance',
    openedAt: AT,
    requirement: 'screening_case:scr_1',
    evidence: {},
  },
  corridor: {
    holdId: 'corridor_enablement',
    kind: 'corridor_enablement',
    owner: 'ops',
    openedAt: AT,
    requirement: 'corridor_enablement:US/USD/ach',
    evidence: { corridor: 'US/USD/ach' },
  },
};

const met: RecipientCompliance = {
  tenantId: 'acme',
  recipientId: 'rcp_1',
  kind: 'individual',
  country: 'DE',
  onboarding: { state: 'verified', requirements: [] },
  taxForm: { state: 'valid' },
  screening: { state: 'clear' },
};

function payoutWith(hold: Hold | undefined, overrides: Partial<Payout> = {}): Payout {
  return {
    payoutId: PAYOUT_ID,
    tenantId: 'acme',
    idempotencyKey: 'k1',
    status: 'submitted',
    version: 1,
    amountMinor: 5_000,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'Ada' },
    recipientId: 'rcp_1',
    createdAt: AT,
    lastEventAt: AT,
    requestIds: ['r1'],
    ...(hold === undefined ? {} : { holds: { [hold.holdId]: hold }, openHoldCount: 1 }),
    ...overrides,
  };
}

/** `enabled`: the tenant's corridor enablements now; by default the corridor hold's requirement is met. */
function world(
  payout: Payout,
  recipient: RecipientCompliance | null = met,
  enabled: readonly string[] = ['US/USD/ach'],
) {
  const state = { payout, released: [] as HoldChange[], enqueued: [] as string[], audit: [] as AuditEntry[] };
  const deps: HoldsApiDeps = {
    store: {
      getPayoutById: async (id) => (id === state.payout.payoutId ? state.payout : undefined),
      placeHold: async (): Promise<PlaceResult> => 'placed',
      releaseHold: async (change): Promise<ReleaseResult> => {
        const stored = state.payout.holds?.[change.hold.holdId];
        if (stored === undefined) return { kind: 'not_found' };
        if (stored.releasedAt !== undefined) return { kind: 'already_released' };
        state.released.push(change);
        const openHoldCount = (state.payout.openHoldCount ?? 1) - 1;
        const holds = { ...state.payout.holds, [stored.holdId]: { ...stored, releasedAt: change.at, releasedBy: 'x' } };
        state.payout = { ...state.payout, holds, openHoldCount };
        return { kind: 'released', openHoldCount };
      },
    },
    enqueue: async (m) => void state.enqueued.push(m.payoutId),
    recipients: {
      get: async (tenantId, id) =>
        recipient?.tenantId === tenantId && recipient.recipientId === id ? recipient : undefined,
    },
    queue: {
      listOpenHolds: async () => ({
        entries: Object.values(state.payout.holds ?? {}).map((hold) => ({ hold, payout: state.payout })),
      }),
    },
    audit: { append: async (entry) => (state.audit.push(entry), { ...entry, seq: 1 }) as never },
    enabledCorridors: (tenantId) => (tenantId === 'acme' ? enabled : []),
    nowIso: () => AT,
  };
  return { state, deps };
}

type Caller = 'tenant_backend' | 'ops' | 'compliance' | 'finance';
const SCOPES: Record<Caller, string> = {
  tenant_backend: 'payouts:write payouts:read',
  ops: 'ops:read ops:redrive exceptions:read exceptions:write',
  compliance: 'compliance:review exceptions:read exceptions:write audit:read',
  finance: 'exceptions:read exceptions:write exports:read',
};

function event(caller: Caller, name: HoldRouteName, holdId: string, body: unknown = { reason: 'requirement met' }) {
  const r = route(name);
  const tenant = caller === 'tenant_backend';
  const claims: Record<string, string> = {
    sub: `${caller}-1`,
    client_id: `${caller}-client`,
    principal_type: tenant ? 'tenant' : 'operator',
    principal_role: tenant ? 'backend' : caller,
    scope: SCOPES[caller]
      .split(' ')
      .map((s) => `payout-platform/${s}`)
      .join(' '),
    ...(tenant ? { tenant_id: 'acme' } : {}),
  };
  return {
    routeKey: `${r.method} ${r.path}`,
    headers: { 'content-type': 'application/json' },
    pathParameters: name === 'queue' ? undefined : { payoutId: PAYOUT_ID, holdId },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: { jwt: { claims } } },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function answer(deps: HoldsApiDeps, ev: APIGatewayProxyEventV2WithJWTAuthorizer, name: HoldRouteName) {
  try {
    const result = await holdsApi(deps, route(name), ev, 'req-1');
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code };
    throw error;
  }
}

const routeOf = (caller: Caller): HoldRouteName => (caller === 'tenant_backend' ? 'release' : 'ops_release');

describe('releasing a hold: kind × caller (the requirement met)', () => {
  it.each([
    // The tenant's own holds, by its backend; never a compliance- or ops-owned one.
    ['tax_form', 'tenant_backend', 200, undefined],
    ['onboarding_tenant', 'tenant_backend', 200, undefined],
    ['onboarding_compliance', 'tenant_backend', 403, 'hold_owner_scope_required'],
    ['screening', 'tenant_backend', 403, 'hold_owner_scope_required'],
    ['corridor', 'tenant_backend', 403, 'hold_owner_scope_required'],
    // Compliance releases its onboarding review; a screening hold is its case's to decide.
    ['onboarding_compliance', 'compliance', 200, undefined],
    ['screening', 'compliance', 409, 'screening_hold_released_by_decision'],
    ['corridor', 'compliance', 403, 'hold_owner_scope_required'],
    ['tax_form', 'compliance', 403, 'hold_owner_scope_required'],
    // Ops enable corridors, and nothing else.
    ['corridor', 'ops', 200, undefined],
    ['onboarding_compliance', 'ops', 403, 'hold_owner_scope_required'],
    ['screening', 'ops', 403, 'hold_owner_scope_required'],
    ['tax_form', 'ops', 403, 'hold_owner_scope_required'],
    // Finance reaches the ops route (exceptions:write) and owns no hold.
    ['corridor', 'finance', 403, 'hold_owner_scope_required'],
    ['onboarding_compliance', 'finance', 403, 'hold_owner_scope_required'],
  ] as const)('%s by %s → %i %s', async (kind, caller, status, code) => {
    const hold = HOLDS[kind]!;
    const { state, deps } = world(payoutWith(hold));
    const got = await answer(deps, event(caller, routeOf(caller), hold.holdId), routeOf(caller));
    expect(got.status).toBe(status);
    if (code !== undefined) {
      expect(got.code).toBe(code);
      expect(state.released).toEqual([]);
      expect(state.enqueued).toEqual([]);
    } else {
      expect(got.body).toMatchObject({ outcome: 'released', submitted: true, open_hold_count: 0 });
      expect(state.released.map((c) => c.reason)).toEqual(['requirement met']);
      expect(state.enqueued).toEqual([PAYOUT_ID]);
    }
  });

  it('the approval hold is released by approve only (409), whoever asks', async () => {
    const payout = payoutWith(undefined, {
      status: 'requires_approval',
      approval: { thresholdMinor: 1, expiresAt: AT },
    });
    for (const caller of ['tenant_backend', 'ops'] as const) {
      const { deps } = world(payout);
      expect(await answer(deps, event(caller, routeOf(caller), 'approval'), routeOf(caller))).toMatchObject({
        status: 409,
        code: 'approval_hold_released_by_approve',
      });
    }
  });
});

describe('the requirement is read again before a tax form, onboarding or corridor enablement hold is released', () => {
  it.each([
    ['tax_form', { ...met, taxForm: { state: 'missing' as const } }],
    ['tax_form', { ...met, taxForm: { state: 'expired' as const, expiresOn: '2026-01-01' } }],
    ['tax_form', null],
    ['onboarding_tenant', { ...met, onboarding: { state: 'pending_information' as const, requirements: [] } }],
  ] as const)('%s with the recipient %o → 422 hold_requirement_unmet, nothing written', async (kind, recipient) => {
    const { state, deps } = world(payoutWith(HOLDS[kind]!), recipient as RecipientCompliance | null);
    const got = await answer(deps, event('tenant_backend', 'release', HOLDS[kind]!.holdId), 'release');
    expect(got).toEqual({ status: 422, code: 'hold_requirement_unmet' });
    expect(state.released).toEqual([]);
  });

  it.each([[[]], [['IN/INR/imps']]] as const)(
    'a corridor enablement hold while the tenant is enabled for %j only → 422 hold_requirement_unmet, nothing written',
    async (enabled) => {
      const { state, deps } = world(payoutWith(HOLDS['corridor']!), met, enabled);
      const got = await answer(deps, event('ops', 'ops_release', HOLDS['corridor']!.holdId), 'ops_release');
      expect(got).toEqual({ status: 422, code: 'hold_requirement_unmet' });
      expect(state.released).toEqual([]);
      expect(state.enqueued).toEqual([]);
    },
  );

  it('a second release answers already_released without a re-check', async () => {
    const released = { ...HOLDS['tax_form']!, releasedAt: AT, releasedBy: 'client:b' };
    const { deps } = world(payoutWith(released, { openHoldCount: 0 }), null);
    const got = await answer(deps, event('tenant_backend', 'release', 'tax_form'), 'release');
    expect(got).toMatchObject({ status: 200, body: { outcome: 'already_released' } });
  });
});

describe('bad input: refused, nothing written', () => {
  it.each([
    [
      'another tenant’s payout',
      payoutWith(HOLDS['tax_form'], { tenantId: 'globex' }),
      'tax_form',
      { reason: 'x' },
      404,
      'resource_not_found',
    ],
    ['no such hold', payoutWith(HOLDS['tax_form']), 'onboarding', { reason: 'x' }, 404, 'hold_not_found'],
    ['a hold id that is no id', payoutWith(HOLDS['tax_form']), '../etc', { reason: 'x' }, 404, 'resource_not_found'],
    ['no reason', payoutWith(HOLDS['tax_form']), 'tax_form', {}, 400, 'field_missing'],
    ['an unknown field', payoutWith(HOLDS['tax_form']), 'tax_form', { reason: 'x', force: true }, 400, 'field_unknown'],
    ['a blank reason', payoutWith(HOLDS['tax_form']), 'tax_form', { reason: '   ' }, 400, 'reason_invalid'],
  ] as const)('%s → %i %s', async (_name, payout, holdId, body, status, code) => {
    const { state, deps } = world(payout);
    expect(await answer(deps, event('tenant_backend', 'release', holdId, body), 'release')).toEqual({ status, code });
    expect(state.released).toEqual([]);
  });

  it('an operator token on the tenant route, and a tenant token on the ops route, are refused', async () => {
    const { state, deps } = world(payoutWith(HOLDS['corridor']));
    expect((await answer(deps, event('ops', 'release', 'corridor_enablement'), 'release')).status).toBe(403);
    expect(
      (await answer(deps, event('tenant_backend', 'ops_release', 'corridor_enablement'), 'ops_release')).status,
    ).toBe(403);
    expect(state.released).toEqual([]);
  });
});

describe('GET /ops/holds', () => {
  it('answers the owner’s page and audits the read as holds.read', async () => {
    const { state, deps } = world(payoutWith(HOLDS['corridor']));
    const ev = { ...event('finance', 'queue', ''), queryStringParameters: { owner: 'ops' } };
    const got = await answer(deps, ev as never, 'queue');
    expect(got).toMatchObject({
      status: 200,
      body: {
        owner: 'ops',
        next_cursor: null,
        data: [
          {
            payout_id: PAYOUT_ID,
            tenant_id: 'acme',
            hold: { kind: 'corridor_enablement', sla_due_at: '2026-12-04T10:00:00.000Z' },
          },
        ],
      },
    });
    expect(state.audit).toMatchObject([
      { action: 'holds.read', subject: { type: 'holds_queue', id: 'ops' }, outcome: 'read' },
    ]);
  });

  it.each([[{}], [{ owner: 'nobody' }], [{ owner: 'ops', limit: '0' }], [{ owner: 'ops', extra: '1' }]])(
    'refuses the query %o (400), nothing audited',
    async (query) => {
      const { state, deps } = world(payoutWith(HOLDS['corridor']));
      const ev = { ...event('ops', 'queue', ''), queryStringParameters: query };
      expect((await answer(deps, ev as never, 'queue')).status).toBe(400);
      expect(state.audit).toEqual([]);
    },
  );
});
