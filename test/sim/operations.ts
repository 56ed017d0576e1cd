import { ACTION_OPERATIONS } from './action-operations';
import { corridorMatrix } from '../../functions/adapters/corridors-config';
import { parseCreatePayoutRequest, type CreatePayoutRequest } from '../../functions/http/create-payout-request';
import { PROVIDER_NEXT_STATES, REDELIVERY_DELAY_SECONDS, signedHeaders, type Delivery } from './provider';
import type { QueuedMessage, SimQueue } from './memory/queues';
import type { Operation } from './operation';
import { SIM_TENANTS, type ClientRequest, type World } from './world';

/** The operation table (the `Operation` row: operation.ts); the tenant actions' rows are in action-operations.ts. */

/** Create bodies, parsed once by the real request parser (the corridor matrix of config/corridors.json). */
const TEMPLATES = [
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
  // At and over config/approval-policy.json's four-eyes threshold (1,000,000 minor units): created
  // requires_approval, submitted only once another principal of the tenant approves.
  {
    amount: 1_000_000,
    currency: 'GBP',
    destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
    recipient: { name: 'Ada Lovelace' },
  },
  {
    amount: 2_500_000,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Grace Hopper' },
    description: 'large',
  },
] as const;

let parsed: Array<Omit<CreatePayoutRequest, 'idempotencyKey'> & { body: CreatePayoutRequest['body'] }> | undefined;
function templates() {
  parsed ??= TEMPLATES.map((body) => {
    const request = parseCreatePayoutRequest(
      {
        headers: { 'idempotency-key': 'template', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        isBase64Encoded: false,
      },
      { amountMaxMinor: 1_000_000_000, corridors: corridorMatrix() },
    );
    const { idempotencyKey: _key, ...rest } = request;
    return rest;
  });
  return parsed;
}

export const IDLE = 'idle';

/** One attempt of a client's create; the answer decides whether the client tries again. */
export function startCreate(world: World, request: ClientRequest, label: string): void {
  request.attempts += 1;
  const template = templates()[request.template]!;
  const task = world.spawn(label, async (gate) =>
    world.create(gate, request, {
      body: { ...template.body, destination: template.destination },
      request: { ...template, idempotencyKey: request.idempotencyKey },
      caller: world.caller(request.tenantId),
    }),
  );
  world.afterRun(() => {
    if (task.state !== 'done') return; // crashed, or thrown (5xx, 409 in progress): the client retries
    const answer = task.result!;
    request.answers.push(answer.statusCode);
    if (answer.statusCode === 201) request.payoutIds.push((answer.body as { payout_id: string }).payout_id);
    // A stored 5xx is the answer for this key for ever; retrying it only replays it.
    request.done = true;
  });
}

function newRequest(world: World, template?: number, reuseKeyOf?: ClientRequest): ClientRequest {
  const request: ClientRequest = {
    id: world.clients.length + 1,
    tenantId: reuseKeyOf?.tenantId ?? world.choices.pick(SIM_TENANTS),
    idempotencyKey: reuseKeyOf?.idempotencyKey ?? `key-${world.clients.length + 1}`,
    template: template ?? world.choices.int(TEMPLATES.length),
    answers: [],
    payoutIds: [],
    done: false,
    attempts: 0,
  };
  world.clients.push(request);
  return request;
}

const pending = (world: World) => world.clients.filter((c) => !c.done);

/** Delivers one due provider webhook through the real intake; the provider redelivers what was not acknowledged. */
export function startDelivery(world: World, delivery: Delivery): string {
  delivery.attempts += 1;
  const retryLater = () => {
    delivery.dueAtMs =
      world.clockMs +
      REDELIVERY_DELAY_SECONDS[Math.min(delivery.attempts - 1, REDELIVERY_DELAY_SECONDS.length - 1)]! * 1_000;
  };
  if (world.faults.fire('webhookDrop', `request ${delivery.eventId}`)) {
    retryLater();
    return `deliver ${delivery.eventId} (lost on the way)`;
  }
  const skewSeconds = world.faults.fire('clockSkew', delivery.eventId) ? world.choices.between(-299, 299) : 0;
  const headers = signedHeaders(delivery, world.clockMs + skewSeconds * 1_000);
  const run = (gate: Parameters<Parameters<World['spawn']>[1]>[0]) =>
    world.intake(gate, delivery.sender, headers, delivery.body);
  let answered: { statusCode: number } | undefined;
  if (world.flaws.ackBeforePersist === true) {
    // Planted: the 2xx goes out first, the work runs on in the background.
    world.spawn(`intake(background) ${delivery.eventId}`, run);
    answered = { statusCode: 202 };
  } else {
    const task = world.spawn(`intake ${delivery.eventId}`, run);
    world.afterRun(() => settleDelivery(world, delivery, task.state === 'done' ? task.result! : undefined, retryLater));
  }
  if (answered !== undefined) world.afterRun(() => settleDelivery(world, delivery, answered, retryLater));
  return `deliver ${delivery.eventId}${delivery.hostile === undefined ? '' : ` (hostile: ${delivery.hostile})`}${skewSeconds === 0 ? '' : ` skew ${skewSeconds}s`}`;
}

function settleDelivery(
  world: World,
  delivery: Delivery,
  answer: { statusCode: number } | undefined,
  retryLater: () => void,
): void {
  if (answer === undefined || answer.statusCode >= 500) return retryLater();
  if (answer.statusCode >= 400) {
    world.violations.push(`a correctly signed webhook ${delivery.eventId} was refused with ${answer.statusCode}`);
    return retryLater();
  }
  if (world.faults.fire('webhookDrop', `response ${delivery.eventId}`)) return retryLater();
  if (!delivery.acked) world.acked.add(delivery.eventId);
  delivery.acked = true;
  if (delivery.duplicatesOwed > 0) delivery.duplicatesOwed -= 1;
  if (world.faults.fire('webhookDuplicate', delivery.eventId)) {
    delivery.duplicatesOwed += 1;
    delivery.dueAtMs = world.clockMs + world.choices.between(0, 600) * 1_000;
  }
}

/** Deliveries the provider would attempt now, oldest first. */
export function dueDeliveries(world: World): Delivery[] {
  return world.provider.outbox.filter((d) => (!d.acked || d.duplicatesOwed > 0) && d.dueAtMs <= world.clockMs);
}

/** The event source mapping hands one message to a consumer; success deletes it (by its latest handle). */
export function startConsumer(
  world: World,
  queue: SimQueue,
  message: QueuedMessage,
  consume: (gate: Parameters<Parameters<World['spawn']>[1]>[0], m: QueuedMessage) => Promise<unknown>,
): string {
  const received = queue.receive(message, world.clockMs);
  if (received === undefined) return `${queue.name} ${message.messageId} → dead-letter queue`;
  const lapse = world.faults.fire('visibilityLapse', `${queue.name} ${message.messageId}`);
  const spawnOne = (copy: QueuedMessage, label: string) =>
    world.spawn(label, async (gate) => {
      await consume(gate, copy);
      await gate.point(`sqs.delete:${queue.name}`);
      const deleted = queue.delete(copy.receiptHandle);
      if (deleted && gate.fault('sqsRedelivery', `${queue.name} ${copy.messageId}`))
        queue.send(copy.body, world.clockMs, copy.messageId);
    });
  spawnOne(received, `${queue.name} ${message.messageId}#${received.receiveCount}`);
  if (lapse) {
    message.visibleAtMs = world.clockMs;
    const again = queue.receive(message, world.clockMs);
    if (again !== undefined)
      spawnOne(again, `${queue.name} ${message.messageId}#${again.receiveCount} (visibility lapsed)`);
  }
  return `${queue.name} consume ${message.messageId} (receive ${received.receiveCount})${lapse ? ' + concurrent copy' : ''}`;
}

export const consumeWebhook =
  (world: World) => (gate: Parameters<Parameters<World['spawn']>[1]>[0], m: QueuedMessage) =>
    world.processWebhook(gate, m);
export const consumeSubmission =
  (world: World) => (gate: Parameters<Parameters<World['spawn']>[1]>[0], m: QueuedMessage) =>
    world.submit(gate, m);

export type { Operation } from './operation';

export const OPERATIONS: readonly Operation[] = [
  // First, so that a zeroed draw — the shrinker's simplest choice — is a step where nothing happens.
  { name: 'idle', weight: () => 0.2, start: () => IDLE },
  {
    name: 'create',
    weight: (world) => (world.clients.length < 12 ? 3 : 0.5),
    start: (world) => {
      const request = newRequest(world);
      startCreate(world, request, `create ${request.tenantId}/${request.idempotencyKey}`);
      return `create ${request.tenantId}/${request.idempotencyKey} template ${request.template}`;
    },
  },
  {
    name: 'create-concurrent-duplicates',
    weight: () => 1,
    start: (world) => {
      const request = newRequest(world);
      const copies = world.choices.between(2, 3);
      for (let i = 0; i < copies; i += 1)
        startCreate(world, request, `create ${request.tenantId}/${request.idempotencyKey} copy ${i + 1}`);
      return `create ${request.tenantId}/${request.idempotencyKey} ×${copies} at once`;
    },
  },
  {
    name: 'create-retry',
    weight: (world) => (pending(world).length > 0 ? 3 : world.clients.length > 0 ? 0.5 : 0),
    start: (world) => {
      const open = pending(world);
      const request = open.length > 0 ? world.choices.pick(open) : world.choices.pick(world.clients);
      startCreate(world, request, `retry ${request.tenantId}/${request.idempotencyKey}`);
      return `retry create ${request.tenantId}/${request.idempotencyKey}${open.length > 0 ? '' : ' (after its answer)'}`;
    },
  },
  {
    name: 'create-key-reuse',
    weight: (world) => (world.clients.some((c) => c.done) ? 0.3 : 0),
    start: (world) => {
      const original = world.choices.pick(world.clients.filter((c) => c.done));
      const request = newRequest(world, (original.template + 1) % TEMPLATES.length, original);
      startCreate(world, request, `reuse ${request.tenantId}/${request.idempotencyKey}`);
      return `create ${request.tenantId}/${request.idempotencyKey} again with another body`;
    },
  },
  {
    name: 'submit',
    weight: (world) => (world.submissionQueue.visible(world.clockMs).length > 0 ? 3 : 0),
    start: (world) =>
      startConsumer(
        world,
        world.submissionQueue,
        world.choices.pick(world.submissionQueue.visible(world.clockMs)),
        consumeSubmission(world),
      ),
  },
  {
    name: 'provider-progress',
    weight: (world) =>
      [...world.provider.payouts.values()].some((p) => PROVIDER_NEXT_STATES[p.status].length > 0) ? 2 : 0,
    start: (world) => {
      const movable = [...world.provider.payouts.values()].filter((p) => PROVIDER_NEXT_STATES[p.status].length > 0);
      const payout = world.choices.pick(movable);
      const to = world.choices.pick(PROVIDER_NEXT_STATES[payout.status]);
      const delayed = world.faults.fire('webhookDelay', payout.reference);
      const dueAtMs = world.clockMs + (delayed ? world.choices.between(60, 7_200) * 1_000 : 0);
      const delivery = world.provider.advance(payout, to, world.clockMs, dueAtMs);
      if (world.faults.fire('hostileProvider', payout.reference)) {
        const holdsReference = world.payouts.payouts.get(payout.payoutId)?.providerReference !== undefined;
        const kinds = holdsReference
          ? (['provider', 'reference', 'amount', 'currency'] as const)
          : (['provider', 'amount', 'currency'] as const);
        const hostile = world.provider.emitHostile(payout, world.choices.pick(kinds), world.clockMs);
        world.hostile.add(hostile.eventId);
      }
      return `provider moves ${payout.reference} (${payout.payoutId}) to ${to} → ${delivery.eventId}${delayed ? ' (delayed)' : ''}`;
    },
  },
  {
    name: 'webhook-deliver',
    weight: (world) => (dueDeliveries(world).length > 0 ? 4 : 0),
    start: (world) => {
      const due = dueDeliveries(world);
      // Oldest first, unless the provider reorders.
      const delivery =
        due.length > 1 && world.faults.fire('webhookReorder', 'deliver') ? world.choices.pick(due.slice(1)) : due[0]!;
      return startDelivery(world, delivery);
    },
  },
  {
    name: 'webhook-process',
    weight: (world) => (world.webhookQueue.visible(world.clockMs).length > 0 ? 4 : 0),
    start: (world) =>
      startConsumer(
        world,
        world.webhookQueue,
        world.choices.pick(world.webhookQueue.visible(world.clockMs)),
        consumeWebhook(world),
      ),
  },
  {
    name: 'sweep',
    weight: () => 0.6,
    start: (world) => {
      world.spawn('sweep', (gate) => world.sweep(gate));
      return 'sweep';
    },
  },
  {
    name: 'redrive',
    weight: (world) => (world.webhookDlq.messages.length + world.submissionDlq.messages.length > 0 ? 0.5 : 0),
    start: (world) => {
      const queue =
        world.webhookDlq.messages.length > 0 &&
        (world.submissionDlq.messages.length === 0 || world.choices.int(2) === 0)
          ? 'webhook'
          : 'submission';
      world.spawn(`redrive ${queue}`, (gate) => world.opsCall(gate, '/ops/dlq/redrive', { queue, all: true }));
      return `ops redrives the ${queue} DLQ`;
    },
  },
  {
    name: 'replay',
    weight: (world) => (world.inbox.events.size > 0 ? 0.3 : 0),
    start: (world) => {
      const event = world.choices.pick([...world.inbox.events.values()]);
      world.spawn(`replay ${event.providerEventId}`, (gate) =>
        world.opsCall(gate, '/ops/replay', { event_ids: [`${event.provider}#${event.providerEventId}`] }),
      );
      return `ops replays ${event.provider}#${event.providerEventId}`;
    },
  },
  {
    name: 'clock-jump',
    weight: () => 0.4,
    start: (world) => {
      const minutes = world.choices.pick([5, 16, 61, 8 * 60 + 1]);
      // After the step's tasks: a request in flight is not suddenly hours old.
      world.afterRun(() => (world.clockMs += minutes * 60_000));
      return `time passes: ${minutes} min`;
    },
  },
  ...ACTION_OPERATIONS,
];
