import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import {
  scopeString,
  type ActionKeyLock,
  type ActionKeyLockStore,
  type ActionKeyScope,
} from '../../adapters/action-keys';
import type { TransactItem } from '../../adapters/ledger-writes';
import { ApiError } from '../../http/api-error';
import { IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS, type StoredAnswer } from '../../http/idempotency-key';
import { differingFields, hashFieldValues } from '../payouts/field-hashes';

/**
 * The idempotency of every state-changing action (approve, reject, cancel, reversals, operator
 * corrections), with the semantics of create (app/payouts/create-payout.ts, DESIGN §1):
 * - same key + same body → the stored answer, byte for byte, with `Idempotent-Replayed: true`;
 * - same key + another body → 422 `idempotency_key_reused`, naming the differing fields by salted
 *   per-field hashes (app/payouts/field-hashes.ts: no reason or note is stored in clear);
 * - a duplicate while the first is running → 409 `idempotency_request_in_progress` + Retry-After.
 * The key's scope is principal + route + resource + key (adapters/action-keys.ts): one tenant's
 * key never meets another's, nor the same key on another route or payout.
 *
 * Two layers, as for create:
 * 1. Powertools (DESIGN §7 facts): only a *returned* answer is stored, so `run` returns successes
 *    and throws refusals. A refusal (404, 403 self_approval_forbidden, 409 invalid_transition …)
 *    is decided on the resource's state, writes nothing and is not stored: a retry decides again
 *    on the state then. The key prefix is explicit (the twin and AWS must compute one record id),
 *    and the body is stored as the exact string sent, because Powertools stores a returned object
 *    as a DynamoDB map, which does not keep key order.
 * 2. The action key lock, written by `run` in the transaction that applies the action. Checked
 *    before `run`, and its condition covers the race after the check: an action the key already
 *    applied — its Powertools record expired, or the process died between the commit and the
 *    record — is answered by `replay` (the resource as it stands now), never applied twice, and
 *    never refused for the state its own first run created.
 */

/** What `run` and `replay` answer; the body is serialised once, here. */
export interface ActionAnswer {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What the idempotent section returns, and therefore what Powertools stores and replays. */
export interface StoredActionAnswer extends StoredAnswer {
  /** Salted per-field hashes of the first body and their salt, to name differing fields on reuse. */
  fieldHashes: Record<string, string>;
  salt: string;
}

export interface ActionRunContext {
  /** Write this item in the same transaction as the action's change (its condition refuses a reuse). */
  lock: TransactItem;
}

export interface IdempotentActionRequest {
  scope: ActionKeyScope;
  /** The request body as field paths (flattenFields): compared by salted hash on a reuse. */
  fields: Record<string, unknown>;
  requestId: string;
  /** Applies the action once, writing `context.lock` with it; throws refusals (ApiError). */
  run(context: ActionRunContext): Promise<ActionAnswer>;
  /** The answer to a retry of an action this key already applied, its stored answer gone. */
  replay(lock: ActionKeyLock): Promise<ActionAnswer>;
}

export interface IdempotentActionDeps {
  /**
   * This wrapper's own layer: Powertools configures a layer once and ignores (with a warning) a
   * second configuration, so a layer shared with create (or another action wrapper) would silently
   * run with the other's key prefix and payload validation.
   */
  persistenceStore: BasePersistenceLayer;
  /** Explicit (DESIGN §7): the default is the function name, which the twin and AWS do not share. */
  keyPrefix: string;
  expiresAfterSeconds: number;
  locks: ActionKeyLockStore;
  newSalt(): string;
  now(): Date;
}

/**
 * The payload Powertools sees: the key is `idempotencyScope`, payload validation covers `fields`;
 * Powertools serialises only those two JMESPath results, so the request rides along untouched.
 */
interface PowertoolsInput {
  idempotencyScope: string;
  fields: Record<string, unknown>;
  request: IdempotentActionRequest;
}

export type IdempotentAction = (request: IdempotentActionRequest, context: Context) => Promise<StoredActionAnswer>;

export function idempotentAction(deps: IdempotentActionDeps): IdempotentAction {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyScope',
    payloadValidationJmesPath: 'fields',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: deps.expiresAfterSeconds,
    responseHook: (response) => ({ ...(response as object), replayed: true }) as never,
  });
  const execute = async ({ request }: PowertoolsInput, _context: Context): Promise<StoredActionAnswer> => {
    const applied = await deps.locks.find(request.scope);
    if (applied !== undefined) return replayOf(request, applied);
    const salt = deps.newSalt();
    const fieldHashes = hashFieldValues(request.fields, salt);
    const lock = deps.locks.lockItem(request.scope, {
      fieldHashes,
      salt,
      requestId: request.requestId,
      at: deps.now().toISOString(),
    });
    try {
      return stored(await request.run({ lock }), fieldHashes, salt);
    } catch (error) {
      if ((error as { name?: string } | null)?.name !== 'ActionKeyTakenError') throw error;
      // Another run with this key committed between our check and our write.
      const winner = await deps.locks.find(request.scope);
      if (winner === undefined) throw error;
      return replayOf(request, winner);
    }
  };

  const idempotent = makeIdempotent(execute, {
    persistenceStore: deps.persistenceStore,
    config,
    keyPrefix: deps.keyPrefix,
  });

  return async (request, context) => {
    config.registerLambdaContext(context);
    try {
      return await idempotent(
        { idempotencyScope: scopeString(request.scope), fields: request.fields, request },
        context,
      );
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'IdempotencyValidationError') throw await keyReusedError(deps, request, error);
      if (name === 'IdempotencyAlreadyInProgressError') throw inProgress();
      throw error;
    }
  };
}

async function replayOf(request: IdempotentActionRequest, lock: ActionKeyLock): Promise<StoredActionAnswer> {
  const differing = differingFields(lock.fieldHashes, hashFieldValues(request.fields, lock.salt));
  if (differing.length > 0) throw keyReused(differing);
  return { ...stored(await request.replay(lock), lock.fieldHashes, lock.salt), replayed: true };
}

function stored(answer: ActionAnswer, fieldHashes: Record<string, string>, salt: string): StoredActionAnswer {
  return {
    statusCode: answer.statusCode,
    bodyText: JSON.stringify(answer.body),
    headers: answer.headers ?? {},
    fieldHashes,
    salt,
  };
}

/**
 * Names the differing fields from the stored answer (no extra call) or, while the first request is
 * still in flight and nothing is stored yet, from the lock; with neither, the first request has
 * not committed, so the honest answer is "in progress, retry".
 */
async function keyReusedError(
  deps: IdempotentActionDeps,
  request: IdempotentActionRequest,
  error: unknown,
): Promise<ApiError> {
  const record = (error as { existingRecord?: { getResponse(): unknown } }).existingRecord;
  const answer = record?.getResponse() as Partial<StoredActionAnswer> | undefined;
  if (answer?.fieldHashes !== undefined && answer.salt !== undefined) {
    return keyReused(differingFields(answer.fieldHashes, hashFieldValues(request.fields, answer.salt)));
  }
  const lock = await deps.locks.find(request.scope);
  if (lock === undefined) return inProgress();
  return keyReused(differingFields(lock.fieldHashes, hashFieldValues(request.fields, lock.salt)));
}

export function keyReused(fields: string[]): ApiError {
  return new ApiError({
    status: 422,
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    category: 'terminal',
    message: `this Idempotency-Key was used with a different body (differs in: ${fields.join(', ') || 'the body'}); use a new key for a new request`,
    param: 'Idempotency-Key',
    details: { fields },
  });
}

export function inProgress(): ApiError {
  return new ApiError({
    status: 409,
    type: 'idempotency_error',
    code: 'idempotency_request_in_progress',
    category: 'retryable',
    message: 'a request with this Idempotency-Key is still in progress; retry after the Retry-After delay',
    param: 'Idempotency-Key',
    headers: { 'retry-after': String(IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS) },
  });
}
