import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { BatchExceptionGroups } from '../../../functions/adapters/batch-exception-groups';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { exceptionsApi } from '../../../functions/app/ops/exceptions-api';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX, openBatchGroup } from '../../../functions/domain/batches/batch-exceptions';
import { ApiError } from '../../../functions/http/api-error';
import { errorResponse } from '../../../functions/http/response';
import { scanAll } from '../payouts/helpers';
import { item, postBatch, startBatchesHarness, type BatchesHarness } from './harness';

// Grouped batch exceptions (docs/batches.md, "Exceptions"): failed items open one exception per
// (batch, failure source) with a count and the item list, through the real handlers on DynamoDB Local.

let h: BatchesHarness;
let groups: BatchExceptionGroups;
let exceptions: ExceptionsRepository;

beforeAll(async () => {
  h = await startBatchesHarness();
  const client = h.emulators.clients.documentClient;
  const table = process.env['OPERATIONS_TABLE']!;
  exceptions = new ExceptionsRepository(client, table, { audit: new AuditTrail(client, process.env['AUDIT_TABLE']!) });
  groups = new BatchExceptionGroups(client, table, exceptions);
});
afterAll(async () => h?.emulators.stop());

const BAD_IBAN = { country: 'DE', method: 'sepa', iban: 'DE89370400440532013001' }; // mod-97 fails
const REJECTED_ONBOARDING_IBAN = { country: 'IT', method: 'sepa', iban: 'IT60X0542811101000000123456' };

/**
 * Makes the record behind an inline IT recipient as the fan-out would (the stack's own gates wiring), then moves its
 * onboarding to `rejected` as compliance's decision does.
 */
async function rejectOnboarding(name: string) {
  const { complianceGatesFromEnv } = await import('../../../functions/wiring/payout-gates');
  const { recipientsRepository } = await import('../../../functions/wiring/recipients');
  const { corridorMatrix } = await import('../../../functions/adapters/corridors-config');
  const { payableCorridor, validateDestination } = await import('../../../functions/domain/corridors');
  const { country, method, ...fields } = REJECTED_ONBOARDING_IBAN;
  const corridor = payableCorridor(corridorMatrix(), country, 'EUR', method);
  const destination = validateDestination(corridor, country, method, fields);
  const now = new Date().toISOString();
  const made = await complianceGatesFromEnv().recipients.inline('acme', { name, destination, currency: 'EUR' }, now);
  const repository = recipientsRepository();
  const record = (await repository.get('acme', made.recipientId))!;
  await repository.setOnboarding('acme', made.recipientId, record.version, {
    onboarding: { state: 'rejected', requirements: [] },
    at: now,
  });
}

/** GET /exceptions as the ops console calls it (exceptions:read), answered like the handler would. */
async function listExceptions(query: Record<string, string>) {
  const event = {
    version: '2.0',
    rawPath: '/exceptions',
    queryStringParameters: query,
    headers: {},
    requestContext: {
      requestId: 'req-test',
      http: { method: 'GET', path: '/exceptions' },
      authorizer: {
        jwt: {
          claims: {
            sub: 'operator-1',
            client_id: 'ops-cli',
            principal_type: 'operator',
            principal_role: 'ops',
            scope: 'payout-platform/exceptions:read',
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const answer = await exceptionsApi(
    { exceptions, groups, corrections: { get: async () => undefined }, nowMs: Date.now },
    event,
  ).catch((error: unknown) => {
    if (error instanceof ApiError) return errorResponse(error, 'req-test');
    throw error;
  });
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body as string) };
}

const operatorRetry = (batchId: string) =>
  h.api({
    method: 'POST',
    path: `/batches/${batchId}/retry`,
    routePath: '/batches/{batchId}/retry',
    role: 'batch-operator',
    scopes: ['batches:retry', 'payouts:read'],
  });

async function approve(batchId: string) {
  const response = await h.api({
    method: 'POST',
    path: `/batches/${batchId}/approve`,
    routePath: '/batches/{batchId}/approve',
    role: 'approver',
    scopes: ['payouts:approve', 'payouts:read'],
    clientId: 'client-approver',
  });
  expect(response.statusCode).toBe(200);
}

describe('grouped batch exceptions', () => {
  it('150 failed items of one source are ONE exception with a paged item list; redelivery counts nothing twice', async () => {
    const bad = Array.from({ length: 150 }, (_, i) =>
      item({ sender_item_id: `bad-${String(i).padStart(3, '0')}`, amount: 100, destination: BAD_IBAN }),
    );
    const accepted = await postBatch(h, { sender_batch_id: 'groups-1', items: [item(), ...bad] });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.body.approval).toBeNull(); // under the EUR threshold: fanned out at once
    const batchId = accepted.body.batch_id as string;
    const messages = await h.drain('batch');
    expect(await h.deliver(messages)).toEqual([]);
    // The same chunks again (an SQS redelivery): the members exist, the count stands.
    expect(await h.deliver(messages)).toEqual([]);
    await h.drain('submission');

    const listed = await listExceptions({ batch_id: batchId });
    expect(listed.statusCode).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    const [group] = listed.body.data;
    expect(group).toMatchObject({
      category: 'batch_items_failed_recipient',
      batch_id: batchId,
      failure_source: 'recipient',
      owner: 'tenant',
      state: 'open',
      item_count: 150,
      evidence: { batch_id: batchId, sender_batch_id: 'groups-1', tenant_id: 'acme', failure_source: 'recipient' },
    });
    expect(group.payout_id).toBeUndefined();
    expect(group.items).toHaveLength(BATCH_EXCEPTION_ITEMS_PAGE_MAX);
    expect(group.items[0]).toMatchObject({ sender_item_id: 'bad-000', code: 'iban_invalid', category: 'terminal' });
    const rest = await groups.items(group.exception_id, { cursor: group.items_next_cursor });
    expect(rest.items.map((m) => m.senderItemId)).toEqual(bad.slice(100).map((b) => b['sender_item_id']));
    expect(rest.nextCursor).toBeUndefined();

    // No per-payout exception row, no payout link: the group is where the failures are.
    const operations = await scanAll(h.emulators.clients.documentClient, process.env['OPERATIONS_TABLE']!);
    const exceptionRows = operations.filter((r) => String(r['pk']).startsWith('EXC#'));
    expect(exceptionRows.filter((r) => r['payoutId'] !== undefined)).toEqual([]);
    expect(operations.filter((r) => String(r['pk']).startsWith('EXC_PAYOUT#'))).toEqual([]);

    // The tenant's own view of the batch carries the summary.
    const batch = await h.api({ method: 'GET', path: `/batches/${batchId}`, routePath: '/batches/{batchId}' });
    expect(batch.body.exceptions).toEqual([
      {
        exception_id: group.exception_id,
        failure_source: 'recipient',
        owner: 'tenant',
        state: 'open',
        item_count: 150,
      },
    ]);
  });

  it('groups per failure source; a retry moves items out and resolves the emptied group; failing again reopens it', async () => {
    // Two recipients whose onboarding compliance rejected: their items wait on compliance (a reopen), so they
    // are rejected human_action_required into the compliance group, and a retry moves them (issue 15's gates).
    const gated = [0, 1].map((i) =>
      item({
        sender_item_id: `gated-${i}`,
        destination: REJECTED_ONBOARDING_IBAN,
        recipient: { name: `Rejected Onboarding ${i}` },
      }),
    );
    for (const i of [0, 1]) await rejectOnboarding(`Rejected Onboarding ${i}`);
    const disabled = item({ currency: 'JPY', amount: 5_000, destination: { country: 'JP', method: 'zengin' } });
    const { body } = await postBatch(h, { sender_batch_id: 'groups-2', items: [item(), ...gated, disabled] });
    await approve(body.batch_id);
    await h.deliver(await h.drain('batch'));
    await h.drain('submission');
    const bySource = async () =>
      Object.fromEntries(
        (await listExceptions({ batch_id: body.batch_id })).body.data.map((e: any) => [
          e.failure_source,
          {
            owner: e.owner,
            state: e.state,
            item_count: e.item_count,
            items: e.items.map((m: any) => m.sender_item_id),
          },
        ]),
      );
    expect(await bySource()).toEqual({
      compliance: { owner: 'compliance', state: 'open', item_count: 2, items: ['gated-0', 'gated-1'] },
      platform: { owner: 'ops', state: 'open', item_count: 1, items: [disabled['sender_item_id']] },
    });
    // The other filters still apply within a batch.
    const owned = await listExceptions({ batch_id: body.batch_id, owner: 'ops' });
    expect(owned.body.data.map((e: any) => e.failure_source)).toEqual(['platform']);

    // The retry moves the two rejected-onboarding items (human_action_required); the terminal one stays.
    expect((await operatorRetry(body.batch_id)).body).toEqual({ batch_id: body.batch_id, moved: 2 });
    expect(await bySource()).toEqual({
      compliance: { owner: 'compliance', state: 'resolved', item_count: 0, items: [] },
      platform: { owner: 'ops', state: 'open', item_count: 1, items: [disabled['sender_item_id']] },
    });
    const resolvedBy = (await listExceptions({ batch_id: body.batch_id, state: 'resolved' })).body.data[0];
    expect(resolvedBy.resolution).toMatchObject({ by: 'batch-retry' });

    // Compliance has not reopened them: the fan-out rejects them again and the group reopens with them.
    await h.deliver(await h.drain('batch'));
    expect(await bySource()).toEqual({
      compliance: { owner: 'compliance', state: 'open', item_count: 2, items: ['gated-0', 'gated-1'] },
      platform: { owner: 'ops', state: 'open', item_count: 1, items: [disabled['sender_item_id']] },
    });
    const history = await exceptions.history(resolvedBy.exception_id);
    expect(history.map((r) => r.action)).toEqual(['exception.opened', 'exception.resolved', 'exception.reopened']);
  });

  it('parallel writers: 30 items failing at once, each delivered twice, count exactly 30 (DynamoDB Local)', async () => {
    const at = '2026-12-01T03:00:00.000Z';
    const opening = openBatchGroup(
      { batchId: 'bat_01JZZZZZZZZZZZZZZZZZZZZZZZ', senderBatchId: 'parallel', tenantId: 'acme', source: 'provider' },
      at,
    );
    const member = (i: number) => ({
      senderItemId: `p-${String(i).padStart(2, '0')}`,
      payoutId: `po_${i}`,
      code: 'declined',
      category: 'terminal' as const,
      message: 'declined by the provider',
      at,
    });
    const writes = Array.from({ length: 30 }, (_, i) => i).flatMap((i) => [member(i), member(i)]);
    const outcomes = await Promise.all(writes.map((m) => groups.addItem(opening, m)));
    expect(outcomes.filter((o) => o === 'added')).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'already_counted')).toHaveLength(30);
    const listed = await listExceptions({ batch_id: 'bat_01JZZZZZZZZZZZZZZZZZZZZZZZ' });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ item_count: 30, owner: 'provider', failure_source: 'provider' });
    expect(listed.body.data[0].items).toHaveLength(30);

    // Removals race additions of other items: the count is still exact.
    const raced = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        groups.removeItem(listed.body.data[0].exception_id, member(i).senderItemId, at),
      ),
      ...Array.from({ length: 10 }, (_, i) => groups.addItem(opening, member(30 + i))),
    ]);
    expect(raced).toEqual([...Array(10).fill(true), ...Array(10).fill('added')]);
    const after = await exceptions.get(listed.body.data[0].exception_id);
    expect(after?.itemCount).toBe(30);
  });

  it.each([
    [{ batch_id: 'bat_nope' }, 'invalid_batch_id', 'batch_id'],
    [{ batch_id: 'bat_01JZZZZZZZZZZZZZZZZZZZZZZZ', cursor: 'abc' }, 'invalid_cursor', 'cursor'],
  ])('GET /exceptions %j → 400 %s', async (query, code, param) => {
    const answer = await listExceptions(query);
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error).toMatchObject({ code, param, category: 'terminal' });
  });
});
