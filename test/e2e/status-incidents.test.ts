// Status-page incidents on the twin (real template, DynamoDB Local, fauxqs): an operator posts an
// incident, GET /status shows it open and its component degraded; resolving it moves it to the
// recently resolved list and the component back; a second resolve is 409; a retry with the same
// Idempotency-Key answers the first result; bad input is a 400 that writes nothing; every write
// has its audit record (incident:<id> chain, GET /audit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_CACHE_SECONDS } from '../../functions/app/ops/status-api.js';
import { RESOLVED_INCIDENTS_SHOWN_SECONDS } from '../../functions/domain/incidents.js';
import { startTwin, type StartedTwin } from '../support/twin.js';
import { twinCaller } from '../support/twin-http.js';

let twin: StartedTwin;
let ops: string;
let finance: string;
let compliance: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  ops = await twin.token({ operator: 'incident-ops', role: 'ops' });
  finance = await twin.token({ operator: 'incident-finance', role: 'finance' });
  compliance = await twin.token({ operator: 'incident-compliance', role: 'compliance' });
});

afterAll(async () => {
  await twin?.stop();
});

const call = twinCaller(() => twin.url);

async function advance(seconds: number) {
  expect((await call('POST', '/.twin/clock/advance', ops, { seconds })).status).toBe(200);
}

/** GET /status past its cache, on the twin's clock. */
async function status() {
  await advance(STATUS_CACHE_SECONDS + 1);
  const answer = await call('GET', '/status');
  expect(answer.status).toBe(200);
  const states = Object.fromEntries((answer.body['components'] as any[]).map((c) => [c.component, c.state]));
  return { body: answer.body, states };
}

const INCIDENT = {
  title: 'Stripe payouts <delayed> & queued',
  message: 'Stripe reports delays.\nPayouts are accepted and will be submitted.',
  components: ['submission:stripe', 'api'],
  impact: 'degraded',
};

const open = (key: string, body: unknown = INCIDENT, token = ops) =>
  call('POST', '/ops/incidents', token, body, { 'idempotency-key': key });
const resolve = (id: string, key: string, body: unknown = { message: 'Recovered; backlog submitted.' }) =>
  call('POST', `/ops/incidents/${id}/resolve`, ops, body, { 'idempotency-key': key });

async function auditOf(incidentId: string) {
  const answer = await call('GET', `/audit?subject=incident:${incidentId}`, compliance);
  expect(answer.status).toBe(200);
  return (answer.body['data'] as any[]).map((r) => r.action);
}

describe('status-page incidents on the twin', () => {
  it.each([
    ['an empty body', '', 'body_not_json'],
    ['a missing message', { ...INCIDENT, message: undefined }, 'field_missing'],
    ['unknown field', { ...INCIDENT, severity: 'high' }, 'field_unknown'],
    ['empty title', { ...INCIDENT, title: '  ' }, 'invalid_title'],
    ['no components', { ...INCIDENT, components: [] }, 'invalid_components'],
    ['unknown component', { ...INCIDENT, components: ['submission:nope'] }, 'invalid_components'],
    ['operational is not an impact', { ...INCIDENT, impact: 'operational' }, 'invalid_impact'],
    ['bidi control in the title', { ...INCIDENT, title: 'a\u202eb' }, 'invalid_text'],
  ])('refuses %s with a 400 and writes nothing', async (what, body, code) => {
    const answer = await open(`bad-${what.replaceAll(' ', '-')}`, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body['error']).toMatchObject({ type: 'invalid_request_error', code, category: 'terminal' });
    expect((await status()).body['incidents']).toEqual({ open: [], recently_resolved: [] });
  });

  it('refuses a missing Idempotency-Key and a role without ops:redrive', async () => {
    const noKey = await call('POST', '/ops/incidents', ops, INCIDENT);
    expect(noKey.status).toBe(400);
    expect(noKey.body['error']['code']).toBe('idempotency_key_missing');
    expect((await open('finance-1', INCIDENT, finance)).status).toBe(403);
    expect((await call('POST', '/ops/incidents', undefined, INCIDENT, { 'idempotency-key': 'anon' })).status).toBe(401);
  });

  it('opens, shows, replays, resolves once, then lists it as recently resolved for the window', async () => {
    const opened = await open('incident-1');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body['incident_id'] as string;
    expect(opened.body).toMatchObject({ state: 'open', components: ['api', 'submission:stripe'], resolved_at: null });

    const replay = await open('incident-1');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(opened.body);
    const reused = await open('incident-1', { ...INCIDENT, impact: 'outage' });
    expect(reused.status).toBe(422);
    expect(reused.body['error']['code']).toBe('idempotency_key_reused');

    const during = await status();
    expect(during.states['submission:stripe']).toBe('degraded');
    expect(during.states['api']).toBe('degraded');
    expect(during.states['submission:sandbox']).toBe('operational');
    expect(during.body['incidents']['open']).toEqual([opened.body]);

    const resolved = await resolve(id, 'resolve-1');
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body['state']).toBe('resolved');
    expect(resolved.body['updates'].map((u: any) => u.state)).toEqual(['open', 'resolved']);
    const again = await resolve(id, 'resolve-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const second = await resolve(id, 'resolve-2');
    expect(second.status).toBe(409);
    expect(second.body['error']).toMatchObject({ code: 'incident_already_resolved', type: 'conflict_error' });
    expect((await resolve('inc_' + '0'.repeat(32), 'resolve-3')).status).toBe(404);

    const after = await status();
    expect(after.states['submission:stripe']).toBe('operational');
    expect(after.body['incidents']['open']).toEqual([]);
    expect(after.body['incidents']['recently_resolved'].map((i: any) => i.incident_id)).toEqual([id]);
    expect(await auditOf(id)).toEqual(['incident.opened', 'incident.resolved']);

    await advance(RESOLVED_INCIDENTS_SHOWN_SECONDS);
    expect((await status()).body['incidents']['recently_resolved']).toEqual([]);
  });
});
