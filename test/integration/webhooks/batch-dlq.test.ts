// BatchDlq on DynamoDB Local + fauxqs (issue 13): a fan-out chunk that failed every delivery is
// listed by GET /ops/queues and GET /ops/dlq?queue=batch, becomes one owned exception however often
// the sweeper runs, and a redrive sends the chunk back to BatchQueue unchanged (the fan-out is
// redelivery-safe).
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFanOutMessage } from '../../../functions/adapters/batch-queue';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
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
  queueUrl = emulators.env['BATCH_QUEUE_URL']!;
  dlqUrl = emulators.env['BATCH_DLQ_URL']!;
});
afterAll(async () => emulators?.stop());

const CHUNK = { batchId: 'bat_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP', chunk: 4, senderItemIds: ['item-1', 'item-2'] };
/** Receives beyond maxReceiveCount, so fauxqs moves the message on the last one (as SQS does). */
const RECEIVE_ROUNDS_MAX = MAX_RECEIVE_COUNT + 3;

/** Plays a process-batch whose chunk fails every time: receive, never delete, visible again at once. */
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
      reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
      batch: dlqUrl,
    },
    exceptions: h.exceptions,
    rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
    payouts: h.payouts,
    awaiting: { quietSince: async () => [] },
    providers: {},
    nowMs: () => Date.now(),
  });
}

describe('BatchDlq', () => {
  it('listed, one owned exception after two sweeps, redriven back to BatchQueue unchanged', async () => {
    expect(queueUrl).toBeTruthy();
    expect(dlqUrl).toBeTruthy();
    await emulators.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(CHUNK) }),
    );
    await failUntilDeadLettered();
    expect(await h.depth(dlqUrl)).toBe(1);
    expect(await h.depth(queueUrl)).toBe(0);

    const queues = await h.ops('GET', '/ops/queues');
    expect(queues.body.data).toContainEqual(expect.objectContaining({ queue: 'batch', role: 'dlq', visible: 1 }));

    const listed = await h.ops('GET', '/ops/dlq', undefined, { queue: 'batch' });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    const view = listed.body.data![0]!;
    expect(view).toMatchObject({
      queue: 'batch',
      batch_id: CHUNK.batchId,
      chunk: CHUNK.chunk,
      sender_item_count: 2,
      error_category: 'unknown',
      payload: CHUNK,
    });
    expect(await h.depth(dlqUrl)).toBe(1); // peeking consumed nothing

    expect((await runSweep()).dlqExceptions).toBe(1);
    expect((await runSweep()).dlqExceptions).toBe(1);
    const exceptions = await h.ops('GET', '/exceptions', undefined, { category: 'batch_dead_lettered' });
    expect(exceptions.body.data).toHaveLength(1);
    expect(exceptions.body.data![0]).toMatchObject({
      exception_id: view['exception_id'],
      category: 'batch_dead_lettered',
      owner: 'ops',
      failure_source: 'platform',
      state: 'open',
      occurrences: 2,
      evidence: expect.objectContaining({ queue: 'batch', batch_id: CHUNK.batchId, chunk: CHUNK.chunk }),
    });

    const dry = await h.ops('POST', '/ops/dlq/redrive', { queue: 'batch', all: true, dry_run: true });
    expect(dry.body).toMatchObject({ dry_run: true, matched: 1, moved: 0 });
    expect(await h.depth(dlqUrl)).toBe(1);

    const moved = await h.ops('POST', '/ops/dlq/redrive', { queue: 'batch', message_id: view['message_id'] });
    expect(moved.body).toMatchObject({ dry_run: false, matched: 1, moved: 1 });
    expect(await h.depth(dlqUrl)).toBe(0);
    expect(await h.depth(queueUrl)).toBe(1);
    const back = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
    );
    expect(parseFanOutMessage(back.Messages?.[0]?.Body ?? '')).toEqual(CHUNK);

    const audit = await h.audit.chainRecords({ type: 'queue', id: 'batch' }, 1, Number.MAX_SAFE_INTEGER, {
      strict: true,
    });
    expect(audit.filter((r) => r.action === 'dlq.redrive').map((r) => r.details['dry_run'])).toEqual([true, false]);
  });
});
