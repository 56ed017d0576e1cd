// ReconciliationDlq on DynamoDB Local + fauxqs: a queued run that failed every receive is listed by
// GET /ops/dlq?queue=reconciliation, becomes one owned exception however often the sweeper runs,
// and a redrive sends the request back to ReconciliationQueue unchanged.
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import {
  parseReconciliationRequest,
  serializeReconciliationRequest,
} from '../../../functions/adapters/reconciliation/requests-queue';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { harness, MAX_RECEIVE_COUNT } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let queueUrl: string;
let dlqUrl: string;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  queueUrl = emulators.env['RECONCILIATION_QUEUE_URL']!;
  dlqUrl = emulators.env['RECONCILIATION_DLQ_URL']!;
});
afterAll(async () => emulators?.stop());

const REQUEST = {
  date: '2026-11-24',
  runId: 'run_it_reconciliation_dlq',
  requestedBy: 'operator-1',
  requestId: 'req-it-1',
  requestedAt: '2026-11-25T02:00:00.000Z',
};
/** Receives beyond maxReceiveCount, so fauxqs moves the message on the last one (as SQS does). */
const RECEIVE_ROUNDS_MAX = MAX_RECEIVE_COUNT + 3;

/** Plays a reconcile consumer whose run fails every time: receive, never delete, visible again at once. */
async function failUntilDeadLettered(): Promise<void> {
  for (let round = 0; round < RECEIVE_ROUNDS_MAX && (await h.depth(dlqUrl)) === 0; round++) {
    await emulators.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
      }),
    );
  }
}

function runSweep() {
  return sweep({
    inbox: h.inbox,
    webhookQueue: h.intakeDeps.queue,
    dlq: new DeadLetterQueue(emulators.clients.sqs),
    dlqUrls: {
      webhook: h.dlqUrl,
      submission: emulators.env['SUBMISSION_DLQ_URL']!,
      reconciliation: dlqUrl,
      batch: emulators.env['BATCH_DLQ_URL']!,
    },
    exceptions: h.exceptions,
    rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
    payouts: h.payouts,
    awaiting: { quietSince: async () => [] },
    providers: {},
    nowMs: () => Date.now(),
  });
}

describe('ReconciliationDlq', () => {
  it('listed, one owned exception after two sweeps, redriven back to ReconciliationQueue', async () => {
    await emulators.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeReconciliationRequest(REQUEST) }),
    );
    await failUntilDeadLettered();
    expect(await h.depth(dlqUrl)).toBe(1);
    expect(await h.depth(queueUrl)).toBe(0);

    const queues = await h.ops('GET', '/ops/queues');
    expect(queues.body.data).toContainEqual(
      expect.objectContaining({ queue: 'reconciliation', role: 'dlq', visible: 1 }),
    );

    const listed = await h.ops('GET', '/ops/dlq', undefined, { queue: 'reconciliation' });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    const view = listed.body.data![0]!;
    expect(view).toMatchObject({
      queue: 'reconciliation',
      date: REQUEST.date,
      run_id: REQUEST.runId,
      receive_count: expect.any(Number),
    });
    expect(await h.depth(dlqUrl)).toBe(1); // peeking consumed nothing

    expect((await runSweep()).dlqExceptions).toBe(1);
    expect((await runSweep()).dlqExceptions).toBe(1);
    const exceptions = await h.ops('GET', '/exceptions', undefined, { category: 'reconciliation_dead_lettered' });
    expect(exceptions.body.data).toHaveLength(1);
    expect(exceptions.body.data![0]).toMatchObject({
      exception_id: view['exception_id'],
      category: 'reconciliation_dead_lettered',
      owner: 'ops',
      state: 'open',
      occurrences: 2,
      evidence: expect.objectContaining({
        queue: 'reconciliation',
        date: REQUEST.date,
        run_id: REQUEST.runId,
        message_id: view['message_id'],
      }),
    });

    const dry = await h.ops('POST', '/ops/dlq/redrive', { queue: 'reconciliation', all: true, dry_run: true });
    expect(dry.body).toMatchObject({ dry_run: true, matched: 1, moved: 0 });
    expect(await h.depth(dlqUrl)).toBe(1);

    const moved = await h.ops('POST', '/ops/dlq/redrive', { queue: 'reconciliation', message_id: view['message_id'] });
    expect(moved.body).toMatchObject({ dry_run: false, matched: 1, moved: 1 });
    expect(await h.depth(dlqUrl)).toBe(0);
    expect(await h.depth(queueUrl)).toBe(1);
    const back = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
    );
    // Byte for byte what the API queued: the consumer runs the same run id again.
    expect(parseReconciliationRequest(back.Messages?.[0]?.Body ?? '')).toEqual(REQUEST);

    // Both redrives, the dry run and the real one, are in the one audit trail on the queue's chain (docs/audit.md).
    const audit = await h.audit.chainRecords({ type: 'queue', id: 'reconciliation' }, 1, Number.MAX_SAFE_INTEGER, {
      strict: true,
    });
    const redrives = audit.filter((r) => r.action === 'dlq.redrive');
    expect(redrives.map((r) => [r.details['dry_run'], r.subject.id]).sort()).toEqual([
      [false, 'reconciliation'],
      [true, 'reconciliation'],
    ]);
  });
});
