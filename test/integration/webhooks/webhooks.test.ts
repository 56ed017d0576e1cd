// The webhook pipeline on DynamoDB Local + fauxqs: intake → inbox → queue,
// duplicates, reordering, poison → DLQ → exception → redrive, replay, enqueue failure, signatures.
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import { exceptionIdFor, exceptionIdOf, openException } from '../../../functions/domain/exceptions';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout, scanAll } from '../payouts/helpers';
import { harness, MAX_RECEIVE_COUNT, sandboxEvent } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

async function newPayout(status: 'submitted' | 'accepted' | 'failed' = 'submitted') {
  const created = samplePayout({ status });
  await h.payouts.createPayout(created);
  return created.payout.payoutId;
}
const evt = () => `evt_it_${ulid()}`;

describe('intake', () => {
  it('verifies, stores in the inbox, enqueues once, answers 202; the processor applies it', async () => {
    const payoutId = await newPayout();
    const eventId = evt();
    const res = await h.deliverSandbox(eventId, sandboxEvent(payoutId, 'accepted'));
    expect(res.statusCode).toBe(202);
    expect(res.headers['request-id']).toBe(`req-${eventId}`);
    expect(await h.inbox.get('sandbox', eventId)).toMatchObject({ state: 'enqueued', eventType: 'payout.accepted' });
    expect(await h.depth(h.queueUrl)).toBe(1);
    expect(await h.drain()).toEqual(['applied']);
    expect((await h.payouts.getPayoutById(payoutId))?.status).toBe('accepted');
  });

  it('a duplicate delivered 5 times is answered 2xx each time, enqueued once, applied once', async () => {
    const payoutId = await newPayout();
    const eventId = evt();
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await h.deliverSandbox(eventId, sandboxEvent(payoutId, 'paid'))).statusCode);
    expect(statuses).toEqual([202, 200, 200, 200, 200]);
    expect(await h.depth(h.queueUrl)).toBe(1);
    expect(await h.drain()).toEqual(['applied']);
    const timeline = await h.payouts.listTimeline('acme', payoutId);
    expect(timeline?.filter((e) => e.event === 'provider_paid')).toHaveLength(1);
  });

  it('a reversed pair (paid before in_transit) ends paid; the late one is stale', async () => {
    const payoutId = await newPayout();
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'paid'));
    expect(await h.drain()).toEqual(['applied']);
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'in_transit'));
    expect(await h.drain()).toEqual(['stale']);
    expect((await h.payouts.getPayoutById(payoutId))?.status).toBe('paid');
  });

  it.each([
    ['tampered body', { tamper: (raw: string) => raw.replace('paid', 'fail') }, 'signature_mismatch'],
    [
      'wrong secret',
      { secret: 'whsec_' + Buffer.from('not-the-secret-at-all-0123456789').toString('base64') },
      'signature_mismatch',
    ],
    ['stale timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) - 301 }, 'timestamp_out_of_tolerance'],
  ])('%s → 401, counted, zero state change', async (_name, opts, reason) => {
    const payoutId = await newPayout();
    const inboxBefore = (await scanAll(emulators.clients.documentClient, emulators.env['INBOX_TABLE']!)).length;
    const res = await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'paid'), opts);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('signature_invalid');
    expect(h.rejections.at(-1)).toBe(reason);
    expect((await scanAll(emulators.clients.documentClient, emulators.env['INBOX_TABLE']!)).length).toBe(inboxBefore);
    expect(await h.depth(h.queueUrl)).toBe(0);
    expect((await h.payouts.getPayoutById(payoutId))?.version).toBe(1);
  });

  // Past the BMP (fauxqs refuses it raw) and U+FFFF (SQS does): before queue bodies were ASCII JSON, 503 on every redelivery.
  it('an event type SQS would refuse as raw text is enqueued once and processed: 202', async () => {
    const eventId = `evt_it_${ulid()}`;
    const type = 'payout.💸\uffff';
    expect((await h.deliverStripe(eventId, type, { id: 'po_unknown' })).statusCode).toBe(202);
    expect(await h.inbox.get('stripe', eventId)).toMatchObject({ state: 'enqueued', eventType: type });
    expect(await h.drain()).toEqual(['ignored']);
  });

  it('inbox written but enqueue failed → 503; the provider retry enqueues it, and so does the sweeper', async () => {
    let failSends = true;
    const failing = new SQSClient({
      region: 'us-east-1',
      endpoint: emulators.endpoints.sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageCommand' && failSends) {
          throw Object.assign(new Error('injected SQS outage'), { name: 'ServiceUnavailable' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectFailure' },
    );
    const broken = harness(emulators, { sqs: failing });
    const payoutId = await newPayout();
    const retried = evt();
    expect((await broken.deliverSandbox(retried, sandboxEvent(payoutId, 'accepted'))).statusCode).toBe(503);
    expect(await h.inbox.get('sandbox', retried)).toMatchObject({ state: 'received' });
    expect(await h.depth(h.queueUrl)).toBe(0);
    // The provider's retry: stored already, not yet enqueued → enqueued now.
    failSends = false;
    expect((await broken.deliverSandbox(retried, sandboxEvent(payoutId, 'accepted'))).statusCode).toBe(200);
    expect(await h.inbox.get('sandbox', retried)).toMatchObject({ state: 'enqueued' });

    const swept = evt();
    failSends = true;
    expect((await broken.deliverSandbox(swept, sandboxEvent(payoutId, 'in_transit'))).statusCode).toBe(503);
    const later = Date.now() + 120_000;
    const report = await sweep({
      inbox: h.inbox,
      webhookQueue: h.intakeDeps.queue,
      dlq: new DeadLetterQueue(emulators.clients.sqs),
      dlqUrls: {
        webhook: h.dlqUrl,
        submission: emulators.env['SUBMISSION_DLQ_URL']!,
        reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
        batch: emulators.env['BATCH_DLQ_URL']!,
      },
      exceptions: h.exceptions,
      rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
      payouts: h.payouts,
      awaiting: { quietSince: async () => [] },
      providers: {},
      nowMs: () => later,
    });
    expect(report.reenqueued).toBe(1);
    expect(await h.inbox.get('sandbox', swept)).toMatchObject({ state: 'enqueued' });
    expect((await h.drain()).sort()).toEqual(['applied', 'applied']);
    expect((await h.payouts.getPayoutById(payoutId))?.status).toBe('pending');
  });
});

describe('DLQ, exceptions, redrive and replay', () => {
  it('poison (payout not known yet) → DLQ after maxReceiveCount → exception → redrive → processed, exception resolved', async () => {
    const created = samplePayout();
    const payoutId = created.payout.payoutId;
    const eventId = evt();
    await h.deliverSandbox(eventId, sandboxEvent(payoutId, 'accepted'));
    const outcomes = await h.drain(MAX_RECEIVE_COUNT + 3);
    expect(outcomes).toEqual(Array(MAX_RECEIVE_COUNT).fill('failed'));
    expect(await h.depth(h.dlqUrl)).toBe(1);
    const exceptionId = exceptionIdFor({
      category: 'webhook_dead_lettered',
      message: { kind: 'event', provider: 'sandbox', providerEventId: eventId },
    });
    const exception = await h.exceptions.get(exceptionId);
    expect(exception).toMatchObject({ category: 'webhook_dead_lettered', owner: 'ops', state: 'open' });
    expect(exception?.evidence).toMatchObject({
      receive_count: MAX_RECEIVE_COUNT,
      error_category: 'payout_not_found',
      error_count: MAX_RECEIVE_COUNT,
    });
    expect(exception?.firstError?.message).toMatch(/not known/);

    const listed = await h.ops('GET', '/ops/dlq');
    const view = listed.body.data?.find((m) => m['provider_event_id'] === eventId);
    expect(view).toMatchObject({
      error_category: 'payout_not_found',
      exception_id: exceptionId,
      payout_id: payoutId,
      error_count: MAX_RECEIVE_COUNT,
    });
    expect(await h.depth(h.dlqUrl)).toBe(1); // peeking consumed nothing

    const dry = await h.ops('POST', '/ops/dlq/redrive', {
      filter: { provider: 'sandbox', error_category: 'payout_not_found' },
      dry_run: true,
    });
    expect(dry.body).toMatchObject({ dry_run: true, matched: 1, moved: 0 });
    expect(await h.depth(h.dlqUrl)).toBe(1);

    await h.payouts.createPayout(created); // the payout arrives; now the event can apply
    const moved = await h.ops('POST', '/ops/dlq/redrive', { message_id: view?.['message_id'] });
    expect(moved.body).toMatchObject({ dry_run: false, matched: 1, moved: 1 });
    expect(await h.depth(h.dlqUrl)).toBe(0);
    expect(await h.drain()).toEqual(['applied']);
    expect((await h.payouts.getPayoutById(payoutId))?.status).toBe('accepted');
    expect((await h.exceptions.get(exceptionId))?.state).toBe('resolved');
    // Issue 10: redrives are in the one audit trail, on their queue's chain (docs/audit.md).
    const audit = await h.audit.chainRecords({ type: 'queue', id: 'webhook' }, 1, Number.MAX_SAFE_INTEGER, {
      strict: true,
    });
    expect(
      audit
        .filter((r) => r.action === 'dlq.redrive' && r.actor.id === 'operator-1')
        .map((r) => r.details['count'])
        .sort(),
    ).toEqual([1, 1]);
  });

  it('replaying the same events twice changes nothing', async () => {
    const payoutId = await newPayout();
    const ids = [evt(), evt()];
    await h.deliverSandbox(ids[0]!, sandboxEvent(payoutId, 'accepted'));
    await h.deliverSandbox(ids[1]!, sandboxEvent(payoutId, 'paid'));
    expect(await h.drain()).toEqual(['applied', 'applied']);
    const before = await h.payouts.getPayoutById(payoutId);
    for (let round = 0; round < 2; round++) {
      const res = await h.ops('POST', '/ops/replay', { event_ids: ids.map((id) => `sandbox#${id}`) });
      expect(res.body).toMatchObject({ matched: 2, enqueued: 2 });
      expect(await h.drain()).toEqual(['duplicate', 'duplicate']);
    }
    expect(await h.payouts.getPayoutById(payoutId)).toEqual(before);
    const range = await h.ops('POST', '/ops/replay', {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 1_000).toISOString(),
      dry_run: true,
    });
    expect(range.body['matched']).toBeGreaterThanOrEqual(2);
    expect(await h.depth(h.queueUrl)).toBe(0);
  });

  it('a forbidden event opens an ops exception, sets the payout owner, asks for a re-check; resolve clears the owner', async () => {
    const payoutId = await newPayout('failed');
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'paid'));
    expect(await h.drain()).toEqual(['forbidden']);
    expect((await h.payouts.getPayoutById(payoutId))?.exceptionOwner).toBe('ops');
    const rechecks = await new RecheckMarkers(
      emulators.clients.documentClient,
      emulators.env['OPERATIONS_TABLE']!,
    ).list(100);
    expect(rechecks.map((r) => r.payoutId)).toContain(payoutId);

    const open = await h.ops('GET', '/exceptions', undefined, { state: 'open', category: 'forbidden_transition' });
    const row = open.body.data?.find((e) => e['payout_id'] === payoutId);
    expect(row).toMatchObject({ owner: 'ops', state: 'open', sla_breached: false });
    // Failure attribution (issue 11): a provider that sent a forbidden transition is the provider's cause.
    expect(row?.['failure_source']).toBe('provider');
    const id = String(row?.['exception_id']);
    expect((await h.ops('POST', `/exceptions/${id}/assign`, {})).body).toMatchObject({
      state: 'assigned',
      assignee: 'operator-1',
    });
    expect((await h.ops('POST', `/exceptions/${id}/resolve`, {})).status).toBe(400);
    expect(
      (
        await h.ops('POST', `/exceptions/${id}/resolve`, {
          note: 'provider confirmed failed; paid event was a test artefact',
        })
      ).body,
    ).toMatchObject({ state: 'resolved' });
    expect((await h.ops('POST', `/exceptions/${id}/resolve`, { note: 'again' })).status).toBe(409);
    expect((await h.payouts.getPayoutById(payoutId))?.exceptionOwner).toBeUndefined();
    const history = await h.exceptions.history(id);
    // Issue 10: the exception's history is its chain in the one audit trail (record shape of docs/audit.md).
    expect(history.map((a) => a.action)).toEqual(['exception.opened', 'exception.assigned', 'exception.resolved']);
    expect(history[2]).toMatchObject({
      actor: { type: 'operator', id: 'operator-1', role: 'ops' },
      details: { note: expect.stringContaining('provider confirmed') },
    });
  });

  it('openOrUpdate with the same dedup key never duplicates; a resolved one stays resolved unless asked to reopen', async () => {
    const input = openException(
      { category: 'amount_mismatch', providerReference: `ref_${ulid()}` },
      { evidence: { ours: 100, theirs: 90 }, seenAt: new Date().toISOString() },
    );
    const key = input.dedupKey;
    expect((await h.exceptions.openOrUpdate(input)).kind).toBe('opened');
    expect((await h.exceptions.openOrUpdate(input)).kind).toBe('updated');
    const id = exceptionIdOf(key);
    expect((await h.exceptions.get(id))?.occurrences).toBe(2);
    await h.exceptions.resolve({
      exceptionId: id,
      note: 'fixed',
      actor: { kind: 'operator', id: 'op', role: 'ops' },
      now: new Date(),
    });
    expect((await h.exceptions.openOrUpdate(input)).kind).toBe('resolved_unchanged');
    expect((await h.exceptions.openOrUpdate({ ...input, reopenIfResolved: true })).kind).toBe('reopened');
    const all = await h.exceptions.list({ category: 'amount_mismatch', limit: 200 });
    expect(all.items.filter((e) => e.dedupKey === key)).toHaveLength(1);
  });
});
