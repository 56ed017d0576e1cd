import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { batchesApi, type BatchesApiDeps } from '../../functions/app/batches/batches-api';
import { fanOutChunk, type ChunkOutcome, type FanOutDeps } from '../../functions/app/batches/batch-fan-out';
import type { FanOutMessage } from '../../functions/app/batches/accept-batch';
import { corridorMatrix } from '../../functions/adapters/corridors-config';
import { parseFanOutMessage } from '../../functions/adapters/batch-queue';
import { batchItemPayoutId } from '../../functions/domain/batches/batch-identity';
import { DomainError } from '../../functions/domain/domain-error';
import { ApiError, fromDomainError } from '../../functions/http/api-error';
import { errorResponse, type HttpResult } from '../../functions/http/response';
import { BATCH_ID_PREFIX } from '../../functions/shared/ids';
import {
  PRINCIPAL_ROLE_CLAIM,
  PRINCIPAL_TYPE_CLAIM,
  RESOURCE_SERVER_ID,
  TENANT_CLAIM,
} from '../../functions/shared/names';
import type { Gate } from './gate';
import { InMemoryAuditTrail } from './memory/audit';
import { InMemoryBatchItemObjects, InMemoryBatches } from './memory/batches';
import { sender, type QueuedMessage } from './memory/queues';
import { lambdaContext, type World } from './world';

/**
 * Batches (issue 13) as the batches-api and process-batch Lambdas run them: the real router
 * (app/batches/batches-api.ts: scope, strict body, the sender_batch_id claim, approval, the batch
 * operator's retry) and the real fan-out (app/batches/batch-fan-out.ts, through the create path's
 * own transaction), onto the in-memory stores. Refusals answer as httpHandler answers them.
 */

/** Who calls the batches API: the backend submits, the approver approves, the batch operator retries. */
export type BatchPrincipal = 'backend' | 'approver' | 'batch-operator';

const SCOPES: Readonly<Record<BatchPrincipal, readonly string[]>> = {
  backend: ['payouts:write', 'payouts:read', 'batches:write'],
  approver: ['payouts:approve', 'payouts:read'],
  'batch-operator': ['batches:retry', 'payouts:read'],
};

export type { BatchSubmission } from './batch-requests';

function claimsOf(tenantId: string, principal: BatchPrincipal): Record<string, string> {
  const clientId = principal === 'backend' ? `sim-${tenantId}` : `sim-${tenantId}-${principal}`;
  return {
    sub: clientId,
    client_id: clientId,
    [TENANT_CLAIM]: tenantId,
    [PRINCIPAL_TYPE_CLAIM]: 'tenant',
    [PRINCIPAL_ROLE_CLAIM]: principal,
    scope: SCOPES[principal].map((s) => `${RESOURCE_SERVER_ID}/${s}`).join(' '),
  };
}

interface BatchCall {
  readonly tenantId: string;
  readonly principal: BatchPrincipal;
  readonly routePath: '/batches' | '/batches/{batchId}/approve' | '/batches/{batchId}/retry';
  readonly batchId?: string;
  readonly body?: unknown;
}

function batchEvent(call: BatchCall, requestId: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const path = call.routePath.replace('{batchId}', call.batchId ?? '');
  return {
    version: '2.0',
    routeKey: `POST ${call.routePath}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(call.batchId === undefined ? {} : { pathParameters: { batchId: call.batchId } }),
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'sim' },
      authorizer: {
        jwt: { claims: claimsOf(call.tenantId, call.principal), scopes: [] },
        principalId: '',
        integrationLatency: 0,
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** handlers/batches-api.ts' wiring, per task. Inline items only: uploads are S3, which the model leaves out. */
function apiDeps(world: World, gate: Gate): BatchesApiDeps {
  return {
    store: new InMemoryBatches(world.batches, world.payouts, gate),
    itemsSource: {
      readUpload: () => {
        throw new Error('the simulation submits inline items only');
      },
    },
    itemObjects: new InMemoryBatchItemObjects(world.batches, gate),
    enqueueFanOut: async (messages: readonly FanOutMessage[]) => {
      for (const message of messages) await sender(world.batchQueue, gate, world.now)(JSON.stringify(message));
    },
    approvalPolicies: world.approvalPolicies,
    amountMaxMinor: 1_000_000_000,
    nowIso: () => new Date(world.clockMs).toISOString(),
    // A ULID's shape, as the path check requires: bat_000…0001, bat_000…0002 …
    newBatchId: () => `${BATCH_ID_PREFIX}${String(++world.batchSequence).padStart(26, '0')}`,
    audit: new InMemoryAuditTrail(world.audit, gate),
    groups: world.batchGroupsFor(gate),
  };
}

export async function callBatches(world: World, gate: Gate, call: BatchCall): Promise<HttpResult> {
  const requestId = world.newRequestId();
  try {
    return await batchesApi(apiDeps(world, gate), batchEvent(call, requestId), requestId, lambdaContext('batches'));
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, requestId);
    if (error instanceof DomainError) return errorResponse(fromDomainError(error), requestId);
    throw error;
  }
}

/** handlers/process-batch.ts' wiring: one chunk of a batch into payouts. */
export async function fanOut(world: World, gate: Gate, message: QueuedMessage): Promise<ChunkOutcome> {
  const batches = new InMemoryBatches(world.batches, world.payouts, gate);
  const deps: FanOutDeps = {
    batches: world.flaws.batchIdentityPerBatch === true ? identityPerBatch(batches) : batches,
    itemObjects: new InMemoryBatchItemObjects(world.batches, gate),
    payouts: world.payoutsFor(gate),
    enqueueSubmission: async ({ payoutId }) =>
      sender(world.submissionQueue, gate, world.now)(JSON.stringify({ payoutId })),
    corridors: corridorMatrix(),
    nowIso: () => new Date(world.clockMs).toISOString(),
    groups: world.batchGroupsFor(gate),
  };
  return fanOutChunk(deps, parseFanOutMessage(message.body));
}

/**
 * Planted: an item's identity taken as (batch id, sender_item_id) instead of (tenant,
 * sender_batch_id, sender_item_id) — the batch id folded into the sender_batch_id the fan-out reads,
 * and the items' payout ids derived from it. A resubmission after the window is a new batch, so it
 * pays every item again.
 */
function identityPerBatch(batches: InMemoryBatches): FanOutDeps['batches'] {
  const perBatch = (senderBatchId: string, batchId: string) => `${senderBatchId}.${batchId}`;
  return {
    getBatch: async (batchId) => {
      const batch = await batches.getBatch(batchId);
      return batch === undefined ? undefined : { ...batch, senderBatchId: perBatch(batch.senderBatchId, batchId) };
    },
    chunkItems: async (batchId, chunk) => {
      const batch = await batches.getBatch(batchId);
      return (await batches.chunkItems(batchId, chunk)).map((item) => ({
        ...item,
        payoutId: batchItemPayoutId({
          tenantId: batch!.tenantId,
          senderBatchId: perBatch(batch!.senderBatchId, batchId),
          senderItemId: item.senderItemId,
        }),
      }));
    },
    rejectItem: (item, rejection) => batches.rejectItem(item, rejection),
    putItemsIfAbsent: (items) => batches.putItemsIfAbsent(items),
  };
}

export function errorCodeOf(answer: HttpResult): string | undefined {
  if (answer.statusCode < 400 || typeof answer.body !== 'string') return undefined;
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export function bodyOf(answer: HttpResult): Record<string, unknown> {
  return typeof answer.body === 'string' ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
}
