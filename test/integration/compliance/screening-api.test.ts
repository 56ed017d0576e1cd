// screening-api on DynamoDB Local (issue 15, docs/screening.md): compliance's queue (gsi2, oldest first, paged), a
// case with its evidence, the clear/confirm decisions through the HTTP router — four-eyes for a strong clear, the
// proposer's own decision refused, a confirm keeping the holds — every read audited, bad input refused unwritten.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { LocalListScreeningProvider } from '../../../functions/adapters/screening/local-list-provider';
import {
  recipientPk,
  ScreeningCasesRepository,
} from '../../../functions/adapters/screening/screening-cases-repository';
import { loadSdnListFromDirectory } from '../../../functions/adapters/screening/sdn-list-sources';
import { screeningApi, type ScreeningApiDeps } from '../../../functions/app/compliance/screening-api';
import { screenRecipient } from '../../../functions/app/compliance/screen-recipient';
import type { RecipientHoldSignals } from '../../../functions/domain/compliance/contract';
import { DomainError } from '../../../functions/domain/domain-error';
import { ApiError, fromDomainError } from '../../../functions/http/api-error';
import { errorResponse } from '../../../functions/http/response';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

let emulators: StartedEmulators;
let deps: ScreeningApiDeps;
let auditTable: string;
let table: string;
const signals: { kind: 'matched' | 'cleared'; args: unknown[] }[] = [];
const holds: RecipientHoldSignals = {
  screeningMatched: async (...args) => void signals.push({ kind: 'matched', args }),
  screeningCleared: async (...args) => void signals.push({ kind: 'cleared', args }),
};

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  table = emulators.names.tables['RecipientsTable']!;
  auditTable = emulators.names.tables['AuditTable']!;
  const audit = new AuditTrail(client, auditTable);
  const list = await loadSdnListFromDirectory('fixtures/screening');
  deps = {
    provider: new LocalListScreeningProvider(async () => list),
    cases: new ScreeningCasesRepository(client, table, audit),
    exceptions: new ExceptionsRepository(client, emulators.names.tables['OperationsTable']!, { audit }),
    holds,
    audit,
    nowMs: () => Date.now(),
    newCaseId: () => ulid(),
  };
}, 300_000);
afterAll(async () => emulators?.stop());

async function screened(name: string, country?: string) {
  const tenantId = `t-${ulid().toLowerCase()}`;
  const recipientId = `rcp_${ulid()}`;
  await emulators.clients.documentClient.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: recipientPk(tenantId, recipientId),
        sk: 'RECIPIENT',
        tenantId,
        recipientId,
        kind: 'individual',
        name,
        ...(country === undefined ? {} : { country }),
      },
    }),
  );
  const snapshot = await screenRecipient(deps, (await deps.cases.getRecipient(tenantId, recipientId))!);
  return { tenantId, recipientId, caseId: snapshot.caseId! };
}

interface Call {
  method: 'GET' | 'POST';
  route: string;
  caseId?: string;
  query?: Record<string, string>;
  body?: unknown;
  operator?: string;
  role?: string;
  scope?: string;
}

async function call(input: Call) {
  const path = input.route.replace('{caseId}', input.caseId ?? '');
  const event = {
    version: '2.0',
    routeKey: `${input.method} ${input.route}`,
    rawPath: path,
    queryStringParameters: input.query,
    pathParameters: input.caseId === undefined ? undefined : { caseId: input.caseId },
    headers: input.body === undefined ? {} : { 'content-type': 'application/json' },
    body: input.body === undefined ? undefined : JSON.stringify(input.body),
    requestContext: {
      requestId: 'req-test',
      http: { method: input.method, path },
      authorizer: {
        jwt: {
          claims: {
            sub: input.operator ?? 'alice',
            username: input.operator ?? 'alice',
            client_id: 'ops-console',
            principal_type: 'operator',
            principal_role: input.role ?? 'compliance',
            scope: `payout-platform/${input.scope ?? 'compliance:review'}`,
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const answer = await screeningApi(deps, event, 'req-test').catch((error: unknown) => {
    if (error instanceof ApiError) return errorResponse(error, 'req-test');
    if (error instanceof DomainError) return errorResponse(fromDomainError(error), 'req-test');
    throw error;
  });
  return { status: answer.statusCode, body: JSON.parse(answer.body as string) };
}

const decide = (kind: 'clear' | 'confirm', caseId: string, operator: string, note = 'passport and DOB checked') =>
  call({ method: 'POST', route: `/ops/screening/{caseId}/${kind}`, caseId, operator, body: { note } });

async function auditOf(subject: string) {
  const out = await emulators.clients.documentClient.send(
    new QueryCommand({
      TableName: auditTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${subject}` },
    }),
  );
  return (out.Items ?? []).filter((i) => typeof i.action === 'string');
}

describe('GET /ops/screening…', () => {
  it('the open queue oldest first, paged by cursor; each page audited', async () => {
    const first = await screened('Ivan Zarkov', 'RU');
    const second = await screened('Anna Kowalski');
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const answer = await call({
        method: 'GET',
        route: '/ops/screening',
        query: { state: 'open', limit: '1', ...(cursor === undefined ? {} : { cursor }) },
      });
      expect(answer.status).toBe(200);
      ids.push(...answer.body.data.map((c: { case_id: string }) => c.case_id));
      cursor = answer.body.next_cursor ?? undefined;
      if (cursor === undefined) break;
    }
    expect(ids.indexOf(first.caseId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.caseId)).toBeGreaterThan(ids.indexOf(first.caseId));
    expect((await auditOf('screening_queue#state:open')).map((r) => r.action)).toContain('screening.read');
  });

  it('a case with its evidence: the list entry, the score, the list version; the read audited', async () => {
    const { caseId, tenantId } = await screened('Ivan Zarkov', 'RU');
    const answer = await call({ method: 'GET', route: '/ops/screening/{caseId}', caseId });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ case_id: caseId, tenant_id: tenantId, state: 'open', provider: 'local_list' });
    expect(answer.body.list_version).toEqual(expect.any(String));
    expect(answer.body.matches[0]).toMatchObject({ source_list: 'us_ofac', source_id: '9001' });
    expect(answer.body.score).toBe(answer.body.matches[0].score);
    const trail = await auditOf(`screening_case#${caseId}`);
    expect(trail.map((r) => r.action)).toEqual(['screening.opened', 'screening.read']);
  });

  it.each([
    ['no such case', 'scr_01JF0ZZ0000000000000000000', 404],
    ['not a case id', 'po_01JF0ZZ0000000000000000000', 404],
  ])('%s: 404', async (_what, caseId, status) => {
    expect((await call({ method: 'GET', route: '/ops/screening/{caseId}', caseId })).status).toBe(status);
  });

  it.each([
    [{ state: 'maybe' }, 'invalid_state'],
    [{ cursor: 'not-a-cursor!' }, 'invalid_cursor'],
    [{ cursor: Buffer.from('{"pk":"x"}').toString('base64url') }, 'invalid_cursor'],
    [{ colour: 'red' }, 'parameter_unknown'],
  ])('the queue refuses %j: %s', async (query, code) => {
    const answer = await call({ method: 'GET', route: '/ops/screening', query });
    expect(answer).toMatchObject({ status: 400, body: { error: { code } } });
  });

  it('an operator without compliance:review is refused', async () => {
    const answer = await call({ method: 'GET', route: '/ops/screening', role: 'ops', scope: 'ops:read' });
    expect(answer.status).toBe(403);
  });
});

describe('POST /ops/screening/{caseId}/clear|confirm', () => {
  it("a strong clear takes two: the proposer's own decision is 403, a second operator's clears and releases", async () => {
    const { caseId, tenantId, recipientId } = await screened('Ivan Petrovich Zarkov'); // score 1: four-eyes
    const proposed = await decide('clear', caseId, 'alice');
    expect(proposed).toMatchObject({ status: 200, body: { state: 'clear_proposed', proposal: { by: 'alice' } } });
    const refused = await decide('clear', caseId, 'alice');
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'screening_proposer_cannot_decide' } } });
    expect((await deps.cases.getCase(caseId))!.state).toBe('clear_proposed'); // nothing written
    signals.length = 0;
    const cleared = await decide('clear', caseId, 'bob');
    expect(cleared).toMatchObject({
      status: 200,
      body: { state: 'cleared', decision: { by: 'bob', outcome: 'cleared' } },
    });
    expect(signals).toEqual([{ kind: 'cleared', args: [tenantId, recipientId, caseId, 'bob', expect.any(String)] }]);
    expect(await decide('clear', caseId, 'carol')).toMatchObject({ status: 409 });
  });

  it('a confirm blocks for good: the holds are kept (no release), a later clear is 409', async () => {
    const { caseId } = await screened('Omar Fictivi', 'SY');
    signals.length = 0;
    const confirmed = await decide('confirm', caseId, 'alice');
    expect(confirmed).toMatchObject({ status: 200, body: { state: 'confirmed', decision: { outcome: 'confirmed' } } });
    expect(signals.filter((s) => s.kind === 'cleared')).toEqual([]);
    const later = await decide('clear', caseId, 'bob');
    expect(later).toMatchObject({ status: 409, body: { error: { code: 'screening_case_confirmed' } } });
  });

  it.each([
    [{ note: 'no' }, 'invalid_note'],
    [{}, 'field_missing'],
    [{ note: 'fine reason', extra: 1 }, 'field_unknown'],
  ])('refuses the body %j (%s), nothing written', async (body, code) => {
    const { caseId } = await screened('Anna Kowalski');
    const answer = await call({ method: 'POST', route: '/ops/screening/{caseId}/clear', caseId, body });
    expect(answer).toMatchObject({ status: 400, body: { error: { code } } });
    expect((await deps.cases.getCase(caseId))!).toMatchObject({ state: 'open', version: 1 });
  });

  it('a decision on no case is 404', async () => {
    expect((await decide('confirm', 'scr_01JF0ZZ0000000000000000000', 'alice')).status).toBe(404);
  });
});
