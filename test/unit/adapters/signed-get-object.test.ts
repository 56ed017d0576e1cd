import { describe, expect, it } from 'vitest';
import {
  GET_OBJECT_ATTEMPTS_MAX,
  SignedGetObjectError,
  objectUrl,
  s3EndpointFromEnv,
  signedGetObject,
} from '../../../functions/adapters/signed-get-object';

// The screening list's reads, without the S3 client: where they go, what they sign, what they retry, what they refuse.

const credentials = () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
const s3Error = (status: number, code: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`, {
    status,
    headers: { 'content-type': 'application/xml' },
  });

function reader(answers: Array<Response | Error>, forcePathStyle = true) {
  const sent: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    sent.push({ url: String(url), init });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  const getObject = signedGetObject({
    region: 'eu-west-1',
    endpoint: forcePathStyle ? 'http://127.0.0.1:4566' : 'https://s3.eu-west-1.amazonaws.com',
    forcePathStyle,
    credentials,
    fetch,
    sleep: async () => {},
    random: () => 0.5,
  });
  return { getObject, sent };
}

describe('objectUrl', () => {
  it.each([
    ['http://127.0.0.1:4566', true, 'http://127.0.0.1:4566/list-bucket/sdn/sdn.csv'],
    ['http://127.0.0.1:4566/', true, 'http://127.0.0.1:4566/list-bucket/sdn/sdn.csv'],
    ['https://s3.eu-west-1.amazonaws.com', false, 'https://list-bucket.s3.eu-west-1.amazonaws.com/sdn/sdn.csv'],
  ])('%s (path style %s) → %s', (endpoint, pathStyle, url) => {
    expect(String(objectUrl(endpoint, 'list-bucket', 'sdn/sdn.csv', pathStyle))).toBe(url);
  });

  it('encodes each segment once and keeps the slashes', () => {
    expect(objectUrl('http://h:1', 'b', 'a b/ä+c=d&e', true).pathname).toBe('/b/a%20b/%C3%A4%2Bc%3Dd%26e');
  });
});

describe('s3EndpointFromEnv', () => {
  it.each([
    [{ AWS_ENDPOINT_URL_S3: 'http://s3.local:1', AWS_ENDPOINT_URL: 'http://any:2' }, 'eu-west-1', 'http://s3.local:1'],
    [{ AWS_ENDPOINT_URL: 'http://any:2' }, 'eu-west-1', 'http://any:2'],
    [{}, 'eu-west-1', 'https://s3.eu-west-1.amazonaws.com'],
    [{}, 'cn-north-1', 'https://s3.cn-north-1.amazonaws.com.cn'],
  ])('%j in %s → %s', (env, region, endpoint) => {
    expect(s3EndpointFromEnv(env, region)).toBe(endpoint);
  });
});

describe('signedGetObject', () => {
  it('sends one signed GET and streams the body', async () => {
    const { getObject, sent } = reader([new Response('name,list\n', { status: 200 })]);
    const body = await getObject('list-bucket', 'sdn/sdn.csv');
    expect(Buffer.concat(await body.toArray()).toString('utf8')).toBe('name,list\n');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('http://127.0.0.1:4566/list-bucket/sdn/sdn.csv');
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(sent[0]!.init.method).toBe('GET');
    expect(headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    // The SHA-256 of the empty body, as S3 requires it in x-amz-content-sha256 for a signed GET.
    expect(headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['host']).toBeUndefined();
  });

  it('addresses the bucket virtual-hosted on AWS', async () => {
    const { getObject, sent } = reader([new Response('x', { status: 200 })], false);
    await getObject('list-bucket', 'manifest.json');
    expect(sent[0]!.url).toBe('https://list-bucket.s3.eu-west-1.amazonaws.com/manifest.json');
  });

  it.each([
    [s3Error(503, 'SlowDown')],
    [s3Error(500, 'InternalError')],
    [s3Error(400, 'RequestTimeout')],
    [new TypeError('fetch failed')],
  ])('retries %s, then succeeds', async (first) => {
    const { getObject, sent } = reader([first, new Response('ok', { status: 200 })]);
    await expect(
      getObject('b', 'k').then(async (body) => Buffer.concat(await body.toArray()).toString()),
    ).resolves.toBe('ok');
    expect(sent).toHaveLength(2);
  });

  it.each([
    [s3Error(404, 'NoSuchKey'), 'NoSuchKey'],
    [s3Error(403, 'AccessDenied'), 'AccessDenied'],
    [new Response('', { status: 404 }), 'NoSuchKey'],
    [new Response('<html>proxy</html>', { status: 400 }), 'http_400'],
  ])('refuses %#, without another attempt', async (answer, code) => {
    const { getObject, sent } = reader([answer]);
    const error = await getObject('b', 'k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignedGetObjectError);
    expect(error).toMatchObject({ code, retryable: false });
    expect(sent).toHaveLength(1);
  });

  it(`gives up after ${GET_OBJECT_ATTEMPTS_MAX} attempts`, async () => {
    const { getObject, sent } = reader(Array.from({ length: GET_OBJECT_ATTEMPTS_MAX }, () => s3Error(503, 'SlowDown')));
    await expect(getObject('b', 'k')).rejects.toMatchObject({ code: 'SlowDown', retryable: true });
    expect(sent).toHaveLength(GET_OBJECT_ATTEMPTS_MAX);
  });
});
