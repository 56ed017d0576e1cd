import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../functions/handlers/ops/dlq-view';
import { parseRedriveRequest, parseReplayRequest, queueOf, REPLAY_EVENTS_PER_CALL_MAX } from '../../../functions/handlers/ops/redrive-requests';

describe('queue names (GET /ops/dlq?queue=, POST /ops/dlq/redrive queue)', () => {
  it('are the three work queue / DLQ pairs', () => expect([...QUEUE_NAMES].sort()).toEqual(['reconciliation', 'submission', 'webhook']));
  it.each(QUEUE_NAMES)('%s is accepted', (queue) => expect(queueOf(queue)).toBe(queue));
  it('defaults to webhook', () => expect(queueOf(undefined)).toBe('webhook'));
  it.each(['reconciliations', 'Reconciliation', '', 7])('%j → 400 invalid_queue naming every queue', (queue) =>
    expect(() => queueOf(queue)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_queue', message: 'queue must be one of webhook, submission, reconciliation' })));
});

describe('redrive request: exactly one selector', () => {
  it.each([
    [{ message_id: 'm1' }, { queue: 'webhook', dryRun: false, selector: { kind: 'message', messageId: 'm1' } }],
    [{ all: true, dry_run: true, queue: 'submission' }, { queue: 'submission', dryRun: true, selector: { kind: 'all' } }],
    [{ message_id: 'm2', queue: 'reconciliation' }, { queue: 'reconciliation', dryRun: false, selector: { kind: 'message', messageId: 'm2' } }],
    [{ filter: { older_than_seconds: 3600 }, queue: 'reconciliation', dry_run: true }, { queue: 'reconciliation', dryRun: true, selector: { kind: 'filter', filter: { olderThanSeconds: 3600 } } }],
    [{ filter: { provider: 'sandbox', older_than_seconds: 60 } }, { queue: 'webhook', dryRun: false, selector: { kind: 'filter', filter: { provider: 'sandbox', olderThanSeconds: 60 } } }],
  ])('%j', (body, expected) => expect(parseRedriveRequest(body)).toEqual(expected));

  it.each([
    [{}, 'selector_required'],
    [{ message_id: 'm1', all: true }, 'selector_required'],
    [{ all: false }, 'invalid_all'],
    [{ filter: {} }, 'invalid_filter'],
    [{ filter: { older_than_seconds: -1 } }, 'invalid_filter'],
    [{ all: true, queue: 'payments' }, 'invalid_queue'],
    [{ all: true, dry_run: 'yes' }, 'invalid_dry_run'],
  ])('%j → 400 %s', (body, code) => expect(() => parseRedriveRequest(body as Record<string, unknown>)).toThrow(expect.objectContaining({ status: 400, code })));
});

describe('replay request', () => {
  it('takes <provider>#<id> or a provider with bare ids', () => {
    expect(parseReplayRequest({ event_ids: ['sandbox#evt_1', 'evt_2'], provider: 'stripe' })).toEqual({
      kind: 'ids',
      dryRun: false,
      eventIds: [{ provider: 'sandbox', providerEventId: 'evt_1' }, { provider: 'stripe', providerEventId: 'evt_2' }],
    });
  });
  it('takes a time range', () => {
    expect(parseReplayRequest({ from: '2026-11-25T00:00:00Z', to: '2026-11-25T01:00:00Z', dry_run: true })).toEqual({ kind: 'range', from: '2026-11-25T00:00:00.000Z', to: '2026-11-25T01:00:00.000Z', dryRun: true });
  });
  it.each([
    [{}, 'selector_required'],
    [{ event_ids: ['a'], from: '2026-11-25T00:00:00Z' }, 'selector_required'],
    [{ event_ids: ['evt_bare'] }, 'provider_required'],
    [{ event_ids: [] }, 'invalid_event_ids'],
    [{ event_ids: Array(REPLAY_EVENTS_PER_CALL_MAX + 1).fill('sandbox#x') }, 'invalid_event_ids'],
    [{ from: '2026-11-25T01:00:00Z', to: '2026-11-25T00:00:00Z' }, 'invalid_range'],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-11-25T00:00:00Z' }, 'invalid_range'],
    [{ from: 'yesterday', to: 'today' }, 'invalid_range'],
  ])('%j → 400 %s', (body, code) => expect(() => parseReplayRequest(body as Record<string, unknown>)).toThrow(expect.objectContaining({ status: 400, code })));
});
