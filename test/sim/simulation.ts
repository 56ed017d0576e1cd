import { APPROVAL_EXPIRES_AFTER_SECONDS } from '../../functions/domain/approval';
import { bodyOf, newActionRequest, startAction } from './actions';
import { Choices } from './choices';
import { defaultProbabilities, FaultPlan, type FaultKind } from './faults';
import { INVARIANTS, type Invariant } from './invariants';
import {
  dueDeliveries,
  IDLE,
  OPERATIONS,
  consumeSubmission,
  consumeWebhook,
  startConsumer,
  startCreate,
  startDelivery,
} from './operations';
import { Scheduler } from './scheduler';
import { BATCH_OPERATIONS, consumeFanOut, quietBatches } from './batch-operations';
import { HOLD_OPERATIONS, releaseOpenHolds } from './hold-operations';
import { QUEUE_VISIBILITY_SECONDS, World, type SimFlaws } from './world';
import type { SimQueue } from './memory/queues';

/**
 * One history: `steps` steps of one to three concurrent operations under faults, an invariant
 * check after each, then the quiet phase — faults off; every client retries until answered, every
 * webhook is delivered, every queue drained, the sweeper runs past every threshold, ops redrive
 * the DLQs, each ended day is reconciled — and the quiet invariants. Everything comes from the
 * Choices, so a seed (or an edited choice sequence) replays exactly.
 */
export interface SimConfig {
  steps: number;
  flaws?: SimFlaws;
  probabilities?: Record<FaultKind, number>;
  /** Keep the step log (for a failure's report); off when only the verdict matters. */
  keepHistory?: boolean;
}

export const STEPS_DEFAULT = 30;
export const CONCURRENT_OPERATIONS_MAX = 3;
/** Quiet rounds before we call the system not quiescent (a liveness failure). */
export const QUIET_ROUNDS_MAX = 12;
/** Redrives of the DLQs during the quiet phase: a poison message may stay in the DLQ, owned. */
export const QUIET_REDRIVES_MAX = 2;
/** Time the quiet phase lets pass per round: past every corridor's stale threshold (8 h). */
export const QUIET_ROUND_SECONDS = 8 * 3_600 + 60;
/**
 * Share of histories whose quiet phase reconciles every ended day. Reconciliation runs on DuckDB,
 * whose planning of our export statements costs about the same for 3 rows as for 3,000: measured
 * 150–400 ms per run on the 2-core machine (EXPLAIN of the ordered COPY alone took 60–190 ms on
 * empty tables), against some 40 ms for a whole history without it. At 0.25 it was two thirds of
 * the suite's simulation time; at 0.05, 10,000 seeds still reconcile some 500 histories, each over
 * every day it touched, under every fault of the table.
 */
export const RECONCILE_PROBABILITY = 0.05;

/** The operation table: payouts and the tenant's actions (operations.ts), then batches (batch-operations.ts). */
const ALL_OPERATIONS = [...OPERATIONS, ...BATCH_OPERATIONS, ...HOLD_OPERATIONS];

export interface Failure {
  invariant: string;
  violations: string[];
  /** The step after which it was seen; 'quiet' for the quiet phase. */
  at: number | 'quiet';
}

export interface HistoryResult {
  failure?: Failure;
  history: string[];
  faults: Record<FaultKind, number>;
  sequence: number[];
  resumptions: number;
  failures: Map<string, number>;
  actionAnswers: Map<string, number>;
  knownFindings: string[];
}

export async function runHistory(choices: Choices, config: SimConfig): Promise<HistoryResult> {
  const faults = new FaultPlan(choices, config.probabilities ?? defaultProbabilities());
  const world = new World(choices, faults, new Scheduler(choices, faults), config.flaws ?? {});
  const history: string[] = [];
  const result = (failure?: Failure): HistoryResult => ({
    ...(failure === undefined ? {} : { failure }),
    history,
    faults: { ...faults.fired },
    sequence: choices.sequence(),
    resumptions: world.scheduler.resumptions,
    failures: world.failures,
    actionAnswers: world.actionAnswers,
    knownFindings: world.knownFindings,
  });
  try {
    for (let step = 1; step <= config.steps; step += 1) {
      const lines: string[] = [];
      const concurrent = choices.between(1, CONCURRENT_OPERATIONS_MAX);
      for (let i = 0; i < concurrent; i += 1) {
        const available = ALL_OPERATIONS.filter((op) => op.weight(world) > 0);
        const operation = choices.weighted(available, (op) => op.weight(world));
        lines.push(operation.start(world));
      }
      const faultsBefore = faults.log.length;
      await world.runTasks();
      world.clockMs += choices.between(0, 90) * 1_000;
      const idle = lines.every((line) => line === IDLE) && faults.log.length === faultsBefore;
      if (config.keepHistory !== false && !idle)
        history.push(
          `step ${step}: ${lines.join(' ‖ ')}${faults.log.length > faultsBefore ? `  [faults: ${faults.log.slice(faultsBefore).join(', ')}]` : ''}`,
        );
      const failure = check(
        world,
        INVARIANTS.filter((i) => i.when === 'always'),
        step,
      );
      if (failure !== undefined) return result(failure);
    }
    faults.enabled = false;
    await quiet(world, history, choices);
    return result(check(world, INVARIANTS, 'quiet'));
  } catch (error) {
    return result({
      invariant: 'simulation-completes',
      violations: [String((error as Error).stack ?? error)],
      at: 'quiet',
    });
  }
}

function check(world: World, invariants: readonly Invariant[], at: number | 'quiet'): Failure | undefined {
  for (const invariant of invariants) {
    const violations = invariant.check(world);
    if (violations.length > 0) return { invariant: invariant.name, violations, at };
  }
  return undefined;
}

/** A cheap summary of everything that can still move: unchanged across a round means quiescent. */
function fingerprint(world: World): string {
  const statuses = [...world.payouts.payouts.values()].map((p) => `${p.status}${p.version}`).join(',');
  const outbox = world.provider.outbox.filter((d) => d.acked && d.duplicatesOwed === 0).length;
  const queues = [
    world.webhookQueue,
    world.submissionQueue,
    world.webhookDlq,
    world.submissionDlq,
    world.batchQueue,
    world.batchDlq,
  ]
    .map((q) => q.messages.length)
    .join('/');
  const batchItems = [...world.batches.items.values()].filter((i) => i.state === 'rejected').length;
  const batches = `${world.batchSubmissions.filter((s) => s.done).length}/${world.batches.batches.size}/${batchItems}`;
  return `${statuses}|${outbox}|${queues}|${world.exceptions.exceptions.size}|${world.inbox.events.size}|${world.clients.filter((c) => c.done).length}|${world.rechecks.markers.size}|${batches}`;
}

async function drainQueue(world: World, queue: SimQueue, consume: Parameters<typeof startConsumer>[3]): Promise<void> {
  for (let guard = 0; guard < 200 && queue.messages.length > 0; guard += 1) {
    const visible = queue.visible(world.clockMs);
    if (visible.length === 0) {
      world.clockMs = Math.max(world.clockMs, Math.min(...queue.messages.map((m) => m.visibleAtMs))) + 1_000;
      continue;
    }
    startConsumer(world, queue, visible[0]!, consume);
    await world.runTasks();
  }
}

/** The approvers' answer to what still awaits four eyes: approve, reject, or let it expire. */
async function decideAwaitingApprovals(world: World, choices: Choices): Promise<void> {
  for (const payout of [...world.payouts.payouts.values()].filter((p) => p.status === 'requires_approval')) {
    const action = choices.pick(['approve', 'approve', 'reject', 'expire'] as const);
    if (action === 'expire') continue;
    const fields = { tenantId: payout.tenantId, principal: 'approver' as const, payoutId: payout.payoutId };
    const request = newActionRequest(world, { ...fields, action, body: bodyOf(world, action) });
    startAction(world, request, `quiet ${action} ${payout.payoutId}`);
  }
  await world.runTasks();
}

async function quiet(world: World, history: string[], choices: Choices): Promise<void> {
  let redrives = 0;
  for (let round = 1; ; round += 1) {
    if (round > QUIET_ROUNDS_MAX) throw new Error(`not quiescent after ${QUIET_ROUNDS_MAX} quiet rounds`);
    const before = fingerprint(world);
    for (const client of world.clients.filter((c) => !c.done))
      startCreate(world, client, `quiet retry ${client.idempotencyKey}`);
    for (const request of world.actionRequests.filter((r) => !r.done))
      startAction(world, request, `quiet retry ${request.action} ${request.idempotencyKey}`);
    quietBatches(world);
    await world.runTasks();
    if (round === 1) await decideAwaitingApprovals(world, choices);
    if (round === 1) await releaseOpenHolds(world);
    await drainQueue(world, world.batchQueue, consumeFanOut(world));
    for (let guard = 0; guard < 500; guard += 1) {
      const owed = world.provider.outbox.filter((d) => !d.acked || d.duplicatesOwed > 0);
      if (owed.length === 0) break;
      const due = dueDeliveries(world);
      if (due.length === 0) {
        world.clockMs = Math.min(...owed.map((d) => d.dueAtMs));
        continue;
      }
      startDelivery(world, due[0]!);
      await world.runTasks();
    }
    await drainQueue(world, world.submissionQueue, consumeSubmission(world));
    await drainQueue(world, world.webhookQueue, consumeWebhook(world));
    world.clockMs += QUIET_ROUND_SECONDS * 1_000;
    world.spawn('quiet sweep', (gate) => world.sweep(gate));
    await world.runTasks();
    if (redrives < QUIET_REDRIVES_MAX && world.webhookDlq.messages.length + world.submissionDlq.messages.length > 0) {
      redrives += 1;
      for (const queue of ['webhook', 'submission'] as const)
        world.spawn(`quiet redrive ${queue}`, (gate) => world.opsCall(gate, '/ops/dlq/redrive', { queue, all: true }));
      await world.runTasks();
    }
    if (fingerprint(world) === before) break;
  }
  // The DLQ exceptions of what stays dead-lettered, approvals nobody decided expired (the sweeper
  // cancels them, with an exception), then every day that has ended.
  const undecided = [...world.payouts.payouts.values()].some((p) => p.status === 'requires_approval');
  world.clockMs += (undecided ? APPROVAL_EXPIRES_AFTER_SECONDS : QUEUE_VISIBILITY_SECONDS) * 1_000;
  world.spawn('final sweep', (gate) => world.sweep(gate));
  await world.runTasks();
  const days = new Set([...world.payouts.payouts.values()].map((p) => p.createdAt.slice(0, 10)));
  for (const payout of world.provider.payouts.values()) days.add(payout.createdAt.slice(0, 10));
  world.clockMs = Math.max(
    world.clockMs,
    Date.parse(`${[...days].sort().at(-1) ?? '2026-01-01'}T00:00:00Z`) + 2 * 86_400_000,
  );
  // A share of the histories reconcile (RECONCILE_PROBABILITY says why not all).
  const reconciled = choices.chance(RECONCILE_PROBABILITY) ? [...days].sort() : [];
  for (const date of reconciled) {
    world.spawn(`reconcile ${date}`, (gate) => world.reconcile(gate, date));
    await world.runTasks();
  }
  history.push(
    `quiet: drained, swept, ${redrives} redrive round(s), ${reconciled.length === 0 ? 'no reconciliation' : `reconciled ${reconciled.join(', ')}`}`,
  );
}
