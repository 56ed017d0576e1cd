// The twin's pure parts: intrinsic resolution to local names, route selection, and API Gateway's
// v2 response mapping.
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../lib/routes';
import { buildEvent, mapResult } from '../../../local/aws/apigw-event.js';
import { resolve, type ResolveContext } from '../../../local/template/resolve.js';
import { RouteTable } from '../../../local/aws/routes.js';
import type { RouteSpec } from '../../../local/template/model.js';
import { loadTemplate } from '../../../local/template/template.js';
import { FIXTURE_CDK_OUT_DIR, fixtureModel } from '../../support/fixture-model.js';

const context: ResolveContext = {
  template: loadTemplate(FIXTURE_CDK_OUT_DIR).template,
  stackName: 'FixtureStack',
  sqsEndpointUrl: 'http://127.0.0.1:4566',
  apiUrl: 'http://127.0.0.1:3000',
  issuerUrl: 'http://127.0.0.1:3000/.twin/issuer',
};

describe('resolve', () => {
  it.each([
    [{ Ref: 'PayoutsTable' }, 'PayoutsTable'],
    [{ Ref: 'SubmissionQueue' }, 'http://127.0.0.1:4566/000000000000/SubmissionQueue'],
    [{ 'Fn::GetAtt': ['SubmissionQueue', 'Arn'] }, 'arn:aws:sqs:us-east-1:000000000000:SubmissionQueue'],
    [{ 'Fn::GetAtt': ['SubmissionDlq', 'QueueUrl'] }, 'http://127.0.0.1:4566/000000000000/SubmissionDlq'],
    [{ 'Fn::GetAtt': ['SubmissionQueue', 'QueueName'] }, 'SubmissionQueue'],
    [{ 'Fn::GetAtt': 'PayoutsTable.Arn' }, 'arn:aws:dynamodb:us-east-1:000000000000:table/PayoutsTable'],
    [{ Ref: 'EvidenceBucket' }, 'evidencebucket'],
    [{ 'Fn::GetAtt': ['EvidenceBucket', 'Arn'] }, 'arn:aws:s3:::evidencebucket'],
    [{ Ref: 'M2mClient' }, 'M2mClient'],
    [{ 'Fn::GetAtt': ['EchoFunction', 'Arn'] }, 'arn:aws:lambda:us-east-1:000000000000:function:EchoFunction'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] }, 'a-us-east-1-000000000000'],
    [
      { 'Fn::Sub': '${PayoutsTable}/${SubmissionQueue.QueueName}/${AWS::Partition}/${!Literal}' },
      'PayoutsTable/SubmissionQueue/aws/${Literal}',
    ],
    [{ 'Fn::Sub': ['${X}-${PayoutsTable}', { X: { Ref: 'AWS::Region' } }] }, 'us-east-1-PayoutsTable'],
    [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 'b'],
    [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, 'http://127.0.0.1:3000'],
  ])('%j → %s', (value, expected) => {
    expect(resolve(value, context)).toBe(expected);
  });

  it('drops AWS::NoValue properties and list items', () => {
    expect(resolve({ a: { Ref: 'AWS::NoValue' }, b: ['x', { Ref: 'AWS::NoValue' }] }, context)).toEqual({ b: ['x'] });
  });

  it('refuses what it cannot resolve rather than guessing', () => {
    expect(() => resolve({ Ref: 'Nope' }, context)).toThrow(/unknown logical id/);
    expect(() => resolve({ 'Fn::ImportValue': 'x' }, context)).toThrow(/not supported/);
  });
});

describe('fixture model', () => {
  it('reads audiences as local client ids and follows route → integration → function', () => {
    const model = fixtureModel();
    expect(model.authorizers[0]!.audiences).toEqual(['M2mClient']);
    expect(model.routes.find((route) => route.routeKey === 'POST /echo')).toMatchObject({
      functionLogicalId: 'EchoFunction',
      scopes: ['payout-platform/payouts:write'],
      authorizerLogicalId: 'JwtAuthorizer',
    });
    expect(model.queues.find((queue) => queue.logicalId === 'SubmissionQueue')).toMatchObject({
      deadLetterQueueLogicalId: 'SubmissionDlq',
      maxReceiveCount: 2,
    });
    expect(model.tables.find((table) => table.logicalId === 'IdempotencyTable')!.ttlAttribute).toBe('expiration');
    expect(model.schedules[0]).toMatchObject({
      expression: 'rate(5 minutes)',
      timezone: 'UTC',
      functionLogicalId: 'TickFunction',
    });
  });
});

describe('RouteTable', () => {
  const route = (routeKey: string): RouteSpec => ({
    logicalId: routeKey,
    routeKey,
    functionLogicalId: routeKey,
    authorizerLogicalId: undefined,
    scopes: [],
  });
  const table = new RouteTable(
    [
      'GET /payouts',
      'GET /payouts/{payoutId}',
      'GET /payouts/{payoutId}/events',
      'GET /payouts/export',
      'ANY /files/{path+}',
      'POST /webhooks/{provider}',
    ].map(route),
  );
  const matched = (method: string, path: string) => table.match(method, path)?.route.routeKey;

  it.each([
    ['GET', '/payouts', 'GET /payouts'],
    ['GET', '/payouts/', 'GET /payouts'],
    ['GET', '/payouts/po_1', 'GET /payouts/{payoutId}'],
    ['GET', '/payouts/export', 'GET /payouts/export'],
    ['GET', '/payouts/po_1/events', 'GET /payouts/{payoutId}/events'],
    ['DELETE', '/files/a/b', 'ANY /files/{path+}'],
    ['POST', '/webhooks/sandbox', 'POST /webhooks/{provider}'],
    ['GET', '/webhooks/sandbox', undefined],
    ['GET', '/files', undefined],
    ['GET', '/nope', undefined],
  ])('%s %s → %s', (method, path, expected) => {
    expect(matched(method, path)).toBe(expected);
  });

  it('decodes path parameters', () => {
    expect(table.match('GET', '/payouts/po%201')?.pathParameters).toEqual({ payoutId: 'po 1' });
    expect(table.match('GET', '/files/a/b%20c')?.pathParameters).toEqual({ path: 'a/b c' });
  });

  it('falls back to $default', () => {
    expect(new RouteTable([route('$default'), route('GET /x')]).match('PUT', '/anything')?.route.routeKey).toBe(
      '$default',
    );
  });
});

describe('RouteTable over the real API routes (lib/routes.ts): an unknown method on a known path is no route', () => {
  // API Gateway (HTTP API) answers 404 for a method no route declares, also on a path some other
  // method routes; the twin's API server answers 404 route_not_found whenever match() finds nothing.
  const routes = Object.values(API_ROUTES).flatMap((specs) => specs.map((spec) => `${spec.method} ${spec.path}`));
  const table = new RouteTable(
    routes.map((routeKey): RouteSpec => ({
      logicalId: routeKey,
      routeKey,
      functionLogicalId: routeKey,
      authorizerLogicalId: undefined,
      scopes: [],
    })),
  );
  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
  const sample = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => `sample-${name}`);

  it.each([...new Set(routes.map((routeKey) => routeKey.split(' ')[1]!))])(
    '%s: only its declared methods match',
    (path) => {
      const declared = routes
        .filter((routeKey) => routeKey.endsWith(` ${path}`))
        .map((routeKey) => routeKey.split(' ')[0]!);
      for (const method of METHODS) {
        const matched = table.match(method, sample(path))?.route.routeKey;
        if (declared.includes(method)) expect(matched).toBe(`${method} ${path}`);
        // Another route's template may match the path, as in API Gateway: GET /batches/uploads is
        // GET /batches/{batchId} with batchId "uploads" (the handler answers it as an unknown batch).
        else if (matched !== undefined) expect([method, matched]).toEqual([method, expect.stringMatching(/\{\w+\}/)]);
      }
    },
  );
});

describe('buildEvent: the body as API Gateway hands it over', () => {
  const request = (body: Buffer, contentType: string) => ({
    method: 'POST',
    rawPath: '/payouts',
    rawQueryString: '',
    headers: { 'content-type': contentType },
    body,
    sourceIp: '127.0.0.1',
  });
  const context = {
    requestId: 'r',
    routeKey: 'POST /payouts',
    apiId: 'local',
    domainName: '127.0.0.1',
    pathParameters: undefined,
    jwt: undefined,
    nowMs: 0,
  };

  it('passes UTF-8 JSON as text', () => {
    expect(buildEvent(request(Buffer.from('{"name":"Zoë"}'), 'application/json'), context)).toMatchObject({
      body: '{"name":"Zoë"}',
      isBase64Encoded: false,
    });
  });

  it('passes bytes that are not UTF-8 base64-encoded, never rewritten to U+FFFD', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const event = buildEvent(request(bytes, 'application/json'), context);
    expect(event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });
});

describe('mapResult (v2 response rules)', () => {
  it('takes a structured result field by field', () => {
    const response = mapResult({
      statusCode: 201,
      headers: { 'X-A': 'b' },
      cookies: ['c=1'],
      body: 'aGk=',
      isBase64Encoded: true,
    });
    expect(response).toMatchObject({ statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['c=1'] });
    expect(response.body.toString()).toBe('hi');
  });

  it('turns anything else into a 200 JSON response', () => {
    expect(mapResult({ a: 1 })).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(mapResult({ a: 1 }).body.toString()).toBe('{"a":1}');
    expect(mapResult('plain').body.toString()).toBe('plain');
    expect(mapResult(null).body.toString()).toBe('null');
  });
});
