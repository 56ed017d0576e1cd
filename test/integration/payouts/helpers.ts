// Helpers shared by the payouts integration suites: item counts, ledger sums, sample payouts, and
// an SDK middleware that counts (and can fail) DynamoDB calls.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulidx';
import type { Payout } from '../../../functions/domain/payout';
import type { NewPayout } from '../../../functions/adapters/payouts-repository';

export async function scanAll(client: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Sum of every balance item per currency: the ledger invariant is that each is zero. */
export async function ledgerSums(client: DynamoDBDocumentClient, ledgerTable: string): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const item of await scanAll(client, ledgerTable)) {
    if (item['entity'] !== 'balance') continue;
    const currency = String(item['currency']);
    sums[currency] = (sums[currency] ?? 0) + Number(item['balanceMinor']);
  }
  return sums;
}

export function samplePayout(overrides: Partial<Payout> = {}): NewPayout {
  const now = new Date().toISOString();
  const payoutId = `po_${ulid()}`;
  const payout: Payout = {
    payoutId,
    tenantId: 'acme',
    idempotencyKey: `key-${ulid()}`,
    status: 'submitted',
    version: 1,
    amountMinor: 12_500,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: { iban: '••••••••••••••••••3000' } },
    recipient: { name: 'Ada Lovelace' },
    createdAt: now,
    lastEventAt: now,
    requestIds: ['req-create-1'],
    ...overrides,
  };
  return {
    payout,
    destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
    actor: { kind: 'client', id: 'client-1', role: 'backend', scopes: ['payouts:write'] },
    requestId: 'req-create-1',
    fieldHashes: { amount: 'h1' },
  };
}

export interface CallCounter {
  calls: string[];
  reset(): void;
  /** Throws `error` from the next call of `command` (once), before it reaches DynamoDB. */
  failNext(command: string, error: Error): void;
  /** Holds the next call of `command` (once) for `ms` before sending it. */
  delayNext(command: string, ms: number): void;
}

/** Counts every command sent through the client (and the document clients built on it). */
export function countCalls(client: DynamoDBClient): CallCounter {
  const calls: string[] = [];
  const failures = new Map<string, Error>();
  const delays = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'unknown');
      calls.push(command);
      const failure = failures.get(command);
      if (failure) {
        failures.delete(command);
        throw failure;
      }
      const delayMs = delays.get(command);
      if (delayMs !== undefined) {
        delays.delete(command);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      return next(args);
    },
    { step: 'initialize', name: 'countDynamoCalls', override: true },
  );
  return {
    calls,
    reset: () => calls.splice(0),
    failNext: (command, error) => failures.set(command, error),
    delayNext: (command, ms) => delays.set(command, ms),
  };
}

/** An HTTP API v2 event as API Gateway's JWT authorizer hands it over. */
export function apiEvent(options: {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  tenant?: string;
  /** The tenant principal's role (default backend); `operator` makes it an operator's token instead. */
  role?: string;
  operator?: string;
  scopes?: string[];
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}): any {
  const requestId = `req-${ulid()}`;
  return {
    version: '2.0',
    routeKey: `${options.method ?? 'POST'} ${options.path ?? '/payouts'}`,
    rawPath: options.path ?? '/payouts',
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    body: options.body,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      http: { method: options.method ?? 'POST', path: options.path ?? '/payouts' },
      authorizer: {
        jwt: {
          claims: {
            ...(options.operator === undefined
              ? {
                  tenant_id: options.tenant ?? 'acme',
                  principal_type: 'tenant',
                  principal_role: options.role ?? 'backend',
                }
              : { principal_type: 'operator', principal_role: options.operator }),
            client_id: 'client-acme',
            sub: 'client-acme',
            scope: (options.scopes ?? ['payouts:write', 'payouts:read']).map((s) => `payout-platform/${s}`).join(' '),
          },
          scopes: null,
        },
      },
    },
  };
}

export const lambdaContext: any = {
  functionName: 'create-payout',
  awsRequestId: 'local',
  getRemainingTimeInMillis: () => 30_000,
};
