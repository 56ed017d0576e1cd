// A replay answers the bytes the first request was sent, not only the same JSON (issue 12):
// Powertools stores a returned object as a DynamoDB map, which does not keep key order, so the
// create stores its body as text. Against DynamoDB Local, through the real handler and SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { VALID_BODY, bodyString } from '../../unit/api/bad-inputs';
import { apiEvent, countCalls, lambdaContext, scanAll, type CallCounter } from './helpers';

type Answer = { statusCode: number; headers: Record<string, string>; body: string };
let emulators: StartedEmulators;
let handler: (event: unknown, context: unknown) => Promise<Answer>;
let dynamoCalls: CallCounter;

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env, { PAYOUT_AMOUNT_MAX_MINOR: '100000000' });
  const clients = await import('../../../functions/adapters/aws-clients');
  dynamoCalls = countCalls(clients.dynamoClient());
  ({ handler } = (await import('../../../functions/handlers/create-payout')) as never);
});
afterAll(async () => emulators?.stop());

const post = (body: unknown, key: string) =>
  handler(
    apiEvent({ body: bodyString(body), headers: { 'content-type': 'application/json', 'idempotency-key': key } }),
    lambdaContext,
  );

// Metadata keys out of any order a map would restore: a stored map gave them back reordered.
const SHUFFLED_METADATA = { zeta: 'z', alpha: 'a', mid: 'm', b2: 'x', a10: 'y', invoice: 'INV-42' };
const CASES: Array<{ name: string; body: unknown; status: number; fail?: boolean }> = [
  { name: 'a payout with every optional field', body: VALID_BODY, status: 201 },
  { name: 'metadata in no sorted order', body: { ...VALID_BODY, metadata: SHUFFLED_METADATA }, status: 201 },
  {
    name: 'no description, no email',
    body: { ...VALID_BODY, description: undefined, recipient: { name: 'Ada' } },
    status: 201,
  },
  { name: 'a stored 500', body: VALID_BODY, status: 500, fail: true },
];

describe('replayed create bodies are byte-identical to the first', () => {
  it.each(CASES)('$name', async ({ name, body, status, fail }) => {
    const key = `bytes-${name.replaceAll(' ', '-')}`;
    if (fail)
      dynamoCalls.failNext(
        'TransactWriteItemsCommand',
        Object.assign(new Error('injected: item too large'), { name: 'ValidationException' }),
      );
    const first = await post(body, key);
    expect(first.statusCode).toBe(status);
    for (let replayIndex = 0; replayIndex < 3; replayIndex += 1) {
      const replay = await post(body, key);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.statusCode).toBe(status);
      expect(Buffer.from(replay.body).equals(Buffer.from(first.body)), `${replay.body}\n${first.body}`).toBe(true);
    }
  });

  it('stores the body as the text first sent, and the field hashes beside it', async () => {
    const first = await post({ ...VALID_BODY, metadata: SHUFFLED_METADATA }, 'bytes-stored-record');
    const records = await scanAll(emulators.clients.documentClient, process.env['IDEMPOTENCY_TABLE']!);
    const stored = records
      .map((record) => (record['data'] ?? {}) as Record<string, unknown>)
      .find((data) => data['bodyText'] === first.body);
    expect(stored).toMatchObject({ statusCode: 201, salt: JSON.parse(first.body).payout_id });
    expect(Object.keys(stored!['fieldHashes'] as object).length).toBeGreaterThan(0);
    expect(stored).not.toHaveProperty('body');
  });
});
