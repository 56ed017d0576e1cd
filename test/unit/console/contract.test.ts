// The console's reading of docs/ops-api.md answers, and the redrive/replay bodies it sends.
import { describe, expect, it } from 'vitest';
import { apiBasePath } from '../../../console/src/config';
import {
  defaultHoldOwner,
  HOLD_KINDS as CONSOLE_HOLD_KINDS,
  HOLD_OWNERS as CONSOLE_HOLD_OWNERS,
  HOLD_RELEASE_REASON_CHARS_MAX as CONSOLE_REASON_CHARS_MAX,
  HOLDS_PAGE_SIZE,
  releaseHoldPath,
  toHoldQueuePage,
  toHoldRelease,
  payoutEventsPath,
  payoutLookupQuery,
  toDlqMessages,
  toExceptions,
  toLastReconciliation,
  toPayouts,
  toPlatformStatus,
  toQueues,
  toRedriveOutcome,
  toTimeline,
} from '../../../console/src/contract';
import { ageText, timeText } from '../../../console/src/format';
import { requestBody } from '../../../console/src/views/redrive-flow';
import { payoutHref, payoutIdInHash } from '../../../console/src/views/payout';
import { HOLD_KINDS, HOLD_OWNERS, type Hold } from '../../../functions/domain/compliance/contract';
import {
  HOLD_RELEASE_REASON_CHARS_MAX,
  holdJson,
  holdQueueEntryJson,
  holdQueueSchema,
  holdReleaseSchema,
} from '../../../functions/http/hold-schemas';
import { HOLD_QUEUE_PAGE_MAX } from '../../../functions/shared/hold-routes';
import type { Payout } from '../../../functions/domain/payout';

describe('console contract', () => {
  it('reads queue depths, telling queues from DLQs by role', () => {
    const queues = toQueues({
      data: [
        { queue: 'webhook', role: 'queue', visible: 2, in_flight: 1, delayed: 0, oldest_age_seconds: null },
        { queue: 'webhook', role: 'dlq', visible: 3, in_flight: 0, delayed: 0, oldest_age_seconds: 60 },
      ],
    });
    expect(queues).toEqual([
      { name: 'webhook', isDlq: false, visible: 2, inFlight: 1, delayed: 0, oldestAgeSeconds: null },
      { name: 'webhook', isDlq: true, visible: 3, inFlight: 0, delayed: 0, oldestAgeSeconds: 60 },
    ]);
  });

  it('reads a DLQ message with its first and last error as history, oldest first', () => {
    const [message] = toDlqMessages({
      data: [
        {
          message_id: 'm1',
          queue: 'webhook',
          provider: 'sandbox',
          provider_event_id: 'evt_1',
          event_type: 'payout.paid',
          payout_id: 'po_1',
          error_category: 'payout_not_found',
          receive_count: 5,
          sent_at: '2026-11-25T01:00:00Z',
          age_seconds: 90,
          payload: { id: 'evt_1' },
          exception_id: 'exc_1',
          first_error: { message: 'not found', code: 'payout_not_found', at: '2026-11-25T01:00:01Z' },
          last_error: { message: 'still not found', code: 'payout_not_found', at: '2026-11-25T01:05:00Z' },
        },
      ],
    });
    expect(message).toMatchObject({
      messageId: 'm1',
      payoutId: 'po_1',
      receiveCount: 5,
      exceptionId: 'exc_1',
      payload: { id: 'evt_1' },
    });
    expect(message!.errors.map((e) => e.message)).toEqual(['not found', 'still not found']);
  });

  it('reads exceptions, taking the provider from the evidence when the row has none', () => {
    const [item] = toExceptions({
      data: [
        {
          exception_id: 'exc_1',
          category: 'webhook_dead_lettered',
          owner: 'ops',
          state: 'open',
          payout_id: 'po_1',
          opened_at: 'x',
          sla_due_at: 'y',
          evidence: { provider: 'sandbox' },
          resolution: { note: 'done' },
        },
      ],
    });
    expect(item).toMatchObject({ exceptionId: 'exc_1', provider: 'sandbox', state: 'open', notes: [{ note: 'done' }] });
  });

  it('reads GET /status: components, reasons and the reconciliation lag', () => {
    expect(
      toPlatformStatus({
        state: 'degraded',
        components: [{ component: 'reconciliation', state: 'degraded', reasons: ['missed'] }],
        reconciliation: { last_success_at: 'x', seconds_since_last_success: 90_000 },
      }),
    ).toEqual({
      state: 'degraded',
      components: [{ component: 'reconciliation', state: 'degraded', reasons: ['missed'] }],
      secondsSinceLastReconciliation: 90_000,
      // Issue 11 §3: the backlog figures and incidents, absent from this older answer.
      oldestUnreconciled: { createdAt: '', ageSeconds: null, examinedFrom: '', mayBeOlder: false },
      webhookBacklog: { oldestReceivedAt: '', ageSeconds: null },
      openIncidents: [],
      resolvedIncidents: [],
    });
    expect(toPlatformStatus({}).secondsSinceLastReconciliation).toBeNull();
  });

  it('reads GET /status: the backlog and lag figures and the incidents', () => {
    const incident = (title: string, resolvedAt: string | null) => ({
      incident_id: 'inc_1',
      title,
      impact: 'outage',
      components: ['webhook_intake', 'api'],
      state: resolvedAt === null ? 'open' : 'resolved',
      opened_at: '2026-12-01T10:00:00.000Z',
      resolved_at: resolvedAt,
      updates: [],
    });
    const status = toPlatformStatus({
      state: 'outage',
      components: [],
      reconciliation: {
        last_success_at: null,
        seconds_since_last_success: null,
        oldest_unreconciled_payout: {
          created_at: '2026-11-30T00:00:00.000Z',
          age_seconds: 129_600,
          examined_from: '2026-11-18',
          may_be_older: true,
        },
      },
      webhook_backlog: { oldest_received_at: '2026-12-01T11:59:00.000Z', age_seconds: 60 },
      incidents: {
        open: [incident('Stripe is down', null)],
        recently_resolved: [incident('Slow API', '2026-12-01T11:00:00.000Z')],
      },
    });
    expect(status).toMatchObject({
      oldestUnreconciled: {
        createdAt: '2026-11-30T00:00:00.000Z',
        ageSeconds: 129_600,
        examinedFrom: '2026-11-18',
        mayBeOlder: true,
      },
      webhookBacklog: { oldestReceivedAt: '2026-12-01T11:59:00.000Z', ageSeconds: 60 },
      openIncidents: [
        {
          title: 'Stripe is down',
          impact: 'outage',
          components: ['webhook_intake', 'api'],
          openedAt: '2026-12-01T10:00:00.000Z',
          resolvedAt: '',
        },
      ],
      resolvedIncidents: [{ title: 'Slow API', resolvedAt: '2026-12-01T11:00:00.000Z' }],
    });
  });

  it('counts what matched on a dry run and what moved or was enqueued on a real one', () => {
    expect(
      toRedriveOutcome(
        {
          dry_run: true,
          matched: 3,
          moved: 0,
          messages: [{ message_id: 'a' }, { message_id: 'b' }, { message_id: 'c' }],
          truncated: false,
        },
        true,
      ),
    ).toMatchObject({ count: 3, messageIds: ['a', 'b', 'c'] });
    expect(
      toRedriveOutcome({ dry_run: false, matched: 3, moved: 2, messages: [], truncated: true }, false),
    ).toMatchObject({ count: 2, truncated: true });
    expect(
      toRedriveOutcome({ dry_run: false, matched: 4, enqueued: 4, events: [{ event_id: 'e1' }] }, false),
    ).toMatchObject({ count: 4, messageIds: ['e1'] });
  });

  it('sends exactly one selector per redrive, and replay by ids or by range', () => {
    expect(requestBody({ kind: 'one', queue: 'webhook', messageId: 'm1' }, true)).toEqual({
      queue: 'webhook',
      message_id: 'm1',
      dry_run: true,
    });
    expect(
      requestBody(
        { kind: 'filter', queue: 'webhook', filter: { provider: 'sandbox', older_than_seconds: 600 } },
        false,
      ),
    ).toEqual({ queue: 'webhook', filter: { provider: 'sandbox', older_than_seconds: 600 }, dry_run: false });
    expect(requestBody({ kind: 'all', queue: 'submission' }, true)).toEqual({
      queue: 'submission',
      all: true,
      dry_run: true,
    });
    expect(requestBody({ kind: 'replay', eventIds: ['sandbox#evt_1'] }, true)).toEqual({
      event_ids: ['sandbox#evt_1'],
      dry_run: true,
    });
    expect(
      requestBody(
        { kind: 'replay', eventIds: [], from: '2026-11-25T00:00:00.000Z', to: '2026-11-25T06:00:00.000Z' },
        false,
      ),
    ).toEqual({ from: '2026-11-25T00:00:00.000Z', to: '2026-11-25T06:00:00.000Z', dry_run: false });
  });

  it('finds the API next to the page, with or without a stage path', () => {
    expect(apiBasePath('/ops')).toBe('');
    expect(apiBasePath('/dev/ops')).toBe('/dev');
    expect(apiBasePath('/ops/')).toBe('');
  });

  it('formats ages and times for a tired reader', () => {
    expect([ageText(42), ageText(600), ageText(3_700), ageText(90_000), ageText(null)]).toEqual([
      '42 s',
      '10 min',
      '1 h 1 min',
      '1 d 1 h',
      '—',
    ]);
    expect(timeText('2026-11-25T03:12:09.123Z')).toBe('2026-11-25 03:12:09 UTC');
  });

  it('reads the operator lookup: the payout with its tenant, the timeline, and one key per query', () => {
    const [payout] = toPayouts({
      data: [{ payout_id: 'po_1', tenant_id: 'acme', status: 'paid', amount: 4200, fee: null, request_ids: ['req-1'] }],
      next_cursor: null,
    });
    expect(payout).toMatchObject({
      payoutId: 'po_1',
      tenantId: 'acme',
      status: 'paid',
      amountMinor: 4200,
      feeMinor: null,
      requestIds: ['req-1'],
    });
    expect(toPayouts({ data: [] })).toEqual([]);
    const [failed] = toPayouts({
      data: [{ payout_id: 'po_2', failure_source: 'recipient', status_copy: { sentence: 'Failed: final.' } }],
    });
    expect(failed).toMatchObject({ failureSource: 'recipient', statusSentence: 'Failed: final.' });
    expect(
      toTimeline({
        payout_id: 'po_1',
        tenant_id: 'acme',
        data: [{ at: 'a', event: 'created', source_ref: 'req-1', from: null }],
      })[0],
    ).toMatchObject({ recordedAt: 'a', event: 'created', sourceRef: 'req-1', from: '' });
    expect(payoutLookupQuery({ kind: 'idempotency_key', value: 'k', tenantId: 'acme' })).toEqual({
      idempotency_key: 'k',
      tenant_id: 'acme',
    });
    expect(payoutLookupQuery({ kind: 'provider_reference', value: 'sbx_po_1' })).toEqual({
      provider_reference: 'sbx_po_1',
    });
    expect(payoutEventsPath('po_1')).toBe('/ops/payouts/po_1/events');
  });

  it('reads the last reconciliation, or none', () => {
    const run = toLastReconciliation({
      reconciliation: null,
      last_success: {
        date: '2026-11-24',
        state: 'succeeded',
        finished_at: '2026-11-25T02:10:00Z',
        counts: { matched: 990, unmatched: 10, exceptions: 3 },
      },
    });
    expect(run).toEqual({
      date: '2026-11-24',
      state: 'succeeded',
      finishedAt: '2026-11-25T02:10:00Z',
      matched: 990,
      unmatched: 10,
      exceptions: 3,
    });
    expect(toLastReconciliation({ reconciliation: null, last_success: null })).toBeNull();
  });

  describe('the holds queue (GET /ops/holds, issue 15)', () => {
    const screening: Hold = {
      holdId: 'screening',
      kind: 'screening',
      owner: 'compliance',
      openedAt: '2026-12-01T10:00:00.000Z',
      requirement: 'screening_case:scr_01ABC',
      evidence: { case_id: 'scr_01ABC', list_version: 'sdn-2026-11-28', best_score: 0.97 },
    };
    const payout = {
      payoutId: 'po_1',
      tenantId: 'acme',
      status: 'submitted',
      amountMinor: 70_000,
      currency: 'EUR',
    } as Payout;

    it('knows the owners and kinds the server has, and its page and reason limits', () => {
      expect([...CONSOLE_HOLD_OWNERS]).toEqual([...HOLD_OWNERS]);
      expect([...CONSOLE_HOLD_KINDS]).toEqual([...HOLD_KINDS]);
      expect(HOLDS_PAGE_SIZE).toBe(HOLD_QUEUE_PAGE_MAX);
      expect(CONSOLE_REASON_CHARS_MAX).toBe(HOLD_RELEASE_REASON_CHARS_MAX);
    });

    it('reads a page the server makes (its OpenAPI schema), the screening case named', () => {
      // The answer as the handler builds it, checked against the schema the OpenAPI document publishes.
      const body = holdQueueSchema.parse({
        owner: 'compliance',
        data: [holdQueueEntryJson({ hold: screening, payout })],
        next_cursor: 'abc',
      });
      expect(toHoldQueuePage(body)).toEqual({
        owner: 'compliance',
        nextCursor: 'abc',
        entries: [
          {
            payoutId: 'po_1',
            tenantId: 'acme',
            status: 'submitted',
            amountMinor: 70_000,
            currency: 'EUR',
            hold: {
              holdId: 'screening',
              kind: 'screening',
              owner: 'compliance',
              openedAt: '2026-12-01T10:00:00.000Z',
              requirement: 'screening_case:scr_01ABC',
              evidence: [
                ['case_id', 'scr_01ABC'],
                ['list_version', 'sdn-2026-11-28'],
                ['best_score', '0.97'],
              ],
              slaDueAt: '2026-12-02T10:00:00.000Z',
              releasedAt: '',
              screeningCaseId: 'scr_01ABC',
            },
          },
        ],
      });
      expect(toHoldQueuePage({ owner: 'ops', data: [], next_cursor: null })).toEqual({
        owner: 'ops',
        entries: [],
        nextCursor: null,
      });
    });

    it('names a screening case from the requirement when the evidence has none, and no case for other kinds', () => {
      const bare = holdJson({ ...screening, evidence: {} });
      expect(toHoldQueuePage({ data: [{ hold: bare }] }).entries[0]!.hold.screeningCaseId).toBe('scr_01ABC');
      const corridor = holdJson({
        holdId: 'corridor_enablement',
        kind: 'corridor_enablement',
        owner: 'ops',
        openedAt: '2026-12-01T10:00:00.000Z',
        requirement: 'corridor_enablement:IN/INR/imps',
        evidence: { corridor: 'IN/INR/imps' },
      });
      expect(toHoldQueuePage({ data: [{ hold: corridor }] }).entries[0]!.hold).toMatchObject({
        screeningCaseId: '',
        evidence: [['corridor', 'IN/INR/imps']],
      });
    });

    it('reads a release the server makes, and posts to the operator route', () => {
      const body = holdReleaseSchema.parse({
        outcome: 'released',
        payout_id: 'po_1',
        status: 'submitted',
        open_hold_count: 0,
        submitted: true,
        hold: holdJson({ ...screening, releasedAt: '2026-12-01T11:00:00.000Z', releasedBy: 'carol' }),
      });
      expect(toHoldRelease(body)).toMatchObject({
        outcome: 'released',
        payoutId: 'po_1',
        openHoldCount: 0,
        submitted: true,
        hold: { releasedAt: '2026-12-01T11:00:00.000Z' },
      });
      expect(releaseHoldPath('po_1', 'screening')).toBe('/ops/payouts/po_1/holds/screening/release');
    });

    it.each([
      ['compliance', 'compliance'],
      ['ops', 'ops'],
      ['finance', 'ops'],
      ['—', 'ops'],
    ])('a %s operator opens on the %s queue', (role, owner) => {
      expect(defaultHoldOwner(role)).toBe(owner);
    });

    it('links a payout to its timeline by id', () => {
      expect(payoutHref('po_01ABC')).toBe('#payout/po_01ABC');
      expect(payoutIdInHash(payoutHref('po_01ABC'))).toBe('po_01ABC');
      expect(payoutIdInHash('#payout')).toBe('');
    });
  });
});
