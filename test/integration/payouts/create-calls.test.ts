import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPIENT_SK } from '../../../functions/adapters/recipients/recipients-records';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, countCalls, lambdaContext, scanAll, type CallCounter } from './helpers';

// DynamoDB calls per POST /payouts (issue 12, twin throughput), counted on the handler's own client against
// DynamoDB Local: a regression in the count fails here, not only in the bench (bench/payouts.ts prints the same).
// handlers/create-payout.ts says why each call is there.

/** Powertools' put, the recipient's GetItem, the payout's transaction, Powertools' update. */
const KNOWN_RECIPIENT_CALLS = ['PutItemCommand', 'GetItemCommand', 'TransactWriteItemsCommand', 'UpdateItemCommand'];
/** The same, and the new record's one PutItem, written with its clear screening (no UpdateItem after it). */
const NEW_INLINE_RECIPIENT_CALLS = [
  'PutItemCommand',
  'GetItemCommand',
  'PutItemCommand',
  'TransactWriteItemsCommand',
  'UpdateItemCommand',
];

let emulators: StartedEmulators;
let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let dynamoCalls: CallCounter;
let tables: { recipients: string; operations: string };

beforeAll(async () => {
  emulators = await startEmulators();
  // The twin's list (config/local.json sets the same): create screens first-paid inline recipients.
  Object.assign(process.env, emulators.env, {
    PAYOUT_AMOUNT_MAX_MINOR: '100000000',
    SCREENING_LIST_DIRECTORY: './fixtures/screening',
  });
  const clients = await import('../../../functions/adapters/aws-clients');
  dynamoCalls = countCalls(clients.dynamoClient());
  ({ handler } = (await import('../../../functions/handlers/create-payout')) as never);
  tables = { recipients: process.env['RECIPIENTS_TABLE']!, operations: process.env['OPERATIONS_TABLE']! };
});
afterAll(async () => emulators?.stop());

const SEPA = { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' };
const inline = (name: string) => ({ amount: 700, currency: 'EUR', destination: SEPA, recipient: { name } });

const post = (body: unknown, key: string) =>
  handler(
    apiEvent({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'idempotency-key': key } }),
    lambdaContext,
  );

/** The create's calls, and its answer (a 201 is asserted: a refused create would count fewer calls). */
async function callsOf(body: unknown, key: string): Promise<{ calls: string[]; payout: Record<string, any> }> {
  dynamoCalls.reset();
  const response = await post(body, key);
  expect(response.statusCode, response.body).toBe(201);
  return { calls: [...dynamoCalls.calls], payout: JSON.parse(response.body) };
}

const recipientRecords = async (recipientId: string) =>
  (await scanAll(emulators.clients.documentClient, tables.recipients)).filter(
    (item) => item['recipientId'] === recipientId && item['sk'] === RECIPIENT_SK,
  );

describe('DynamoDB calls per create (DynamoDB Local)', () => {
  it('a new inline recipient: 5 calls, its record written once, screened clear at version 1', async () => {
    const { calls, payout } = await callsOf(inline('Dorothy Vaughan'), 'calls-new');
    expect(calls).toEqual(NEW_INLINE_RECIPIENT_CALLS);
    expect(payout).toMatchObject({ status: 'submitted', holds: [] });
    const records = await recipientRecords(payout.recipient_id);
    expect(records).toHaveLength(1);
    // The version recordClear would have written: a later rescreen or decision conditions on it.
    expect(records[0]).toMatchObject({ screening: { state: 'clear' }, screeningVersion: 1 });
    expect(JSON.stringify(records[0])).not.toContain(SEPA.iban);
    // A retry never pays twice: Powertools' one read answers it.
    const replay = await callsOf(inline('Dorothy Vaughan'), 'calls-new');
    expect([replay.calls, replay.payout.payout_id]).toEqual([['PutItemCommand'], payout.payout_id]);
  });

  it.each([
    ['the inline recipient a payout already paid', (_recipientId: string) => inline('Mary Jackson')],
    [
      'its record by recipient_id',
      (recipientId: string) => ({ amount: 700, currency: 'EUR', destination: SEPA, recipient_id: recipientId }),
    ],
  ])('a known recipient, %s: 4 calls, nothing written to its record', async (name, bodyFor) => {
    const { payout: first } = await callsOf(inline('Mary Jackson'), `calls-known-first-${name}`);
    const before = await recipientRecords(first.recipient_id);
    const { calls, payout } = await callsOf(bodyFor(first.recipient_id), `calls-known-${name}`);
    expect(calls).toEqual(KNOWN_RECIPIENT_CALLS);
    expect(payout.recipient_id).toBe(first.recipient_id);
    expect(await recipientRecords(first.recipient_id)).toEqual(before);
  });

  it('two concurrent creates naming the same new inline recipient: one record, both paid to it', async () => {
    const [a, b] = await Promise.all([
      callsOf(inline('Annie Easley'), 'calls-race-a'),
      callsOf(inline('Annie Easley'), 'calls-race-b'),
    ]);
    expect(a.payout.recipient_id).toBe(b.payout.recipient_id);
    expect(a.payout.payout_id).not.toBe(b.payout.payout_id);
    const records = await recipientRecords(a.payout.recipient_id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ screening: { state: 'clear' }, screeningVersion: 1 });
  });

  it('a new inline recipient on the list: its case, exception and hold, as any screening hit', async () => {
    const { payout } = await callsOf(inline('Ivan Petrovich Zarkov'), 'calls-hit');
    expect(payout.holds).toEqual([
      expect.objectContaining({
        kind: 'screening',
        owner: 'compliance',
        requirement: expect.stringMatching(/^screening_case:scr_/),
      }),
    ]);
    const caseId = String(payout.holds[0].requirement).slice('screening_case:'.length);
    const [record] = await recipientRecords(payout.recipient_id);
    expect(record).toMatchObject({ screening: { state: 'potential_match', caseId }, screeningVersion: 1 });
    const items = await scanAll(emulators.clients.documentClient, tables.recipients);
    const cases = items.filter((item) => item['sk'] === `SCREENING#${caseId}`);
    expect(cases).toEqual([expect.objectContaining({ state: 'open', exceptionId: expect.any(String) })]);
    const exceptions = (await scanAll(emulators.clients.documentClient, tables.operations)).filter(
      (item) => item['pk'] === `EXC#${cases[0]!['exceptionId']}` && item['sk'] === 'EXC',
    );
    expect(exceptions).toEqual([
      expect.objectContaining({ category: 'screening_potential_match', owner: 'compliance', state: 'open' }),
    ]);
  });
});
