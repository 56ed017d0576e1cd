import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { VALID_BODY } from '../../unit/api/bad-inputs';
import { apiEvent, lambdaContext, ledgerSums } from './helpers';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
let emulators: StartedEmulators;
let create: Handler;
let query: Handler;
let balances: Handler;
let corridors: Handler;
let repo: PayoutsRepository;

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env, { PAYOUT_AMOUNT_MAX_MINOR: '100000000' });
  create = (await import('../../../functions/handlers/create-payout')).handler as never;
  query = (await import('../../../functions/handlers/query-payouts')).handler as never;
  balances = (await import('../../../functions/handlers/get-ledger-balances')).handler as never;
  corridors = (await import('../../../functions/handlers/get-corridors')).handler as never;
  const { PayoutsRepository } = await import('../../../functions/adapters/payouts-repository');
  const { dynamoDocumentClient } = await import('../../../functions/adapters/aws-clients');
  repo = new PayoutsRepository({
    client: dynamoDocumentClient(),
    payoutsTable: process.env['PAYOUTS_TABLE']!,
    ledgerTable: process.env['LEDGER_TABLE']!,
    auditTable: process.env['AUDIT_TABLE']!,
  });
});
afterAll(async () => emulators?.stop());
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, process.env['LEDGER_TABLE']!)))
    expect(sum).toBe(0);
});

const get = (
  handler: Handler,
  routeKey: string,
  options: {
    tenant?: string;
    operator?: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    scopes?: string[];
  } = {},
) =>
  handler(
    {
      ...apiEvent({
        method: 'GET',
        path: routeKey.split(' ')[1]!,
        ...options,
        scopes: options.scopes ?? ['payouts:read'],
      }),
      routeKey,
    },
    lambdaContext,
  );

async function createPayout(tenant: string, key: string, body: object = VALID_BODY) {
  const response = await create(
    apiEvent({
      body: JSON.stringify(body),
      tenant,
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    }),
    lambdaContext,
  );
  expect(response.statusCode).toBe(201);
  return JSON.parse(response.body);
}

describe('query-payouts, balances and corridors on DynamoDB Local', () => {
  it('GET /payouts/{id} shows the payout to its tenant and 404s for any other tenant', async () => {
    const payout = await createPayout('acme', 'q-1');
    const mine = await get(query, 'GET /payouts/{payoutId}', {
      tenant: 'acme',
      pathParameters: { payoutId: payout.payout_id },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['request-id']).toBeTruthy();
    const view = JSON.parse(mine.body);
    expect(view.status_copy).toMatchObject({ confirmation: expect.any(String), sentence: expect.any(String) });
    expect(Object.keys(view).sort()).toEqual(
      [
        'amount',
        // The four-eyes and reversal state (null when the payout needed neither), since the tenant actions.
        'approval',
        'reversal',
        'created_at',
        'currency',
        'description',
        'destination',
        'exception_owner',
        'fee',
        'idempotency_key',
        'last_event_at',
        'metadata',
        'payout_id',
        'provider',
        'provider_reference',
        // PayPal's transaction id (its TRR's key), once a webhook reports it; null otherwise (issue 14).
        'provider_transaction_id',
        'recipient',
        // The recipient record behind the payout (null on payouts made before records), since issue 15.
        'recipient_id',
        'reconciled_at',
        'request_ids',
        'status',
        'status_reason',
        // What the status means to a reader and who a failure waits on (issue 11 §3).
        'status_copy',
        'failure_source',
        // Every gate before funds move, open or released (issue 15, docs/compliance.md "Holds").
        'holds',
      ].sort(),
    );
    expect(view.request_ids).toHaveLength(1);
    const theirs = await get(query, 'GET /payouts/{payoutId}', {
      tenant: 'globex',
      pathParameters: { payoutId: payout.payout_id },
    });
    expect(theirs.statusCode).toBe(404);
    expect(JSON.parse(theirs.body).error).toMatchObject({
      type: 'not_found_error',
      request_id: theirs.headers['request-id'],
    });
    expect(
      (
        await get(query, 'GET /payouts/{payoutId}/events', {
          tenant: 'globex',
          pathParameters: { payoutId: payout.payout_id },
        })
      ).statusCode,
    ).toBe(404);
    expect((await get(query, 'GET /payouts', { tenant: 'globex', query: { idempotency_key: 'q-1' } })).body).toContain(
      '"data":[]',
    );
  });

  it('GET /payouts/{id}/events shows every transition with its source and reference', async () => {
    const payout = await createPayout('acme', 'q-events');
    const now = new Date().toISOString();
    await repo.applyTransition({
      payoutId: payout.payout_id,
      event: 'provider_accepted',
      source: 'submitter',
      sourceRef: 'sb-sub-1',
      occurredAt: now,
      recordedAt: now,
      actor: { kind: 'system', id: 'submit-payout' },
      providerReference: 'sb_ref_1',
    });
    const response = await get(query, 'GET /payouts/{payoutId}/events', {
      tenant: 'acme',
      pathParameters: { payoutId: payout.payout_id },
    });
    const timeline = JSON.parse(response.body);
    expect(timeline.data.map((e: any) => [e.event, e.outcome, e.source, e.to])).toEqual([
      ['created', 'applied', 'api', 'submitted'],
      ['provider_accepted', 'applied', 'submitter', 'accepted'],
    ]);
    expect(timeline.data[0].source_ref).toBe(payout.request_ids[0]);
    const shown = JSON.parse(
      (await get(query, 'GET /payouts/{payoutId}', { tenant: 'acme', pathParameters: { payoutId: payout.payout_id } }))
        .body,
    );
    expect(shown).toMatchObject({ status: 'accepted', provider_reference: 'sb_ref_1' });

    // The console looks payouts up by the provider's reference; another tenant finds nothing.
    const byReference = JSON.parse(
      (await get(query, 'GET /payouts', { tenant: 'acme', query: { provider_reference: 'sb_ref_1' } })).body,
    );
    expect(byReference.data.map((p: any) => p.payout_id)).toEqual([payout.payout_id]);
    const othersReference = JSON.parse(
      (await get(query, 'GET /payouts', { tenant: 'globex', query: { provider_reference: 'sb_ref_1' } })).body,
    );
    expect(othersReference.data).toEqual([]);
    const unknown = JSON.parse(
      (await get(query, 'GET /payouts', { tenant: 'acme', query: { provider_reference: 'sb_ref_nope' } })).body,
    );
    expect(unknown.data).toEqual([]);
  });

  it('GET /payouts filters by status and key, pages with a cursor, and refuses bad parameters', async () => {
    for (let i = 0; i < 3; i++) await createPayout('pager', `page-${i}`);
    const first = JSON.parse((await get(query, 'GET /payouts', { tenant: 'pager', query: { limit: '2' } })).body);
    expect(first.data).toHaveLength(2);
    const second = JSON.parse(
      (await get(query, 'GET /payouts', { tenant: 'pager', query: { limit: '2', cursor: first.next_cursor } })).body,
    );
    expect(second.data).toHaveLength(1);
    expect(
      JSON.parse((await get(query, 'GET /payouts', { tenant: 'pager', query: { status: 'submitted' } })).body).data,
    ).toHaveLength(3);
    expect(
      JSON.parse((await get(query, 'GET /payouts', { tenant: 'pager', query: { idempotency_key: 'page-1' } })).body)
        .data,
    ).toHaveLength(1);
    expect(
      JSON.parse(
        (await get(query, 'GET /payouts', { tenant: 'pager', query: { created_from: '2999-01-01T00:00:00Z' } })).body,
      ).data,
    ).toHaveLength(0);
    for (const [params, code] of [
      [{ limit: '1000' }, 'limit_invalid'],
      [{ status: 'done' }, 'status_invalid'],
      [{ cursor: 'bm9wZQ' }, 'cursor_invalid'],
      [{ colour: 'red' }, 'parameter_unknown'],
    ] as const) {
      const response = await get(query, 'GET /payouts', { tenant: 'pager', query: params });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe(code);
    }
    const stolen = await get(query, 'GET /payouts', {
      tenant: 'acme',
      query: { limit: '2', cursor: first.next_cursor },
    });
    expect(stolen.statusCode).toBe(400);
  });

  it('GET /payouts refuses up front every query DynamoDB would refuse: 400, never a 500', async () => {
    for (let i = 0; i < 3; i++) await createPayout('ranges', `range-${i}`);
    const first = JSON.parse((await get(query, 'GET /payouts', { tenant: 'ranges', query: { limit: '1' } })).body);
    const real = JSON.parse(Buffer.from(first.next_cursor, 'base64url').toString('utf8')) as Record<string, string>;
    const cursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const cases: Array<[string, Record<string, string>, string, string]> = [
      [
        'a reversed range',
        { created_from: '2020-01-01T00:00:00Z', created_to: '2019-01-01T00:00:00Z' },
        'invalid_range',
        'created_from',
      ],
      // These three were a 500: the normalising overwrite ran on what the format check had refused (RangeError).
      ['created_from that is no instant', { created_from: 'fuzz not valid' }, 'created_from_invalid', 'created_from'],
      ['an empty created_to', { created_to: '' }, 'created_to_invalid', 'created_to'],
      ['a created_from without a time', { created_from: '2020-01-01' }, 'created_from_invalid', 'created_from'],
      ['limit 0', { limit: '0' }, 'limit_invalid', 'limit'],
      ['a huge limit', { limit: '99999999999999999999' }, 'limit_invalid', 'limit'],
      ['a limit in exponent form', { limit: '1e1' }, 'limit_invalid', 'limit'],
      ['a hex limit', { limit: '0x10' }, 'limit_invalid', 'limit'],
      ['an empty limit', { limit: '' }, 'limit_invalid', 'limit'],
      ['an empty idempotency key', { idempotency_key: '' }, 'idempotency_key_invalid', 'idempotency_key'],
      [
        'an idempotency key with a control character',
        { idempotency_key: 'k\u0007' },
        'idempotency_key_invalid',
        'idempotency_key',
      ],
      [
        'an over-long idempotency key',
        { idempotency_key: 'k'.repeat(256) },
        'idempotency_key_invalid',
        'idempotency_key',
      ],
      ['an empty provider reference', { provider_reference: '' }, 'provider_reference_invalid', 'provider_reference'],
      ['an empty cursor', { cursor: '' }, 'cursor_invalid', 'cursor'],
      ['a cursor with an empty sort key', { cursor: cursor({ ...real, gsi1sk: '' }) }, 'cursor_invalid', 'cursor'],
      [
        'a cursor past the sort key size limit',
        { cursor: cursor({ ...real, sk: 'x'.repeat(1_100) }) },
        'cursor_invalid',
        'cursor',
      ],
      [
        'a cursor outside the range it is used with',
        { cursor: first.next_cursor, created_to: '2000-01-01T00:00:00Z' },
        'cursor_invalid',
        'cursor',
      ],
      [
        'a cursor of the status index used without a status',
        {
          cursor: cursor({
            pk: real['pk'],
            sk: real['sk'],
            gsi2pk: 'TENANT#ranges#STATUS#submitted',
            gsi2sk: real['gsi1sk'],
          }),
        },
        'cursor_invalid',
        'cursor',
      ],
      ['a cursor with an extra attribute', { cursor: cursor({ ...real, amount: '1' }) }, 'cursor_invalid', 'cursor'],
      ['a cursor that is not base64url', { cursor: 'not base64!' }, 'cursor_invalid', 'cursor'],
      ['two unknown parameters, both named', { colour: 'red', created_after: 'x' }, 'parameter_unknown', 'colour'],
    ];
    for (const [name, params, code, param] of cases) {
      const response = await get(query, 'GET /payouts', { tenant: 'ranges', query: params });
      expect([name, response.statusCode]).toEqual([name, 400]);
      expect(JSON.parse(response.body).error).toMatchObject({ code, param, category: 'terminal' });
    }
    // One instant written two ways is not a reversed range (as strings, "…00.000Z" sorts before "…00Z").
    const sameInstant = await get(query, 'GET /payouts', {
      tenant: 'ranges',
      query: { created_from: '2020-01-01T00:00:00Z', created_to: '2020-01-01T00:00:00.000Z' },
    });
    expect(sameInstant.statusCode).toBe(200);
    // Bounds compare as instants: created_from at the newest payout's created_at, written without milliseconds' zeros, still finds it.
    const newest = first.data[0];
    const from = newest.created_at.replace(/\.(\d{3})Z$/, (_: string, ms: string) =>
      ms === '000' ? 'Z' : `.${ms.replace(/0+$/, '')}Z`,
    );
    const found = JSON.parse(
      (await get(query, 'GET /payouts', { tenant: 'ranges', query: { created_from: from } })).body,
    );
    expect(found.data.map((p: { payout_id: string }) => p.payout_id)).toContain(newest.payout_id);
    const paths: Array<[string, string]> = [
      ['GET /payouts/{payoutId}', newest.payout_id],
      ['GET /payouts/{payoutId}/events', newest.payout_id],
    ];
    for (const [routeKey, payoutId] of paths) {
      const response = await get(query, routeKey, {
        tenant: 'ranges',
        pathParameters: { payoutId },
        query: { expand: 'events' },
      });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error).toMatchObject({ code: 'parameter_unknown', param: 'expand' });
    }
    // A malformed id names no payout: 404 like an unknown one, without a read.
    expect(
      (
        await get(query, 'GET /payouts/{payoutId}', {
          tenant: 'ranges',
          pathParameters: { payoutId: 'po_' + 'x'.repeat(3_000) },
        })
      ).statusCode,
    ).toBe(404);
  });

  it("GET /ops/payouts… shows an operator any tenant's payout by id, key or reference, with its tenant", async () => {
    const payout = await createPayout('acme', 'q-ops');
    const now = new Date().toISOString();
    await repo.applyTransition({
      payoutId: payout.payout_id,
      event: 'provider_accepted',
      source: 'submitter',
      sourceRef: 'sb-sub-ops',
      occurredAt: now,
      recordedAt: now,
      actor: { kind: 'system', id: 'submit-payout' },
      providerReference: 'sb_ref_ops',
    });
    const operator = { operator: 'ops', scopes: ['ops:read'] };
    const lookups: Record<string, string>[] = [
      { payout_id: payout.payout_id },
      { idempotency_key: 'q-ops', tenant_id: 'acme' },
      { provider_reference: 'sb_ref_ops' },
    ];
    for (const lookup of lookups) {
      const found = await get(query, 'GET /ops/payouts', { ...operator, query: lookup });
      expect(found.statusCode, found.body).toBe(200);
      expect(JSON.parse(found.body).data).toEqual([
        expect.objectContaining({ payout_id: payout.payout_id, tenant_id: 'acme', status: 'accepted' }),
      ]);
    }
    expect(
      JSON.parse(
        (
          await get(query, 'GET /ops/payouts', {
            ...operator,
            query: { idempotency_key: 'q-ops', tenant_id: 'globex' },
          })
        ).body,
      ).data,
    ).toEqual([]);
    const events = await get(query, 'GET /ops/payouts/{payoutId}/events', {
      ...operator,
      pathParameters: { payoutId: payout.payout_id },
    });
    expect(JSON.parse(events.body)).toMatchObject({
      payout_id: payout.payout_id,
      tenant_id: 'acme',
      data: [{ event: 'created' }, { event: 'provider_accepted' }],
    });
    // A tenant token (payouts:read) is refused by the handler too, and the tenant routes stay tenant-scoped.
    expect(
      (await get(query, 'GET /ops/payouts', { tenant: 'acme', query: { payout_id: payout.payout_id } })).statusCode,
    ).toBe(403);
    expect(
      (await get(query, 'GET /payouts/{payoutId}', { tenant: 'ops', pathParameters: { payoutId: payout.payout_id } }))
        .statusCode,
    ).toBe(404);
  });

  it('GET /lifecycle publishes the table; GET /corridors the matrix', async () => {
    const lifecycle = JSON.parse((await get(query, 'GET /lifecycle')).body);
    expect(lifecycle.transitions).toContainEqual(
      expect.objectContaining({ from: 'paid', to: 'reversed', by_webhook: true }),
    );
    const matrix = JSON.parse((await get(corridors, 'GET /corridors')).body);
    expect(matrix.data.map((c: any) => c.state)).toEqual(
      expect.arrayContaining(['enabled', 'policy_gated', 'unsupported']),
    );
  });

  it('GET /ledger/balances sums to zero per currency and shows in_transit for created payouts', async () => {
    await createPayout('ledger-t', 'l-1', { ...VALID_BODY, amount: 700 });
    const response = await get(balances, 'GET /ledger/balances', {
      operator: 'finance',
      scopes: ['reconciliation:read'],
      query: { currency: 'EUR', tenant_id: 'ledger-t' },
    });
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.sum).toBe(0);
    expect(body.totals).toMatchObject({ available: -700, in_transit: 700 });
    const all = JSON.parse(
      (
        await get(balances, 'GET /ledger/balances', {
          operator: 'finance',
          scopes: ['reconciliation:read'],
          query: { currency: 'EUR' },
        })
      ).body,
    );
    expect(all.sum).toBe(0);
    expect(
      (
        await get(balances, 'GET /ledger/balances', {
          operator: 'finance',
          scopes: ['reconciliation:read'],
          query: { currency: 'eur' },
        })
      ).statusCode,
    ).toBe(400);
  });
});
