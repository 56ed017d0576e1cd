import type { StoredBatchItem } from '../../functions/adapters/batch-items';
import { BATCH_ID_WINDOW_DAYS, BATCH_ID_WINDOW_MS } from '../../functions/domain/batches/batch-limits';
import { bodyOf, callBatches, errorCodeOf, fanOut, type BatchPrincipal, type BatchSubmission } from './batches';
import type { Gate } from './gate';
import type { QueuedMessage } from './memory/queues';
import type { Operation } from './operation';
import { startConsumer } from './operations';
import { SIM_TENANTS, type World } from './world';

/**
 * The batch rows of the operation table (issue 13): submissions (one, or two or three copies at
 * once), resubmissions of one sender_batch_id with the same or other content, the fan-out of a
 * chunk (crashes and redeliveries come from the scheduler and the queue), the one approval, the
 * batch operator's retry racing the fan-out and the provider's late answers, and one resubmission
 * after the 30-day window, on the world's clock.
 */

/** Item bodies. The IN/INR corridor is policy-gated: its item is rejected `human_action_required`,
 * which the batch operator's retry reopens; INR has no approval threshold, so its batch needs the approval. */
const ITEM_TEMPLATES = [
  {
    amount: 12_500,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Ada Lovelace' },
  },
  {
    amount: 5_000,
    currency: 'GBP',
    destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
    recipient: { name: 'Alan Turing' },
  },
  {
    amount: 777,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Grace Hopper' },
    description: 'small',
  },
  {
    amount: 50_000,
    currency: 'INR',
    destination: { country: 'IN', method: 'imps', account_number: '1234567890', ifsc: 'HDFC0000001' },
    recipient: { name: 'Srinivasa Ramanujan' },
  },
] as const;
/** Items of one simulated batch at most: a chunk holds 100, so every batch here is one chunk. */
const BATCH_ITEMS_SIM_MAX = 3;
const BATCHES_SIM_MAX = 3;

function newItems(world: World): Array<Record<string, unknown>> {
  const count = world.choices.between(1, BATCH_ITEMS_SIM_MAX);
  return Array.from({ length: count }, (_, i) => {
    // The policy-gated corridor one time in six: most items pay.
    const template = ITEM_TEMPLATES[world.choices.chance(1 / 6) ? 3 : world.choices.int(3)]!;
    return { sender_item_id: `item-${i + 1}`, ...template };
  });
}

/** Other content under the same ids: one item's amount changed. */
function otherContent(world: World, items: ReadonlyArray<Record<string, unknown>>) {
  const changed = world.choices.int(items.length);
  return items.map((item, i) => (i === changed ? { ...item, amount: (item['amount'] as number) + 1 } : item));
}

function newSubmission(world: World, fields: Pick<BatchSubmission, 'tenantId' | 'senderBatchId' | 'items'>) {
  const { tenantId, senderBatchId, items } = fields;
  const id = world.batchSubmissions.length + 1;
  const submission: BatchSubmission = { id, tenantId, senderBatchId, items, batchIds: [], answers: [], done: false };
  world.batchSubmissions.push(submission);
  return submission;
}

/** What the client sent, as the stored items say it: sender_item_id → amount and currency. */
const contentOf = (items: ReadonlyArray<{ senderItemId?: unknown; amount?: unknown; currency?: unknown }>) =>
  JSON.stringify(items.map((i) => [i.senderItemId, i.amount, i.currency]).sort());

/** The batch's items as accepted: its items object (the accept writes no item record), else its records. */
function storedContent(world: World, batchId: string): string {
  const key = world.batches.batches.get(batchId)?.itemsObjectKey;
  const object = key === undefined ? undefined : world.batches.objects.get(key);
  const items =
    object === undefined
      ? [...world.batches.items.values()].filter((item) => item.batchId === batchId)
      : object
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as StoredBatchItem);
  return contentOf(items.map((i) => ({ senderItemId: i.senderItemId, amount: i.amountMinor, currency: i.currency })));
}

const requestContent = (submission: BatchSubmission) =>
  contentOf(
    submission.items.map((i) => ({ senderItemId: i['sender_item_id'], amount: i['amount'], currency: i['currency'] })),
  );

/** One attempt of a submission; the answer decides whether the client tries again. */
export function startSubmission(world: World, submission: BatchSubmission, label: string): void {
  const task = world.spawn(label, (gate) =>
    callBatches(world, gate, {
      tenantId: submission.tenantId,
      principal: 'backend',
      routePath: '/batches',
      body: { sender_batch_id: submission.senderBatchId, items: submission.items },
    }),
  );
  world.afterRun(() => {
    if (task.state !== 'done') return; // crashed, or thrown: the client retries
    settleSubmission(world, submission, task.result!.statusCode, errorCodeOf(task.result!), bodyOf(task.result!));
  });
}

function settleSubmission(
  world: World,
  submission: BatchSubmission,
  status: number,
  code: string | undefined,
  body: Record<string, unknown>,
): void {
  const tally = `batch ${status}${code === undefined ? '' : ` ${code}`}`;
  world.actionAnswers.set(tally, (world.actionAnswers.get(tally) ?? 0) + 1);
  submission.answers.push(tally);
  // In progress (a live writer's lease) and any 5xx: the client retries with the same body.
  if (status >= 500 || code === 'batch_in_progress') return;
  submission.done = true;
  const where = `batch ${submission.tenantId}/${submission.senderBatchId} (submission ${submission.id})`;
  if (status === 202) {
    const batchId = String(body['batch_id']);
    submission.batchIds.push(batchId);
    if (new Set(submission.batchIds).size > 1)
      world.violations.push(`${where}: copies of one request were answered batches ${submission.batchIds.join(', ')}`);
    if (storedContent(world, batchId) !== requestContent(submission))
      world.violations.push(`${where}: answered batch ${batchId}, whose items are other content`);
  } else if (status === 409 && code === 'batch_id_reused') {
    const original = (body['error'] as { batch_id?: string } | undefined)?.batch_id;
    if (original === undefined || storedContent(world, original) === requestContent(submission))
      world.violations.push(`${where}: batch_id_reused against ${original}, which holds the same content`);
  } else {
    world.violations.push(`${where}: a valid batch was answered ${tally}`);
  }
}

/** A batch action (approve, retry) by a principal; one attempt, its answer judged. */
function startBatchAction(world: World, batchId: string, action: 'approve' | 'retry', principal: BatchPrincipal) {
  const batch = world.batches.batches.get(batchId)!;
  const submitter = world.choices.chance(0.1);
  const caller: BatchPrincipal = action === 'approve' && submitter ? 'backend' : principal;
  const routePath = action === 'approve' ? '/batches/{batchId}/approve' : '/batches/{batchId}/retry';
  const task = world.spawn(`${action} ${batchId} as ${caller}`, (gate: Gate) =>
    callBatches(world, gate, { tenantId: batch.tenantId, principal: caller, routePath, batchId }),
  );
  world.afterRun(() => {
    if (task.state !== 'done') return;
    const answer = task.result!;
    const code = errorCodeOf(answer);
    const tally = `batch ${action} ${answer.statusCode}${code === undefined ? '' : ` ${code}`}`;
    world.actionAnswers.set(tally, (world.actionAnswers.get(tally) ?? 0) + 1);
    // Authority: the backend may neither approve its own batch nor retry one (batches:retry).
    if (caller === 'backend' && answer.statusCode < 300)
      world.violations.push(`batch ${batchId}: the backend's ${action} was answered ${answer.statusCode}`);
  });
  return `${action} batch ${batchId} as ${caller}`;
}

const awaitingApproval = (world: World) =>
  [...world.batches.batches.values()].filter((b) => b.approval !== undefined && b.approval.decision === undefined);

/** Quiet phase: every unanswered submission retried, every batch awaiting its approval approved. */
export function quietBatches(world: World): void {
  for (const submission of world.batchSubmissions.filter((s) => !s.done))
    startSubmission(world, submission, `quiet retry batch ${submission.senderBatchId}`);
  for (const batch of awaitingApproval(world)) startBatchAction(world, batch.batchId, 'approve', 'approver');
}

export const consumeFanOut = (world: World) => (gate: Gate, message: QueuedMessage) => fanOut(world, gate, message);

export const BATCH_OPERATIONS: readonly Operation[] = [
  {
    name: 'batch-submit',
    weight: (world) => (world.batchSubmissions.length < BATCHES_SIM_MAX ? 0.6 : 0),
    start: (world) => {
      const submission = newSubmission(world, {
        tenantId: world.choices.pick(SIM_TENANTS),
        senderBatchId: `batch-${world.batchSubmissions.length + 1}`,
        items: newItems(world),
      });
      const copies = world.choices.chance(0.4) ? world.choices.between(2, 3) : 1;
      for (let i = 0; i < copies; i += 1)
        startSubmission(world, submission, `batch ${submission.senderBatchId} copy ${i + 1}`);
      return `submit batch ${submission.tenantId}/${submission.senderBatchId} (${submission.items.length} items) ×${copies}`;
    },
  },
  {
    name: 'batch-resubmit',
    weight: (world) => (world.batchSubmissions.length > 0 ? 0.4 : 0),
    start: (world) => {
      const original = world.choices.pick(world.batchSubmissions);
      const same = world.choices.chance(0.6);
      const items = same ? original.items : otherContent(world, original.items);
      const submission = newSubmission(world, { ...original, items });
      startSubmission(world, submission, `resubmit batch ${submission.senderBatchId}`);
      return `resubmit batch ${original.tenantId}/${original.senderBatchId} with ${same ? 'the same' : 'other'} content`;
    },
  },
  {
    name: 'batch-submit-retry',
    weight: (world) => (world.batchSubmissions.some((s) => !s.done) ? 2 : 0),
    start: (world) => {
      const submission = world.choices.pick(world.batchSubmissions.filter((s) => !s.done));
      startSubmission(world, submission, `retry batch ${submission.senderBatchId}`);
      return `retry batch ${submission.tenantId}/${submission.senderBatchId}`;
    },
  },
  {
    name: 'batch-fan-out',
    weight: (world) => (world.batchQueue.visible(world.clockMs).length > 0 ? 3 : 0),
    start: (world) =>
      startConsumer(
        world,
        world.batchQueue,
        world.choices.pick(world.batchQueue.visible(world.clockMs)),
        consumeFanOut(world),
      ),
  },
  {
    name: 'batch-approve',
    weight: (world) => (awaitingApproval(world).length > 0 ? 1.5 : 0),
    start: (world) =>
      startBatchAction(world, world.choices.pick(awaitingApproval(world)).batchId, 'approve', 'approver'),
  },
  {
    name: 'batch-retry',
    weight: (world) => (world.batches.batches.size > 0 ? 0.6 : 0),
    start: (world) => {
      const batchId = world.choices.pick([...world.batches.batches.keys()]);
      return startBatchAction(world, batchId, 'retry', world.choices.chance(0.1) ? 'backend' : 'batch-operator');
    },
  },
  {
    // Once a history: after the step's tasks (a webhook signed now is not suddenly 30 days old), the
    // clock passes the window, and the sender_batch_id is sent again: the client's retry row sends it.
    name: 'batch-after-window',
    weight: (world) =>
      !world.batchWindowPassed && world.batchSubmissions.some((s) => s.batchIds.length > 0) ? 0.5 : 0,
    start: (world) => {
      const original = world.choices.pick(world.batchSubmissions.filter((s) => s.batchIds.length > 0));
      world.batchWindowPassed = true;
      const seconds = world.choices.between(1, 120);
      const same = world.choices.chance(0.6);
      const items = same ? original.items : otherContent(world, original.items);
      world.afterRun(() => {
        world.clockMs += BATCH_ID_WINDOW_MS + seconds * 1_000;
        newSubmission(world, { ...original, items });
      });
      return `${BATCH_ID_WINDOW_DAYS} days pass; then batch ${original.tenantId}/${original.senderBatchId} is sent again (${same ? 'same' : 'other'} content)`;
    },
  },
];
