import { describe, expect, it } from 'vitest';
import type { InboxRepository } from '../../../functions/adapters/inbox-repository';
import { CachedWebhookSecrets, parseWebhookSecrets } from '../../../functions/adapters/webhook-secrets';
import type { WebhookQueue } from '../../../functions/adapters/webhook-queue';
import { signStandardWebhook } from '../../../functions/domain/webhook-signatures';
import { WEBHOOK_BODY_BYTES_MAX } from '../../../functions/http/http-limits';
import { intakeWebhook, type RejectionReason } from '../../../functions/app/webhooks/intake';

// Refusals in their order of precedence; each counted and none touching the inbox or the queue.
const SECRET = 'whsec_' + Buffer.from('unit-test-secret-0123456789abcdef').toString('base64');
const NOW_MS = 1_764_000_000_000;

function setup() {
  const rejections: RejectionReason[] = [];
  const writes: string[] = [];
  const deps = {
    secrets: new CachedWebhookSecrets(async () => JSON.stringify({ sandbox: [SECRET] })),
    inbox: {
      receive: async () => (writes.push('inbox'), Promise.reject(new Error('no'))),
    } as unknown as InboxRepository,
    queue: { enqueue: async () => void writes.push('queue') } as unknown as WebhookQueue,
    countRejection: (reason: RejectionReason) => void rejections.push(reason),
    nowMs: () => NOW_MS,
  };
  const post = (provider: string, body: string, headers: Record<string, string> = {}) =>
    intakeWebhook(deps, { provider, headers, rawBody: new TextEncoder().encode(body), requestId: 'req-1' });
  const signed = (body: string, id = 'evt_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(NOW_MS / 1000),
    'webhook-signature': signStandardWebhook(SECRET, id, NOW_MS / 1000, new TextEncoder().encode(body)),
  });
  const postBytes = (bytes: Uint8Array, headers: Record<string, string>) =>
    intakeWebhook(deps, { provider: 'sandbox', headers, rawBody: bytes, requestId: 'req-1' });
  return { rejections, writes, post, signed, postBytes };
}

const intakeWebhookBytes = (t: ReturnType<typeof setup>, bytes: Uint8Array, headers: Record<string, string>) =>
  t.postBytes(bytes, headers);

describe('intake refusals', () => {
  it.each([
    ['unknown provider', 'no-such-provider', '{}', false, 404, 'unknown_provider'],
    ['body over the limit', 'sandbox', 'x'.repeat(WEBHOOK_BODY_BYTES_MAX + 1), true, 413, 'body_too_large'],
    ['no signature headers', 'sandbox', '{"type":"payout.paid"}', false, 401, 'missing_header'],
    ['signed but not JSON', 'sandbox', 'not json', true, 400, 'invalid_json'],
    ['signed JSON array', 'sandbox', '[1,2]', true, 400, 'invalid_json'],
    ['signed JSON without a type', 'sandbox', '{"data":{}}', true, 400, 'invalid_json'],
  ])('%s → %i (%s), nothing written', async (_name, provider, body, sign, status, reason) => {
    const t = setup();
    const res = await t.post(provider, body, sign ? t.signed(body) : {});
    expect(res.statusCode).toBe(status);
    expect(res.headers['request-id']).toBe('req-1');
    expect(JSON.parse(res.body).error.request_id).toBe('req-1');
    expect(t.rejections).toEqual([reason]);
    expect(t.writes).toEqual([]);
  });
});

describe('intake reads the signed body strictly: refused before it is stored', () => {
  const signedBytes = (bytes: Uint8Array, id = 'evt_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(NOW_MS / 1000),
    'webhook-signature': signStandardWebhook(SECRET, id, NOW_MS / 1000, bytes),
  });
  it.each([
    [
      'a key repeated in the event',
      'duplicate_json_key',
      'data.status',
      Buffer.from('{"type":"payout.paid","data":{"status":"paid","status":"failed"}}'),
    ],
    [
      'bytes that are not UTF-8',
      'body_not_utf8',
      undefined,
      Buffer.concat([Buffer.from('{"type":"payout.paid","data":{"note":"'), Buffer.from([0xff]), Buffer.from('"}}')]),
    ],
    ['a byte order mark', 'invalid_json', undefined, Buffer.from('\uFEFF{"type":"payout.paid"}')],
    [
      'nesting past the limit',
      'body_too_deep',
      undefined,
      Buffer.from(`{"type":"payout.paid","data":${'['.repeat(40)}${']'.repeat(40)}}`),
    ],
  ])('%s → 400 %s, counted, nothing written', async (_name, reason, param, bytes) => {
    const t = setup();
    const res = await intakeWebhookBytes(t, bytes, signedBytes(bytes));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: reason, ...(param === undefined ? {} : { param }) });
    expect(t.rejections).toEqual([reason]);
    expect(t.writes).toEqual([]);
  });
});

describe('webhook secrets file', () => {
  it('reads lists per provider and ignores the Secrets Manager bootstrap key', () => {
    expect(parseWebhookSecrets(JSON.stringify({ sandbox: ['a', 'b'], stripe: [], bootstrapNonce: 'x' }))).toEqual({
      sandbox: ['a', 'b'],
      stripe: [],
    });
  });
  it('reloads after the cache max age, not before', async () => {
    let loads = 0;
    const source = new CachedWebhookSecrets(async () => (loads++, JSON.stringify({ sandbox: [`s${loads}`] })), 300);
    expect(await source.secretsFor('sandbox', 0)).toEqual(['s1']);
    expect(await source.secretsFor('sandbox', 300_000)).toEqual(['s1']);
    expect(await source.secretsFor('sandbox', 300_001)).toEqual(['s2']);
  });
});
