// Batch items through the single payout's gates (issue 15, docs/batches.md "Gates"): the batches-api and
// process-batch handlers in process on DynamoDB Local + fauxqs, and compliance's decisions through the
// screening-api router with the stack's own wiring. A batch item to a potential SDN match is held before
// submission with a compliance-owned case; a second operator's clear releases it and queues it; a confirmed
// match blocks the recipient's later items for good; a rejected onboarding rejects the item, retryable once
// compliance reopens it.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { screeningApi } from '../../../functions/app/compliance/screening-api';
import { ApiError } from '../../../functions/http/api-error';
import { errorResponse } from '../../../functions/http/response';
import { scanAll } from '../payouts/helpers';
import { item, postBatch, startBatchesHarness, type BatchesHarness } from './harness';

let h: BatchesHarness;
beforeAll(async () => {
  h = await startBatchesHarness();
});
afterAll(async () => h?.emulators.stop());

/** A compliance operator's decision on a case, through the screening-api router as the console calls it. */
async function decide(kind: 'clear' | 'confirm', caseId: string, operator: string) {
  const { screeningDepsFromEnv } = await import('../../../functions/wiring/screening');
  const { dynamoDocumentClient } = await import('../../../functions/adapters/aws-clients');
  const deps = {
    ...screeningDepsFromEnv(),
    audit: new AuditTrail(dynamoDocumentClient(), process.env['AUDIT_TABLE']!),
  };
  const route = `/ops/screening/{caseId}/${kind}`;
  const path = route.replace('{caseId}', caseId);
  const event = {
    version: '2.0',
    routeKey: `POST ${route}`,
    rawPath: path,
    pathParameters: { caseId },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'passport and date of birth checked against the entry' }),
    requestContext: {
      requestId: 'req-test',
      http: { method: 'POST', path },
      authorizer: {
        jwt: {
          claims: {
            sub: operator,
            username: operator,
            client_id: 'ops-console',
            principal_type: 'operator',
            principal_role: 'compliance',
            scope: 'payout-platform/compliance:review',
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const answer = await screeningApi(deps, event, 'req-test').catch((error: unknown) => {
    if (error instanceof ApiError) return errorResponse(error, 'req-test');
    throw error;
  });
  return { status: answer.statusCode, body: JSON.parse(answer.body as string) };
}

async function fannedOut(senderBatchId: string, items: Record<string, unknown>[]) {
  const accepted = await postBatch(h, { sender_batch_id: senderBatchId, items });
  expect(accepted.statusCode).toBe(202);
  expect(await h.deliver(await h.drain('batch'))).toEqual([]);
  return accepted.body.batch_id as string;
}
const payoutOf = async (batchId: string, senderItemId: unknown) =>
  (await h.entities('payout')).find(
    (p) => (p['batch'] as any)?.batchId === batchId && (p['batch'] as any).senderItemId === senderItemId,
  );
const itemsOf = async (batchId: string) =>
  (await h.api({ method: 'GET', path: `/batches/${batchId}/items`, routePath: '/batches/{batchId}/items' })).body
    .data as any[];
const queued = async () => (await h.drain('submission')).map((m) => JSON.parse(m.Body!).payoutId as string);

describe('batch items through the gates', () => {
  it('a potential SDN match is held with a compliance-owned case; a second operator clears it and it is queued', async () => {
    const clean = item();
    const hit = item({ recipient: { name: 'Ivan Petrovich Zarkov' } });
    const batchId = await fannedOut('gates-hit', [clean, hit]);
    const cleanPayout = (await payoutOf(batchId, clean['sender_item_id']))!;
    const held = (await payoutOf(batchId, hit['sender_item_id']))!;
    // Only the clean item reaches the submitter; the hit waits before submission.
    expect(await queued()).toEqual([cleanPayout['payoutId']]);
    expect(held).toMatchObject({ status: 'submitted', openHoldCount: 1 });
    const [hold] = Object.values(held['holds'] as Record<string, any>);
    expect(hold).toMatchObject({
      kind: 'screening',
      owner: 'compliance',
      evidence: { screening_state: 'potential_match', case_id: expect.any(String), score: expect.any(Number) },
    });
    const caseId = hold.evidence.case_id as string;
    // The case's compliance-owned exception, with the list entry's evidence.
    const exceptions = (await scanAll(h.emulators.clients.documentClient, process.env['OPERATIONS_TABLE']!)).filter(
      (e) => e['category'] === 'screening_potential_match' && JSON.stringify(e).includes(caseId),
    );
    expect(exceptions.map((e) => [e['owner'], e['state']])).toEqual([['compliance', 'open']]);
    expect((await itemsOf(batchId)).find((i) => i.sender_item_id === hit['sender_item_id'])).toMatchObject({
      status: 'submitted',
      open_holds: [{ kind: 'screening', owner: 'compliance', requirement: `screening_case:${caseId}` }],
    });

    // A strong match takes two operators: the proposer's clear, then another's, which releases the hold.
    expect(await decide('clear', caseId, 'alice')).toMatchObject({ status: 200, body: { state: 'clear_proposed' } });
    expect(await queued()).toEqual([]);
    expect(await decide('clear', caseId, 'bob')).toMatchObject({ status: 200, body: { state: 'cleared' } });
    const released = (await payoutOf(batchId, hit['sender_item_id']))!;
    expect(released['openHoldCount'] ?? 0).toBe(0);
    expect(Object.values(released['holds'] as Record<string, any>)[0]).toMatchObject({ releasedBy: 'operator:bob' });
    expect(await queued()).toEqual([held['payoutId']]);
    expect((await itemsOf(batchId)).find((i) => i.sender_item_id === hit['sender_item_id'])).toMatchObject({
      status: 'submitted',
      open_holds: [],
    });
  });

  it("a confirmed match blocks for good: the recipient's next batch item is rejected (recipient_blocked), no payout", async () => {
    const first = item({ recipient: { name: 'Omar Hassan Al-Fictivi' } });
    const firstBatch = await fannedOut('gates-block-1', [first]);
    const held = (await payoutOf(firstBatch, first['sender_item_id']))!;
    const caseId = (Object.values(held['holds'] as Record<string, any>)[0] as any).evidence.case_id as string;
    expect(await decide('confirm', caseId, 'alice')).toMatchObject({ status: 200, body: { state: 'confirmed' } });
    expect(await queued()).toEqual([]);

    const again = item({ recipient: { name: 'Omar Hassan Al-Fictivi' } });
    const secondBatch = await fannedOut('gates-block-2', [again]);
    expect(await payoutOf(secondBatch, again['sender_item_id'])).toBeUndefined();
    expect(await queued()).toEqual([]);
    expect((await itemsOf(secondBatch))[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'recipient_blocked', category: 'terminal', param: 'recipient' },
    });
  });
});
