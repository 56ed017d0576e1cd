import { describe, expect, it } from 'vitest';
import { decodeAuditCursor, encodeAuditCursor, type AuditCursor } from '../../../functions/adapters/audit-cursor';
import { InvalidCursorError } from '../../../functions/adapters/cursor';
import { auditSearchWindow, AUDIT_SEARCH_RANGE_DAYS_MAX } from '../../../functions/domain/audit-window';

// GET /audit's cursor comes from the client: every member is checked before it reaches DynamoDB.
// And the search window: defaults, order, the 31-day bound, and a subject's open window.

const SK = '2026-11-25T10:00:00.000Z#aud_01JAAAAAAAAAAAAAAAAAAAAAAA';
const cursor: AuditCursor = {
  filters: { actor: 'operator:ada' },
  window: { from: '2026-11-20T00:00:00.000Z', to: '2026-11-25T23:59:59.999Z' },
  position: { mode: 'index', day: '2026-11-25', shards: [0, 1, SK, 0, 1, 1, 0, SK] },
};
const raw = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
const good = JSON.parse(Buffer.from(encodeAuditCursor(cursor), 'base64url').toString()) as Record<string, any>;

describe('audit cursor', () => {
  it('round-trips an index position and a chain position', () => {
    expect(decodeAuditCursor(encodeAuditCursor(cursor))).toEqual(cursor);
    const chain: AuditCursor = {
      filters: { subject: 'payout:po_1' },
      window: null,
      position: { mode: 'chain', afterSeq: 12 },
    };
    expect(decodeAuditCursor(encodeAuditCursor(chain))).toEqual(chain);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['another version', raw({ ...good, v: 2 })],
    ['an extra member', raw({ ...good, x: 1 })],
    ['an unknown filter', raw({ ...good, f: { tenant: 'acme' } })],
    ['a reversed window', raw({ ...good, w: ['2026-11-26T00:00:00.000Z', '2026-11-25T00:00:00.000Z'] })],
    ['a window that is not instants', raw({ ...good, w: ['yesterday', 'today'] })],
    ['too few shards', raw({ ...good, p: { d: '2026-11-25', s: [0, 0] } })],
    ['a shard key of another day', raw({ ...good, p: { d: '2026-11-24', s: [SK, 0, 0, 0, 0, 0, 0, 0] } })],
    [
      'a shard key not of our shape',
      raw({ ...good, p: { d: '2026-11-25', s: ['2026-11-25#x', 0, 0, 0, 0, 0, 0, 0] } }),
    ],
    ['a negative chain position', raw({ ...good, p: { c: -1 } })],
    ['both positions', raw({ ...good, p: { c: 1, d: '2026-11-25' } })],
  ])('refuses %s', (_name, text) => {
    expect(() => decodeAuditCursor(text)).toThrow(InvalidCursorError);
  });
});

describe('audit search window', () => {
  const nowMs = Date.parse('2026-11-25T12:00:00.000Z');
  it.each([
    [
      'no bounds: the 7 days up to now',
      {},
      { ok: true, window: { from: '2026-11-18T12:00:00.000Z', to: '2026-11-25T12:00:00.000Z' } },
    ],
    [
      'to only: the 7 days up to it',
      { to: '2026-11-10T00:00:00.000Z' },
      { ok: true, window: { from: '2026-11-03T00:00:00.000Z', to: '2026-11-10T00:00:00.000Z' } },
    ],
    [
      'exactly 31 days',
      { from: '2026-10-25T12:00:00.000Z' },
      { ok: true, window: { from: '2026-10-25T12:00:00.000Z', to: '2026-11-25T12:00:00.000Z' } },
    ],
    ['a millisecond over 31 days', { from: '2026-10-25T11:59:59.999Z' }, { ok: false, code: 'range_too_long' }],
    ['from after now (to defaults to now)', { from: '2026-11-26T00:00:00.000Z' }, { ok: false, code: 'invalid_range' }],
  ])('%s', (_name, bounds, expected) => {
    expect(auditSearchWindow({ ...bounds, subject: false, nowMs })).toMatchObject(expected);
  });

  it(`a subject's window is open and not bounded to ${AUDIT_SEARCH_RANGE_DAYS_MAX} days`, () => {
    expect(auditSearchWindow({ subject: true, nowMs, from: '2020-01-01T00:00:00.000Z' })).toEqual({
      ok: true,
      window: { from: '2020-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' },
    });
  });
});
