// The generic idempotency of actions (functions/app/actions/idempotent-action.ts) on DynamoDB Local
// with a toy action: a counter item incremented in one transaction with the action key lock. The
// payout actions and the operator corrections wrap their use cases in the same primitive.
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionKeyLocks,
  ActionKeyTakenError,
  lockRefused,
  tenantKeyPrincipal,
  type ActionKeyScope,
} from '../../../functions/adapters/action-keys';
import { cancellationCodes } from '../../../functions/adapters/dynamo-errors';
import {
  idempotentAction,
  type IdempotentAction,
  type IdempotentActionRequest,
} from '../../../functions/app/actions/idempotent-action';
import { flattenFields } from '../../../functions/app/payouts/field-hashes';
import { ApiError } from '../../../functions/http/api-error';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { scanAll } from '../payouts/helpers';

let emulators: StartedEmulators;
let action: IdempotentAction;
let locks: ActionKeyLocks;
let table: string;
let idempotencyTable: string;
const context: any = { functionName: 'payout-actions', awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 };

beforeAll(async () => {
  emulators = await startEmulators();
  table = emulators.names.tables['PayoutsTable']!;
  idempotencyTable = emulators.names.tables['IdempotencyTable']!;
  locks = new ActionKeyLocks(emulators.clients.documentClient, table);
  action = idempotentAction({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: idempotencyTable,
      awsSdkV3Client: emulators.clients.dynamodb,
    }),
    keyPrefix: 'actions-test',
    expiresAfterSeconds: 3_600,
    locks,
    newSalt: () => ulid(),
    now: () => new Date(),
  });
});
afterAll(async () => emulators?.stop());

const counterKey = (resourceId: string) => ({ pk: `TEST#${resourceId}`, sk: 'COUNTER' });
async function countOf(resourceId: string): Promise<number> {
  const { Item } = await emulators.clients.documentClient.send(
    new GetCommand({ TableName: table, Key: counterKey(resourceId), ConsistentRead: true }),
  );
  return Number(Item?.['count'] ?? 0);
}

interface Toy {
  resourceId: string;
  key: string;
  body: Record<string, unknown>;
  refuse?: boolean;
  crashAfterCommit?: boolean;
  delayMs?: number;
  /** Writes the lock from "another request" between the check and our own commit. */
  raceLock?: boolean;
}

/** The toy action: counter + 1 and the lock, in one transaction; the answer has keys in a deliberate order. */
function requestOf(toy: Toy): IdempotentActionRequest {
  const scope: ActionKeyScope = {
    principal: tenantKeyPrincipal('acme'),
    route: 'POST /toys/{toyId}/bump',
    resourceId: toy.resourceId,
    key: toy.key,
  };
  return {
    scope,
    fields: flattenFields(toy.body),
    requestId: `req-${ulid()}`,
    async run({ lock }) {
      if (toy.refuse === true)
        throw new ApiError({
          status: 409,
          type: 'conflict_error',
          code: 'toy_refused',
          category: 'terminal',
          message: 'refused',
        });
      if (toy.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, toy.delayMs));
      if (toy.raceLock === true)
        await emulators.clients.documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              locks.lockItem(scope, { fieldHashes: {}, salt: 's', requestId: 'other', at: new Date().toISOString() }),
            ],
          }),
        );
      try {
        await emulators.clients.documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: counterKey(toy.resourceId),
                  UpdateExpression: 'ADD #count :one',
                  ExpressionAttributeNames: { '#count': 'count' },
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
              lock,
            ],
          }),
        );
      } catch (error) {
        if (lockRefused(cancellationCodes(error), 1)) throw new ActionKeyTakenError('toy', { cause: error });
        throw error;
      }
      if (toy.crashAfterCommit === true) throw new Error('injected: crash after the commit');
      return {
        statusCode: 200,
        body: { zeta: 1, alpha: { count: await countOf(toy.resourceId), nested: [3, 1, 2] }, mid: 'm' },
      };
    },
    async replay() {
      return { statusCode: 200, body: { replayed_from_lock: true, count: await countOf(toy.resourceId) } };
    },
  };
}

const run = (toy: Toy) => action(requestOf(toy), context);
const refusal = async (toy: Toy) =>
  run(toy).then(
    () => undefined,
    (error: unknown) => error as ApiError,
  );
const fresh = () => ({ resourceId: `toy_${ulid()}`, key: `k-${ulid()}` });

describe('idempotentAction on DynamoDB Local', () => {
  it('applies once; the same key and body replays the stored answer byte for byte', async () => {
    const toy = { ...fresh(), body: { reason: 'first', note: 'n' } };
    const first = await run(toy);
    const second = await run({ ...toy, body: { note: 'n', reason: 'first' } });
    expect(first.replayed).toBeUndefined();
    expect(second.replayed).toBe(true);
    expect(second.bodyText).toBe(first.bodyText);
    expect(first.bodyText.startsWith('{"zeta":1,"alpha":')).toBe(true);
    expect(await countOf(toy.resourceId)).toBe(1);
  });

  it('the same key with another body → 422 idempotency_key_reused naming the differing fields, nothing applied', async () => {
    const toy = { ...fresh(), body: { reason: 'first', note: 'same' } };
    await run(toy);
    const error = await refusal({ ...toy, body: { reason: 'second', note: 'same', extra: { depth: 1 } } });
    expect(error).toMatchObject({
      status: 422,
      code: 'idempotency_key_reused',
      details: { fields: ['extra.depth', 'reason'] },
    });
    expect(await countOf(toy.resourceId)).toBe(1);
  });

  it('a duplicate while the first runs → 409 idempotency_request_in_progress with Retry-After', async () => {
    const toy = { ...fresh(), body: { reason: 'slow' } };
    const first = run({ ...toy, delayMs: 800 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await refusal(toy)).toMatchObject({
      status: 409,
      code: 'idempotency_request_in_progress',
      headers: { 'retry-after': '1' },
    });
    expect((await first).statusCode).toBe(200);
    expect(await countOf(toy.resourceId)).toBe(1);
  });

  it('a refusal is not stored and writes nothing: the retry decides again', async () => {
    const toy = { ...fresh(), body: { reason: 'r' } };
    const before = (await scanAll(emulators.clients.documentClient, idempotencyTable)).length;
    expect(await refusal({ ...toy, refuse: true })).toMatchObject({ status: 409, code: 'toy_refused' });
    expect((await scanAll(emulators.clients.documentClient, idempotencyTable)).length).toBe(before);
    expect(
      await locks.find({
        principal: tenantKeyPrincipal('acme'),
        route: 'POST /toys/{toyId}/bump',
        resourceId: toy.resourceId,
        key: toy.key,
      }),
    ).toBeUndefined();
    expect((await run(toy)).statusCode).toBe(200);
    expect(await countOf(toy.resourceId)).toBe(1);
  });

  it('a crash after the commit: the retry finds the lock and replays, never applying twice', async () => {
    const toy = { ...fresh(), body: { reason: 'crash' } };
    await expect(run({ ...toy, crashAfterCommit: true })).rejects.toThrow('crash after the commit');
    const retry = await run(toy);
    expect(retry).toMatchObject({ statusCode: 200, replayed: true });
    expect(JSON.parse(retry.bodyText)).toEqual({ replayed_from_lock: true, count: 1 });
    expect(await countOf(toy.resourceId)).toBe(1);
    expect(await refusal({ ...toy, body: { reason: 'other' } })).toMatchObject({
      status: 422,
      details: { fields: ['reason'] },
    });
  });

  it('after the Powertools record expired, the lock still holds the key', async () => {
    const toy = { ...fresh(), body: { reason: 'expire' } };
    await run(toy);
    for (const item of await scanAll(emulators.clients.documentClient, idempotencyTable)) {
      if (String(item['id']).startsWith('actions-test#'))
        await emulators.clients.documentClient.send(
          new DeleteCommand({ TableName: idempotencyTable, Key: { id: item['id'] } }),
        );
    }
    expect(await run(toy)).toMatchObject({ replayed: true });
    expect(await countOf(toy.resourceId)).toBe(1);
    expect(await refusal({ ...toy, body: { reason: 'changed' } })).toMatchObject({
      status: 422,
      details: { fields: ['reason'] },
    });
  });

  it('a lock written between the check and the commit fails the commit and is answered from the lock', async () => {
    const toy = { ...fresh(), body: {} };
    const answer = await run({ ...toy, raceLock: true });
    expect(answer.replayed).toBe(true);
    expect(await countOf(toy.resourceId)).toBe(0);
  });

  it('keys are scoped: the same key on another resource is another action', async () => {
    const key = `k-${ulid()}`;
    const a = { resourceId: `toy_${ulid()}`, key, body: { reason: 'a' } };
    const b = { resourceId: `toy_${ulid()}`, key, body: { reason: 'b' } };
    expect((await run(a)).replayed).toBeUndefined();
    expect((await run(b)).replayed).toBeUndefined();
    expect([await countOf(a.resourceId), await countOf(b.resourceId)]).toEqual([1, 1]);
  });
});
