// Calls every route of lib/routes.ts as one actor of the access matrix, for the access-matrix e2e
// test and drill (drills/access-matrix.ts). What each call should give is read from the matrix
// (functions/shared/access-matrix.ts) and the route's scope — never from a second hand-written list.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ActorRow } from '../../functions/shared/access-matrix.js';
import type { Scope } from '../../functions/shared/names.js';
import { API_ROUTES } from '../../lib/routes.js';
import { loadSandboxSecret } from '../../local/sandbox/webhook-emitter.js';
import { signStandardWebhook } from '../../local/sandbox/webhook-signer.js';
import type { TwinTokenRequest } from '../../local/twin.js';

export interface ProbeRoute {
  method: string;
  path: string;
  scope: Scope | null;
}

/** Every API route of the CDK app, with its one scope. */
export function matrixRoutes(): ProbeRoute[] {
  return Object.values(API_ROUTES)
    .flat()
    .map((route) => ({ method: String(route.method), path: route.path, scope: route.scope }));
}

/** Allowed: the authorizer and the handler's principal check let it through (any status but 401/403). */
export type Access = 'allowed' | 401 | 403;

export function expectedAccess(row: ActorRow, route: ProbeRoute): Access {
  if (route.scope === null) return 'allowed';
  if (row.tokenType === 'iam') return 401; // jobs hold no token
  return (row.scopes as readonly Scope[]).includes(route.scope) ? 'allowed' : 403;
}

export const accessOf = (status: number): Access => (status === 401 || status === 403 ? status : 'allowed');

/** The token request of an actor (jobs have none). */
export function actorTokenRequest(row: ActorRow, tenant: string): TwinTokenRequest | undefined {
  switch (row.principalType) {
    case 'tenant':
      return { tenant, role: row.role };
    case 'operator':
      return { operator: `matrix-${row.role}`, role: row.role };
    case 'job':
      return undefined;
  }
}

function samplePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    switch (name) {
      case 'payoutId':
        return 'po_01KMATRIXPROBE0000000000A1';
      case 'date':
        return '2026-01-01';
      case 'exceptionId':
        return 'exc_00000000000000000000000000000000';
      case 'provider':
        return 'sandbox';
      default:
        return 'sample';
    }
  });
}

export interface ProbeAnswer {
  status: number;
  code: string | undefined;
  text: string;
}

/**
 * One call. POST bodies are `{}` (the handler refuses them after its principal check, which is what
 * is probed); the webhook intake gets a correctly signed `{}` so its own 401 (bad signature) does
 * not hide whether the route was open.
 */
export async function callRoute(baseUrl: string, route: ProbeRoute, token: string | undefined): Promise<ProbeAnswer> {
  const body = route.method === 'POST' ? '{}' : undefined;
  const headers: Record<string, string> = {
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  if (route.path === '/webhooks/{provider}')
    Object.assign(
      headers,
      signStandardWebhook(loadSandboxSecret(), `msg_matrix_${Date.now()}`, Date.now() / 1000, '{}'),
    );
  const response = await fetch(`${baseUrl}${samplePath(route.path)}`, {
    method: route.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, text };
}

/** Item counts of every table and message counts of every queue: equal before and after means nothing was written. */
export async function stateSnapshot(
  documentClient: DynamoDBDocumentClient,
  sqs: SQSClient,
  names: { tables: Record<string, string>; queueUrls: Record<string, string> },
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [logicalId, table] of Object.entries(names.tables)) {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new ScanCommand({
          TableName: table,
          Select: 'COUNT',
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    counts[logicalId] = count;
  }
  for (const [logicalId, url] of Object.entries(names.queueUrls)) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    counts[logicalId] =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return counts;
}
