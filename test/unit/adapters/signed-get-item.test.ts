import { describe, expect, it } from 'vitest';
import {
  GET_ITEM_ATTEMPTS_MAX,
  SignedGetItemError,
  dynamoEndpointFromEnv,
  signedGetItem,
} from '../../../functions/adapters/signed-get-item';

// The pre-token trigger's one read, without the SDK client: what it sends, what it retries, what it refuses.

const credentials = () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/x-amz-json-1.0' } });

function reader(answers: Array<Response | Error>) {
  const sent: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    sent.push({ url: String(url), init });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  const getItem = signedGetItem({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:8000',
    credentials,
    fetch,
    sleep: async () => {},
    random: () => 0.5,
  });
  return { getItem, sent };
}

describe('signedGetItem', () => {
  it('sends one consistent, SigV4-signed GetItem over the JSON protocol and reads the item back', async () => {
    const { getItem, sent } = reader([
      json(200, { Item: { tenantId: { S: 'acme' }, version: { N: '3' }, on: { BOOL: true }, tags: { SS: ['x'] } } }),
    ]);
    const item = await getItem('ops-table', { pk: 'TENANT_CLIENT#c1', sk: 'TENANT_CLIENT' });
    expect(item).toEqual({ tenantId: 'acme', version: 3, on: true, tags: undefined });
    expect(sent).toHaveLength(1);
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*host.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['host']).toBeUndefined();
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({
      TableName: 'ops-table',
      Key: { pk: { S: 'TENANT_CLIENT#c1' }, sk: { S: 'TENANT_CLIENT' } },
      ConsistentRead: true,
    });
  });

  it('answers undefined for a missing item', async () => {
    const { getItem } = reader([json(200, {})]);
    expect(await getItem('ops-table', { pk: 'a', sk: 'b' })).toBeUndefined();
  });

  const throttled = { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' };
  it.each([
    ['a throttle', json(400, throttled)],
    ['a 500', json(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' })],
    ['a 503 page that is not JSON', new Response('<html>busy</html>', { status: 503 })],
    ['a network failure', new TypeError('fetch failed')],
  ])('retries %s, then succeeds', async (_label, first) => {
    const { getItem, sent } = reader([first, json(200, { Item: { tenantId: { S: 'acme' } } })]);
    expect(await getItem('t', { pk: 'a' })).toEqual({ tenantId: 'acme' });
    expect(sent).toHaveLength(2);
  });

  it.each([
    ['ResourceNotFoundException', 400],
    ['AccessDeniedException', 400],
    ['ValidationException', 400],
  ])('refuses %s at once, with its code', async (type, status) => {
    const { getItem, sent } = reader([json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}` })]);
    const error = await getItem('t', { pk: 'a' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignedGetItemError);
    expect(error).toMatchObject({ code: type, retryable: false });
    expect(sent).toHaveLength(1);
  });

  it(`gives up after ${GET_ITEM_ATTEMPTS_MAX} attempts`, async () => {
    const answers = Array.from({ length: GET_ITEM_ATTEMPTS_MAX + 1 }, () => json(400, throttled));
    const { getItem, sent } = reader(answers);
    await expect(getItem('t', { pk: 'a' })).rejects.toMatchObject({
      code: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
    expect(sent).toHaveLength(GET_ITEM_ATTEMPTS_MAX);
  });

  it.each([
    [
      { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://x' },
      'us-east-1',
      'http://127.0.0.1:1',
    ],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }, 'us-east-1', 'http://127.0.0.1:2'],
    [{}, 'eu-west-1', 'https://dynamodb.eu-west-1.amazonaws.com'],
    [{}, 'cn-north-1', 'https://dynamodb.cn-north-1.amazonaws.com.cn'],
  ])('finds the endpoint the SDK would use (%j, %s)', (env, region, expected) => {
    expect(dynamoEndpointFromEnv(env, region)).toBe(expected);
  });
});
