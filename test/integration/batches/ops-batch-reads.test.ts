import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../../../functions/domain/batches/batch-exceptions';
import { encodeCursor } from '../../../functions/adapters/cursor';
import { apiEvent, lambdaContext, scanAll } from '../payouts/helpers';
import { item, postBatch, startBatchesHarness, type BatchesHarness } from './harness';

// The operator's view of a batch (issue 13, the console's batch page): GET /ops/batches… (ops:read,
// cross-tenant, audited) and GET /exceptions/{id}/items (a group's members past the first page),
// through the real batches-api and ops-exceptions handlers on DynamoDB Local.

let h: BatchesHarness;
let batchesApi: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let opsExceptions: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let batchId: string;
let groupId: string;

const BAD_IBAN = { country: 'DE', method: 'sepa', iban: 'DE89370400440532013001' }; // mod-97 fails
const FAILED_ITEMS = BATCH_EXCEPTION_ITEMS_PAGE_MAX + 5;
const OPS = { operator: 'ops', scopes: ['ops:read', 'exceptions:read'] };

interface Call {
  path: string;
  routePath: string;
  query?: Record<string, string>;
  operator?: string;
  scopes?: string[];
  tenant?: string;
}

async function call(handler: typeof batchesApi, c: Call) {
  const event = apiEvent({
    method: 'GET',
    path: c.path,
    scopes: c.scopes ?? OPS.scopes,
    ...(c.operator === undefined ? { tenant: c.tenant ?? 'acme' } : { operator: c.operator }),
    ...(c.query === undefined ? {} : { query: c.query }),
  });
  event.routeKey = `GET ${c.routePath}`;
  const [, , , id] = c.path.split('/');
  if (c.routePath.includes('{batchId}')) event.pathParameters = { batchId: id };
  if (c.routePath.includes('{exceptionId}')) event.pathParameters = { exceptionId: c.path.split('/')[2] };
  const answer = await handler(event, lambdaContext);
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) };
}
const ops = (c: Omit<Call, 'operator'>) => call(batchesApi, { operator: 'ops', ...c });
const groupItems = (exceptionId: string, query?: Record<string, string>, who: Partial<Call> = { operator: 'ops' }) =>
  call(opsExceptions, {
    path: `/exceptions/${exceptionId}/items`,
    routePath: '/exceptions/{exceptionId}/items',
    ...(query === undefined ? {} : { query }),
    ...who,
  });
const auditOf = async (action: string) =>
  (await scanAll(h.emulators.clients.documentClient, process.env['AUDIT_TABLE']!)).filter(
    (r) => r['action'] === action,
  );

beforeAll(async () => {
  h = await startBatchesHarness();
  batchesApi = ((await import('../../../functions/handlers/batches-api')) as any).handler;
  opsExceptions = ((await import('../../../functions/handlers/ops-exceptions')) as any).handler;
  const bad = Array.from({ length: FAILED_ITEMS }, (_, i) =>
    item({ sender_item_id: `bad-${String(i).padStart(3, '0')}`, amount: 100, destination: BAD_IBAN }),
  );
  const accepted = await postBatch(h, { sender_batch_id: 'ops-reads-1', items: [item(), item(), ...bad] });
  expect(accepted.statusCode).toBe(202);
  batchId = accepted.body.batch_id;
  // The fan-out writes the items after the 202: deliver its chunks, then read.
  expect(await h.deliver(await h.drain('batch'))).toEqual([]);
  await h.drain('submission');
}, 120_000);
afterAll(async () => h?.emulators.stop());

describe('GET /ops/batches/{batchId}: any tenant’s batch, for ops:read, audited', () => {
  it('answers the counts, totals, groups and the tenant; records one batch.read first', async () => {
    const before = (await auditOf('batch.read')).length;
    const got = await ops({ path: `/ops/batches/${batchId}`, routePath: '/ops/batches/{batchId}' });
    expect(got.statusCode, JSON.stringify(got.body)).toBe(200);
    expect(got.body).toMatchObject({
      batch_id: batchId,
      tenant_id: 'acme',
      sender_batch_id: 'ops-reads-1',
      item_count: FAILED_ITEMS + 2,
      status: 'processing',
      totals: [{ currency: 'EUR', amount: 2 * 12_500 + FAILED_ITEMS * 100, item_count: FAILED_ITEMS + 2 }],
    });
    expect(got.body.counts.rejected).toBe(FAILED_ITEMS);
    expect(got.body.exceptions).toEqual([
      expect.objectContaining({
        failure_source: 'recipient',
        owner: 'tenant',
        state: 'open',
        item_count: FAILED_ITEMS,
      }),
    ]);
    groupId = got.body.exceptions[0].exception_id;
    const reads = await auditOf('batch.read');
    expect(reads).toHaveLength(before + 1);
    expect(reads.at(-1)).toMatchObject({ outcome: 'read', tenant_id: 'acme' });
  });

  it.each([
    ['a tenant token (backend)', { tenant: 'acme', scopes: ['payouts:read'] }, 403],
    ['an operator without ops:read (finance)', { operator: 'finance', scopes: ['exceptions:read'] }, 403],
  ])('refuses %s', async (_what, who, status) => {
    const got = await call(batchesApi, {
      path: `/ops/batches/${batchId}`,
      routePath: '/ops/batches/{batchId}',
      ...who,
    });
    expect(got.statusCode).toBe(status);
    expect(got.body.error.category).toBe('terminal');
  });

  it('an ops token on the tenant route is still refused (an operator holds no payouts:read)', async () => {
    const got = await call(batchesApi, { path: `/batches/${batchId}`, routePath: '/batches/{batchId}', ...OPS });
    expect(got.statusCode).toBe(403);
  });

  it('a batch that does not exist → 404, and the miss is audited', async () => {
    const missing = 'bat_01JZZZZZZZZZZZZZZZZZZZZZZZ';
    const got = await ops({ path: `/ops/batches/${missing}`, routePath: '/ops/batches/{batchId}' });
    expect(got.statusCode).toBe(404);
    expect((await auditOf('batch.read')).filter((r) => r['outcome'] === 'not_found').length).toBeGreaterThan(0);
  });
});

describe('GET /ops/batches?tenant_id=&sender_batch_id=', () => {
  it.each([
    ['the owning tenant', 'acme', 1],
    ['another tenant (its own namespace of ids)', 'globex', 0],
  ])('%s → %i batch(es)', async (_what, tenant, found) => {
    const got = await ops({
      path: '/ops/batches',
      routePath: '/ops/batches',
      query: { tenant_id: tenant, sender_batch_id: 'ops-reads-1' },
    });
    expect(got.statusCode).toBe(200);
    expect(got.body.data).toHaveLength(found);
    if (found === 1) expect(got.body.data[0]).toMatchObject({ batch_id: batchId, tenant_id: 'acme' });
  });

  it.each([
    [{ sender_batch_id: 'ops-reads-1' }, 'tenant_id'],
    [{ tenant_id: 'NOT A TENANT', sender_batch_id: 'ops-reads-1' }, 'tenant_id'],
    [{ tenant_id: 'acme', sender_batch_id: 'ops-reads-1', status: 'paid' }, 'status'],
  ])('bad query %j → 400 naming %s', async (query, param) => {
    const got = await ops({ path: '/ops/batches', routePath: '/ops/batches', query });
    expect(got.statusCode).toBe(400);
    expect(got.body.error.param).toBe(param);
  });
});

describe('GET /ops/batches/{batchId}/items', () => {
  it('pages the rejected items by cursor; a tampered cursor is 400, not 500', async () => {
    const route = { path: `/ops/batches/${batchId}/items`, routePath: '/ops/batches/{batchId}/items' };
    const first = await ops({ ...route, query: { status: 'rejected', limit: '100' } });
    expect(first.statusCode).toBe(200);
    expect(first.body.tenant_id).toBe('acme');
    expect(first.body.data).toHaveLength(100);
    expect(first.body.data[0]).toMatchObject({ status: 'rejected', error: { code: 'iban_invalid' } });
    expect(first.body.data[0].destination).toBeUndefined(); // like the tenant route: no destination at all
    const rest = await ops({ ...route, query: { status: 'rejected', limit: '100', cursor: first.body.next_cursor } });
    expect(rest.body.data).toHaveLength(FAILED_ITEMS - 100);
    expect(rest.body.next_cursor).toBeNull();
    const tampered = await ops({ ...route, query: { cursor: Buffer.from('{"c":99,"a":""}').toString('base64url') } });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body.error.code).toBe('cursor_invalid');
  });
});

describe('GET /exceptions/{exceptionId}/items: a group past its first page', () => {
  it(`pages ${FAILED_ITEMS} members: ${BATCH_EXCEPTION_ITEMS_PAGE_MAX}, then the rest, then no cursor`, async () => {
    const first = await groupItems(groupId);
    expect(first.statusCode, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ exception_id: groupId, batch_id: batchId, item_count: FAILED_ITEMS });
    expect(first.body.data).toHaveLength(BATCH_EXCEPTION_ITEMS_PAGE_MAX);
    expect(first.body.data[0]).toMatchObject({ sender_item_id: 'bad-000', code: 'iban_invalid', category: 'terminal' });
    const rest = await groupItems(groupId, { cursor: first.body.next_cursor });
    expect(rest.statusCode).toBe(200);
    expect(rest.body.data.map((m: any) => m.sender_item_id)).toEqual(
      Array.from({ length: 5 }, (_, i) => `bad-${String(BATCH_EXCEPTION_ITEMS_PAGE_MAX + i).padStart(3, '0')}`),
    );
    expect(rest.body.next_cursor).toBeNull();
  });

  it.each([
    ['not base64url', '!!!'],
    ['base64url of no JSON', Buffer.from('not json').toString('base64url')],
    ['another group’s key', encodeCursor({ pk: `EXC_ITEM#exc_${'0'.repeat(32)}`, sk: 'ITEM#bad-001' })],
    ['an extra attribute', encodeCursor({ pk: `EXC_ITEM#${'x'}`, sk: 'ITEM#a', gsi: 'x' })],
  ])('a tampered cursor (%s) → 400 invalid_cursor', async (_what, cursor) => {
    const got = await groupItems(groupId, { cursor });
    expect(got.statusCode).toBe(400);
    expect(got.body.error).toMatchObject({ code: 'invalid_cursor', param: 'cursor', category: 'terminal' });
  });

  it('a cursor of this group itself still works after the refusals (nothing was changed)', async () => {
    const own = encodeCursor({ pk: `EXC_ITEM#${groupId}`, sk: 'ITEM#bad-103' });
    const got = await groupItems(groupId, { cursor: own });
    expect(got.body.data.map((m: any) => m.sender_item_id)).toEqual(['bad-104']);
  });

  it.each([
    ['an exception id that exists nowhere', `exc_${'f'.repeat(32)}`, { operator: 'ops' }, 404],
    ['a value outside the id shape', 'exc_NOPE', { operator: 'ops' }, 404],
    ['a limit over the page maximum', 'GROUP', { operator: 'ops', query: { limit: '101' } }, 400],
    ['a tenant token', 'GROUP', { tenant: 'acme', scopes: ['payouts:read'] }, 403],
  ])('%s → %i', async (_what, id, who, status) => {
    const { query, ...rest } = who as Partial<Call>;
    const got = await groupItems(id === 'GROUP' ? groupId : id, query, rest);
    expect(got.statusCode).toBe(status);
  });
});
