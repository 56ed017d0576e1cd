import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpHandler, type ApiEvent } from '../../../functions/http/http-handler';
import { DomainError } from '../../../functions/domain/domain-error';
import { isTransientFailure } from '../../../functions/http/internal-error';
import { TransitionConflictError } from '../../../functions/adapters/payouts-errors';

// An error no route mapped is answered honestly — a deterministic failure is not
// `retryable`, a known-transient one is a 503 with Retry-After, and the message fits the route.
const event = (method: string, routeKey: string): ApiEvent =>
  ({
    routeKey,
    rawPath: routeKey.split(' ')[1],
    headers: {},
    requestContext: { requestId: 'req-internal-1', http: { method } },
  }) as unknown as ApiEvent;

const failing = (error: unknown, options?: Parameters<typeof httpHandler>[1]) =>
  httpHandler(async () => {
    throw error;
  }, options);

const answer = async (handler: ReturnType<typeof httpHandler>, e: ApiEvent) => {
  const result = await handler(e, {} as never);
  return {
    status: result.statusCode,
    headers: result.headers,
    error: JSON.parse(result.body).error as Record<string, string>,
  };
};

const dynamo = (name: string, httpStatusCode: number, fault: 'client' | 'server') =>
  Object.assign(new Error(`${name}: injected`), { name, $fault: fault, $metadata: { httpStatusCode } });

beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe('unmapped errors: status and category by what a retry can do', () => {
  it.each([
    ['DynamoDB ValidationException (our bug)', dynamo('ValidationException', 400, 'client'), false],
    [
      'ResourceNotFoundException (a missing table: configuration)',
      dynamo('ResourceNotFoundException', 400, 'client'),
      false,
    ],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), false],
    ['a thrown string', 'boom', false],
    ['ThrottlingException', dynamo('ThrottlingException', 400, 'client'), true],
    ['ProvisionedThroughputExceededException', dynamo('ProvisionedThroughputExceededException', 400, 'client'), true],
    ['an InternalServerError (5xx)', dynamo('InternalServerError', 500, 'server'), true],
    ['any 503', dynamo('SomethingNew', 503, 'server'), true],
    ['TransactionConflictException', dynamo('TransactionConflictException', 400, 'client'), true],
    ['our TransitionConflictError (the payout kept changing)', new TransitionConflictError('po_1', 4), true],
    ['a socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [
      'a timeout wrapped as a cause',
      new Error('send failed', { cause: Object.assign(new Error('t'), { name: 'TimeoutError' }) }),
      true,
    ],
  ])('%s → transient: %s', (_name, error, transient) => expect(isTransientFailure(error)).toBe(transient));

  it('a read that fails deterministically is 500 terminal, and its message speaks of no Idempotency-Key', async () => {
    const got = await answer(failing(dynamo('ValidationException', 400, 'client')), event('GET', 'GET /payouts'));
    expect(got.status).toBe(500);
    expect(got.error).toMatchObject({
      type: 'api_error',
      code: 'internal_error',
      category: 'terminal',
      request_id: 'req-internal-1',
    });
    expect(got.error['message']).not.toMatch(/idempotency/i);
    expect(got.headers['request-id']).toBe('req-internal-1');
  });

  it('a throttled read is 503 retryable with Retry-After', async () => {
    const got = await answer(failing(dynamo('ThrottlingException', 400, 'client')), event('GET', 'GET /exceptions'));
    expect(got.status).toBe(503);
    expect(got.error).toMatchObject({ code: 'temporarily_unavailable', category: 'retryable' });
    expect(got.headers['retry-after']).toBe('1');
    expect(got.error['message']).not.toMatch(/idempotency/i);
  });

  it('POST /payouts: an unknown outcome is retryable with the same Idempotency-Key', async () => {
    const got = await answer(
      failing(new Error('unknown'), { writes: 'idempotent_create' }),
      event('POST', 'POST /payouts'),
    );
    expect(got.status).toBe(500);
    expect(got.error).toMatchObject({ code: 'internal_error', category: 'retryable' });
    expect(got.error['message']).toMatch(/same Idempotency-Key/);
  });

  it('an operator action that failed unexpectedly needs a person to look: human_action_required', async () => {
    const got = await answer(failing(new Error('half-way')), event('POST', 'POST /ops/dlq/redrive'));
    expect(got.status).toBe(500);
    expect(got.error).toMatchObject({ code: 'internal_error', category: 'human_action_required' });
    expect(got.error['message']).not.toMatch(/idempotency/i);
  });

  it('a DomainError is the caller’s (422 with its own category), not an internal error', async () => {
    const got = await answer(
      failing(new DomainError('corridor_not_enabled', 'terminal', 'no such corridor', { param: 'destination' })),
      event('POST', 'POST /payouts'),
    );
    expect([got.status, got.error['code'], got.error['category'], got.error['param']]).toEqual([
      422,
      'corridor_not_enabled',
      'terminal',
      'destination',
    ]);
  });
});

const ENTRY_IMPORT_TIMEOUT_MS = 30_000;

describe('every HTTP entry shares httpHandler’s catch (the three that caught by hand included)', () => {
  // No table or queue names are set here, so building the dependencies fails: a deterministic
  // configuration error. The old hand-written catches answered it "retryable … same Idempotency-Key".
  it.each([
    ['ops-exceptions', 'GET', 'GET /exceptions', 'terminal'],
    ['ops-exceptions', 'POST', 'POST /exceptions/{exceptionId}/resolve', 'human_action_required'],
    ['ops-redrive', 'GET', 'GET /ops/dlq', 'terminal'],
    ['ops-redrive', 'POST', 'POST /ops/replay', 'human_action_required'],
    ['reconciliations-api', 'GET', 'GET /reconciliations/{date}', 'terminal'],
  ])(
    '%s %s → 500 internal_error %s',
    async (entry, method, routeKey, category) => {
      const { handler } = (await import(`../../../functions/handlers/${entry}.ts`)) as {
        handler: (e: ApiEvent, c: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const e = event(method, routeKey);
      Object.assign(e, {
        rawPath: routeKey
          .split(' ')[1]!
          .replace('{exceptionId}', 'exc_' + '0'.repeat(32))
          .replace('{date}', '2026-11-24'),
        body: '{"note":"done"}',
      });
      Object.assign(e.headers, { 'content-type': 'application/json' });
      Object.assign(e.requestContext, {
        authorizer: {
          jwt: {
            claims: {
              sub: 'op',
              scope: 'payout-platform/ops:read payout-platform/ops:redrive payout-platform/exceptions:write',
            },
          },
        },
      });
      const result = await handler(e, {});
      expect(result.statusCode).toBe(500);
      const error = JSON.parse(result.body).error;
      expect(error).toMatchObject({ code: 'internal_error', category, request_id: 'req-internal-1' });
      expect(error.message).not.toMatch(/idempotency/i);
      // Each case first imports a whole entry (its AWS SDK clients included): seconds on a loaded
      // 2-core machine, where vitest's default 5 s timed the first one out.
    },
    ENTRY_IMPORT_TIMEOUT_MS,
  );
});
