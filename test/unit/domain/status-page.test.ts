import { describe, expect, it } from 'vitest';
import { statusComponents, statusPage, type StatusSignals } from '../../../functions/domain/status-page';
import { STATUS_THRESHOLDS } from '../../../functions/shared/alarm-thresholds';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();
const QUIET = { dlqDepth: 0, oldestMessageAgeSeconds: 0 };
const CALM: StatusSignals = {
  webhook: QUIET,
  submission: QUIET,
  reconciliation: QUIET,
  webhookRejectedInPeriod: 0,
  lastReconciliationSucceededAt: hoursAgo(1),
  incidents: [],
};
const PROVIDERS = ['sandbox', 'stripe'];

type Row = readonly [name: string, signals: Partial<StatusSignals>, expected: Record<string, string>];

/** Each row: the signals that differ from a calm day → the components that are not operational. */
const CASES: readonly Row[] = [
  ['a calm day', {}, {}],
  ['one webhook in the DLQ', { webhook: { dlqDepth: 1, oldestMessageAgeSeconds: 0 } }, { webhook_intake: 'degraded' }],
  ['100 webhooks in the DLQ', { webhook: { dlqDepth: 100, oldestMessageAgeSeconds: 0 } }, { webhook_intake: 'outage' }],
  ['webhook backlog at the alarm', { webhook: { dlqDepth: 0, oldestMessageAgeSeconds: 300 } }, {}],
  [
    'webhook backlog past it',
    { webhook: { dlqDepth: 0, oldestMessageAgeSeconds: 301 } },
    { webhook_intake: 'degraded' },
  ],
  [
    'webhook backlog an hour',
    { webhook: { dlqDepth: 0, oldestMessageAgeSeconds: 3_601 } },
    { webhook_intake: 'outage' },
  ],
  ['backlog age unknown', { webhook: { dlqDepth: 0, oldestMessageAgeSeconds: null } }, {}],
  ['21 rejected webhooks', { webhookRejectedInPeriod: 21 }, { webhook_intake: 'degraded' }],
  ['20 rejected webhooks', { webhookRejectedInPeriod: 20 }, {}],
  [
    'a submission in the DLQ',
    { submission: { dlqDepth: 1, oldestMessageAgeSeconds: 0 } },
    { 'submission:sandbox': 'degraded', 'submission:stripe': 'degraded' },
  ],
  ['reconciled 24 h ago', { lastReconciliationSucceededAt: hoursAgo(24) }, {}],
  ['a missed night', { lastReconciliationSucceededAt: hoursAgo(25) }, { reconciliation: 'degraded' }],
  ['two missed nights', { lastReconciliationSucceededAt: hoursAgo(49) }, { reconciliation: 'outage' }],
  ['never reconciled', { lastReconciliationSucceededAt: null }, { reconciliation: 'degraded' }],
  [
    'a reconciliation request dead-lettered',
    { reconciliation: { dlqDepth: 1, oldestMessageAgeSeconds: 0 } },
    { reconciliation: 'degraded' },
  ],
  [
    'an incident on stripe',
    { incidents: [{ component: 'submission:stripe', impact: 'outage' }] },
    { 'submission:stripe': 'outage' },
  ],
  ['an incident on the API', { incidents: [{ component: 'api', impact: 'degraded' }] }, { api: 'degraded' }],
];

describe('status page: components from the alarm signals', () => {
  it('names API, webhook intake, submission per provider and reconciliation', () => {
    expect(statusComponents(PROVIDERS)).toEqual([
      'api',
      'webhook_intake',
      'submission:sandbox',
      'submission:stripe',
      'reconciliation',
    ]);
  });

  it.each(CASES)('%s', (_name, signals, expected) => {
    const page = statusPage(PROVIDERS, { ...CALM, ...signals }, STATUS_THRESHOLDS, NOW);
    const notOperational = Object.fromEntries(
      page.components.filter((c) => c.state !== 'operational').map((c) => [c.component, c.state]),
    );
    expect(notOperational).toEqual(expected);
    for (const c of page.components) expect(c.reasons.length > 0).toBe(c.state !== 'operational');
    const states = Object.values(expected);
    expect(page.state).toBe(states.includes('outage') ? 'outage' : states.length > 0 ? 'degraded' : 'operational');
  });
});
