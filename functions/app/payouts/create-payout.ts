import { IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS } from '../../http/idempotency-key';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { isRefusedRequest } from '../../adapters/dynamo-errors';
import type { PayoutCreationStore } from '../../adapters/payouts-repository';
import type { SubmissionMessage } from '../../adapters/submission-queue';
import {
  approvalExpiresAt,
  approvalRequirement,
  policyFor,
  type ApprovalPolicies,
  type ApprovalRequirement,
} from '../../domain/approval';
import type { Payout } from '../../domain/payout';
import { maskDestination } from '../../domain/recipient';
import { ApiError } from '../../http/api-error';
import type { Caller } from '../../http/claims';
import { errorBody } from '../../http/response';
import type { CreatePayoutRequest } from '../../http/create-payout-request';
import { differingFields, fieldHashes } from './field-hashes';
import { payoutView } from '../../http/payout-view';
import { isReadyForProvider } from '../../domain/compliance/holds';
import { gatesOf, type ComplianceGates, type GatedPayout } from './payout-gates';
import { NO_PAYOUT_RECIPIENTS, type PayoutRecipient } from './payout-recipient';
import { assertNever } from '../../domain/assert-never';

/**
 * What the idempotent section returns, and therefore what Powertools stores and replays. The body
 * is stored as the exact text first sent: Powertools stores a returned object as a DynamoDB map,
 * which does not keep key order, so a stored object replayed the same JSON in other bytes.
 */
export interface StoredCreateRecord {
  statusCode: number;
  bodyText: string;
  /** Salted per-field hashes of the first body and their salt, to name differing fields on reuse. */
  fieldHashes: Record<string, string>;
  salt: string;
  /** Set by the response hook (a Powertools replay) or when the key lock already held a payout. */
  replayed?: boolean;
}

/** The stored record, with its body parsed for callers that read a field of it. */
export interface StoredCreateResponse extends StoredCreateRecord {
  body: unknown;
}

/**
 * A record written before bodies were stored as text holds `body` as a map: it replays as it did,
 * its keys in the map's order (such records expire after the idempotency window).
 */
function responseOf(record: StoredCreateRecord & { body?: unknown }): StoredCreateResponse {
  const bodyText = typeof record.bodyText === 'string' ? record.bodyText : JSON.stringify(record.body);
  return { ...record, bodyText, body: JSON.parse(bodyText) as unknown };
}

/** The payload Powertools sees: the key is `idempotencyScope`, payload validation covers `body`. */
export interface IdempotentCreateInput {
  idempotencyScope: string;
  body: unknown;
  request: CreatePayoutRequest;
  caller: Caller;
  requestId: string;
}

export interface CreatePayoutDependencies {
  repository: PayoutCreationStore;
  enqueue: (message: SubmissionMessage) => Promise<void>;
  persistenceStore: BasePersistenceLayer;
  keyPrefix: string;
  expiresAfterSeconds: number;
  now: () => Date;
  newPayoutId: () => string;
  /** Four eyes (domain/approval.ts): at or over the tenant's threshold, created requires_approval, not submitted. */
  approvalPolicies: ApprovalPolicies;
  /** Issue 15: the recipient's compliance snapshot and the tenant's corridor enablements; absent: inline recipients only. */
  gates?: ComplianceGates;
}

/**
 * Builds the idempotent create. Only *returned* values are stored (DESIGN §7), so:
 * - a deterministic server failure (DynamoDB refused the request as invalid; an inconsistent key
 *   lock) is returned as a 500 and replayed for ever, as Stripe does — retrying cannot change it;
 * - a transient failure or one of unknown outcome (timeout, throttling, SQS down after the commit)
 *   is thrown: Powertools deletes its record and the retry runs again, which is safe because the
 *   key lock in the payout's transaction makes the second run find the first payout and re-enqueue
 *   its submission.
 */
export function idempotentCreate(deps: CreatePayoutDependencies) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyScope',
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: deps.expiresAfterSeconds,
    responseHook: (response) => ({ ...(response as object), replayed: true }) as never,
  });

  const execute = (input: IdempotentCreateInput, _context: Context) => createOnce(deps, input);

  const idempotent = makeIdempotent(execute, {
    persistenceStore: deps.persistenceStore,
    config,
    keyPrefix: deps.keyPrefix,
  });

  return async (input: IdempotentCreateInput, context: Context): Promise<StoredCreateResponse> => {
    config.registerLambdaContext(context);
    try {
      return responseOf(await idempotent(input, context));
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'IdempotencyValidationError') throw await keyReusedError(deps, input, error);
      if (name === 'IdempotencyAlreadyInProgressError') throw inProgress();
      throw error;
    }
  };
}

/** One run of the idempotent section: create (or find) the payout under its key lock, enqueue its submission. */
async function createOnce(deps: CreatePayoutDependencies, input: IdempotentCreateInput): Promise<StoredCreateRecord> {
  const payoutId = deps.newPayoutId();
  const { request, caller, requestId } = input;
  const hashes = fieldHashes(request.body, request.destination, payoutId);
  const now = deps.now().toISOString();
  const approval = approvalRequirement(
    policyFor(deps.approvalPolicies, caller.tenantId),
    request.body.currency,
    request.body.amount,
  );
  // Before the try: a refusal (an unknown, rejected or blocked recipient) is a 4xx, not a stored 500.
  const { gated, recipient } = await gatesOrReplay(deps, input, approval.required, now);
  try {
    const payout = newPayout({ payoutId, request, caller, requestId, now, approval, gated, recipient });
    const result = await deps.repository.createPayout({
      payout,
      destination: request.destination,
      actor: { kind: 'client', id: caller.clientId, role: caller.role, scopes: caller.scopes },
      requestId,
      fieldHashes: hashes,
    });
    if (result.kind === 'exists') {
      // The Powertools record expired, or an earlier run crashed between its commit and its answer.
      const salt = result.payout.payoutId;
      const differing = differingFields(result.fieldHashes, fieldHashes(request.body, request.destination, salt));
      if (differing.length > 0) throw keyReused(differing);
      if (isReadyForProvider(result.payout)) await deps.enqueue({ payoutId: result.payout.payoutId });
      return {
        statusCode: 201,
        bodyText: JSON.stringify(payoutView(result.payout)),
        fieldHashes: result.fieldHashes,
        salt,
        replayed: true,
      };
    }
    // Awaiting approval or held: nothing goes to the provider until an approver, or the last release, submits it.
    if (isReadyForProvider(payout)) await deps.enqueue({ payoutId });
    return { statusCode: 201, bodyText: JSON.stringify(payoutView(payout)), fieldHashes: hashes, salt: payoutId };
  } catch (error) {
    if (!isDeterministicFailure(error)) throw error;
    return storedFailure(error, requestId, hashes, payoutId);
  }
}

/** A failure that a retry would meet again is stored as this key's answer, a 500 for a person to look at. */
function storedFailure(
  error: unknown,
  requestId: string,
  hashes: Record<string, string>,
  payoutId: string,
): StoredCreateRecord {
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'create failed deterministically; storing the 500',
      requestId,
      error: String(error),
    }),
  );
  const failure = new ApiError({
    status: 500,
    type: 'api_error',
    code: 'internal_error',
    category: 'human_action_required',
    message: 'The payout could not be created; this answer is stored for this Idempotency-Key',
  });
  return {
    statusCode: 500,
    bodyText: JSON.stringify(errorBody(failure, requestId)),
    fieldHashes: hashes,
    salt: payoutId,
  };
}

/**
 * The new payout's recipient record and holds. A refusal is thrown, unless this key already holds a
 * payout (a retry after the idempotency record expired, the recipient blocked since): that payout is
 * answered as before, so what is computed here is never stored (createPayout finds the key lock).
 */
async function gatesOrReplay(
  deps: CreatePayoutDependencies,
  input: IdempotentCreateInput,
  approvalRequired: boolean,
  now: string,
): Promise<{ gated: GatedPayout; recipient?: PayoutRecipient }> {
  const { request, caller } = input;
  try {
    const recipient = await recipientOf(deps.gates, caller.tenantId, request, now);
    const gated = await gatesOf(deps.gates, {
      tenantId: caller.tenantId,
      recipient: recipient?.compliance,
      corridor: request.corridor,
      approvalRequired,
      now,
    });
    return recipient === undefined ? { gated } : { gated, recipient };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const existing = await deps.repository.findByIdempotencyKey(caller.tenantId, request.idempotencyKey);
    if (existing === undefined) throw error;
    return { gated: { holds: {}, openHoldCount: 0 } };
  }
}

/**
 * The record behind the payout. Without gates (a create built without RecipientsTable: tools, older
 * tests) an inline recipient has no record and a named one is a 404.
 */
async function recipientOf(
  gates: ComplianceGates | undefined,
  tenantId: string,
  request: CreatePayoutRequest,
  now: string,
): Promise<PayoutRecipient | undefined> {
  const ref = request.recipient;
  switch (ref.kind) {
    case 'record':
      return (gates?.recipients ?? NO_PAYOUT_RECIPIENTS).named(tenantId, ref.recipientId);
    case 'inline': {
      if (gates === undefined) return undefined;
      const payee = { name: ref.name, destination: request.destination, currency: request.body.currency };
      return gates.recipients.inline(tenantId, ref.email === undefined ? payee : { ...payee, email: ref.email }, now);
    }
    default:
      return assertNever(ref, 'payout recipient');
  }
}

interface NewPayoutInput {
  payoutId: string;
  request: CreatePayoutRequest;
  caller: Caller;
  requestId: string;
  now: string;
  approval: ApprovalRequirement;
  gated: GatedPayout;
  recipient: PayoutRecipient | undefined;
}

function newPayout(input: NewPayoutInput): Payout {
  const { payoutId, request, caller, requestId, now, approval, gated, recipient } = input;
  const { body } = request;
  return {
    payoutId,
    tenantId: caller.tenantId,
    idempotencyKey: request.idempotencyKey,
    status: approval.required ? 'requires_approval' : 'submitted',
    createdBy: { clientId: caller.clientId, subject: caller.subject },
    ...(approval.required
      ? { approval: { thresholdMinor: approval.thresholdMinor, expiresAt: approvalExpiresAt(now) } }
      : {}),
    version: 1,
    amountMinor: body.amount,
    currency: body.currency,
    provider: request.corridor.provider,
    destination: maskDestination(request.destination),
    recipient: shownRecipient(request, recipient),
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    createdAt: now,
    lastEventAt: now,
    requestIds: [requestId],
    ...(recipient === undefined ? {} : { recipientId: recipient.recipientId }),
    // Only a held payout carries the map, so every payout created before issue 15 reads as it did.
    ...(gated.openHoldCount === 0 ? {} : { holds: gated.holds, openHoldCount: gated.openHoldCount }),
  };
}

/**
 * The name (and email) the payout shows and the provider is sent: as sent inline, or the record's.
 * A named recipient without its record here is a replay of an existing payout (gatesOrReplay), whose
 * new payout is never stored.
 */
function shownRecipient(request: CreatePayoutRequest, recipient: PayoutRecipient | undefined): Payout['recipient'] {
  const ref = request.recipient;
  const source: { name: string; email?: string } = ref.kind === 'inline' ? ref : (recipient ?? { name: '' });
  return source.email === undefined ? { name: source.name } : { name: source.name, email: source.email };
}

/** DynamoDB refused the request itself: the same request will be refused again. */
function isDeterministicFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'PayoutsRepositoryError' || isRefusedRequest(error);
}

function keyReused(fields: string[]): ApiError {
  return new ApiError({
    status: 422,
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    category: 'terminal',
    message: `this Idempotency-Key was used with a different body (differs in: ${fields.join(', ') || 'the body'}); use a new key for a new payout`,
    param: 'Idempotency-Key',
    details: { fields },
  });
}

function inProgress(): ApiError {
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

/**
 * Names the differing fields from the stored response (no extra call) or, when the first request
 * is still in flight and nothing is stored yet, from the key lock; with neither, the first request
 * has not committed, so the honest answer is "in progress, retry".
 */
async function keyReusedError(
  deps: CreatePayoutDependencies,
  input: IdempotentCreateInput,
  error: unknown,
): Promise<ApiError> {
  const stored = (error as { existingRecord?: { getResponse(): unknown } }).existingRecord?.getResponse() as
    Partial<StoredCreateRecord> | undefined;
  if (stored?.fieldHashes !== undefined && stored.salt !== undefined) {
    return keyReused(
      differingFields(stored.fieldHashes, fieldHashes(input.request.body, input.request.destination, stored.salt)),
    );
  }
  const existing = await deps.repository.findByIdempotencyKey(input.caller.tenantId, input.request.idempotencyKey);
  if (existing === undefined) return inProgress();
  return keyReused(
    differingFields(
      existing.lock.fieldHashes,
      fieldHashes(input.request.body, input.request.destination, existing.payout.payoutId),
    ),
  );
}
