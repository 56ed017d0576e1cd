// POST /recipients through the real recipients-api handler, as the stack wires it (its environment from the
// synthesized template): each new recipient is screened before the create answers (issue 15: "screened on
// creation"), against the fixture SDN list the twin's emulators upload to S3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, lambdaContext } from '../payouts/helpers';

let emulators: StartedEmulators;
let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  ({ handler } = (await import('../../../functions/handlers/recipients-api.js')) as never);
});
afterAll(async () => emulators?.stop());

const recipient = (name: string) => ({
  kind: 'individual',
  name,
  country: 'GB',
  contact: {},
  destinations: [
    { currency: 'GBP', country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  ],
});

async function create(name: string, key: string) {
  const response = await handler(
    apiEvent({
      method: 'POST',
      path: '/recipients',
      scopes: ['recipients:write', 'recipients:read'],
      headers: { 'content-type': 'application/json', 'idempotency-key': `${key}-${process.pid}` },
      body: JSON.stringify(recipient(name)),
    }),
    lambdaContext,
  );
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

describe('POST /recipients screens the new recipient', () => {
  it('a name on no list: clear', async () => {
    const created = await create('Babbage Ltd Analytical', 'screen-clear');
    expect(created.status).toBe(201);
    expect(created.body['screening']).toEqual({ state: 'clear' });
  });

  it('a name on the fixture list: a potential match, before the create answers', async () => {
    const created = await create('Ivan Petrovich Zarkov', 'screen-hit');
    expect(created.status).toBe(201);
    expect(created.body['screening']).toEqual({ state: 'potential_match' });
  });
});
