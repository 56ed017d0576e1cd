import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../functions/shared/names';
import {
  parseDlqQuery,
  parseRedriveRequest,
  parseReplayRequest,
  queueOf,
  REPLAY_EVENTS_PER_CALL_MAX,
} from '../../../functions/http/redrive-requests';

describe('queue names (GET /ops/dlq?queue=, POST /ops/dlq/redrive queue)', () => {
  // BatchDlq joined them (issue 13).
  it('are the four work queue / DLQ pairs', () =>
    expect([...QUEUE_NAMES].sort()).toEqual(['batch', 'reconciliation', 'submission', 'webhook']));
  it.each(QUEUE_NAMES)('%s is accepted', (queue) => expect(queueOf(queue)).toBe(queue));
  it('defaults to webhook', () => expect(queueOf(undefined)).toBe('webhook'));
  it.each(['reconciliations', 'Reconciliation', '', 7])('%j → 400 invalid_queue naming every queue', (queue) =>
    expect(() => queueOf(queue)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid_queue',
        message: 'queue must be one of webhook, submission, reconciliation, batch',
      }),
    ),
  );
});

describe('redrive request: exactly one selector', () => {
  it.each([
    [{ message_id: 'm1' }, { queue: 'webhook', dryRun: false, selector: { kind: 'message', messageId: 'm1' } }],
    [
      { all: true, dry_run: true, queue: 'submission' },
      { queue: 'submission', dryRun: true, selector: { kind: 'all' } },
    ],
    [
      { message_id: 'm2', queue: 'reconciliation' },
      { queue: 'reconciliation', dryRun: false, selector: { kind: 'message', messageId: 'm2' } },
    ],
    [
      { filter: { older_than_seconds: 3600 }, queue: 'reconciliation', dry_run: true },
      { queue: 'reconciliation', dryRun: true, selector: { kind: 'filter', filter: { olderThanSeconds: 3600 } } },
    ],
    [
      { filter: { provider: 'sandbox', older_than_seconds: 60 } },
      {
        queue: 'webhook',
        dryRun: false,
        selector: { kind: 'filter', filter: { provider: 'sandbox', olderThanSeconds: 60 } },
      },
    ],
  ])('%j', (body, expected) => expect(parseRedriveRequest(body)).toEqual(expected));

  it.each([
    [{}, 'selector_required'],
    [{ message_id: 'm1', all: true }, 'selector_required'],
    [{ all: false }, 'invalid_all'],
    [{ filter: {} }, 'invalid_filter'],
    [{ filter: { older_than_seconds: -1 } }, 'invalid_filter'],
    [{ all: true, queue: 'payments' }, 'invalid_queue'],
    [{ all: true, dry_run: 'yes' }, 'invalid_dry_run'],
  ])('%j → 400 %s', (body, code) =>
    expect(() => parseRedriveRequest(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ status: 400, code }),
    ),
  );
});

describe('replay request', () => {
  it('takes <provider>#<id> or a provider with bare ids', () => {
    expect(parseReplayRequest({ event_ids: ['sandbox#evt_1', 'evt_2'], provider: 'stripe' })).toEqual({
      kind: 'ids',
      dryRun: false,
      eventIds: [
        { provider: 'sandbox', providerEventId: 'evt_1' },
        { provider: 'stripe', providerEventId: 'evt_2' },
      ],
    });
  });
  it('takes a time range', () => {
    expect(parseReplayRequest({ from: '2026-11-25T00:00:00Z', to: '2026-11-25T01:00:00Z', dry_run: true })).toEqual({
      kind: 'range',
      from: '2026-11-25T00:00:00.000Z',
      to: '2026-11-25T01:00:00.000Z',
      dryRun: true,
    });
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
  ])('%j → 400 %s', (body, code) =>
    expect(() => parseReplayRequest(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ status: 400, code }),
    ),
  );
});

describe('strict redrive and replay bodies (unknown fields named, text rules)', () => {
  it.each([
    [{ all: true, dryrun: true }, 'field_unknown', 'dryrun', ['dryrun']],
    [
      { filter: { provider: 'sandbox', eventtype: 'payout.paid', age: 1 } },
      'field_unknown',
      'filter.eventtype',
      ['filter.eventtype', 'filter.age'],
    ],
    [{ colour: 'red', filter: { nope: 1 } }, 'field_unknown', 'colour', ['colour', 'filter.nope']],
  ])('%j → 400 %s naming every unknown field', (body, code, param, fields) => {
    expect(() => parseRedriveRequest(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ status: 400, code, param, details: { fields } }),
    );
  });

  it.each([
    [{ filter: { provider: 'sand\u0000box' } }, 'filter.provider', 'control_character'],
    [{ filter: { event_type: 'payout.\u202Epaid' } }, 'filter.event_type', 'bidi_control'],
    [{ message_id: 'm\ud800' }, 'message_id', 'lone_surrogate'],
  ])('%j → 400 invalid_text', (body, param, reason) => {
    expect(() => parseRedriveRequest(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_text', param, details: { reason } }),
    );
  });

  it('refuses unknown replay fields and bad text in event ids', () => {
    expect(() => parseReplayRequest({ event_ids: ['sandbox#e1'], dry: true })).toThrow(
      expect.objectContaining({ code: 'field_unknown', param: 'dry' }),
    );
    expect(() => parseReplayRequest({ event_ids: ['sandbox#e\u00001'] })).toThrow(
      expect.objectContaining({ code: 'invalid_text', param: 'event_ids.0' }),
    );
  });

  it('takes a range with an offset and normalises it to UTC', () => {
    expect(parseReplayRequest({ from: '2026-11-25T01:00:00+01:00', to: '2026-11-25T01:00:00Z' })).toMatchObject({
      from: '2026-11-25T00:00:00.000Z',
      to: '2026-11-25T01:00:00.000Z',
    });
  });
});

describe('GET /ops/dlq query', () => {
  it('defaults, bounds and refuses unknown parameters', () => {
    expect(parseDlqQuery(undefined)).toEqual({ queue: 'webhook', limit: 20 });
    expect(parseDlqQuery({ queue: 'submission', limit: '50' })).toEqual({ queue: 'submission', limit: 50 });
    for (const [query, code] of [
      [{ limit: '0' }, 'invalid_limit'],
      [{ limit: '51' }, 'invalid_limit'],
      [{ limit: '1e1' }, 'invalid_limit'],
      [{ limit: ' 5' }, 'invalid_limit'],
      [{ queue: 'x' }, 'invalid_queue'],
      [{ queu: 'webhook' }, 'parameter_unknown'],
    ] as const) {
      expect(() => parseDlqQuery(query)).toThrow(expect.objectContaining({ status: 400, code }));
    }
  });
});
