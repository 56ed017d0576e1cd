import { describe, expect, it } from 'vitest';
import {
  IncidentAlreadyResolvedError,
  incidentSignals,
  openIncident,
  resolveIncident,
  type Incident,
} from '../../../functions/domain/incidents';
import { statusPage } from '../../../functions/domain/status-page';

const AT = '2026-12-01T10:00:00.000Z';
const opened = (over: Partial<Parameters<typeof openIncident>[0]> = {}): Incident =>
  openIncident({
    incidentId: 'inc_1',
    title: 't',
    message: 'm',
    components: ['submission:stripe', 'api', 'api'],
    impact: 'degraded',
    by: 'ada',
    at: AT,
    requestHash: 'h1',
    ...over,
  });

const QUIET = {
  webhook: { dlqDepth: 0, oldestMessageAgeSeconds: null },
  submission: { dlqDepth: 0, oldestMessageAgeSeconds: null },
  reconciliation: { dlqDepth: 0, oldestMessageAgeSeconds: null },
  webhookRejectedInPeriod: null,
  lastReconciliationSucceededAt: AT,
};
const THRESHOLDS = {
  webhookOldestMessageAgeSecondsMax: 300,
  webhookRejectedPerPeriodMax: 10,
  reconciliationWindowSeconds: 86_400,
  dlqDepthMax: 0,
  webhookBacklogOutageFactor: 3,
  reconciliationOutageFactor: 2,
  dlqDepthOutageMin: 100,
};

describe('incidents', () => {
  it('opens with its components sorted and unique, and its first update', () => {
    expect(opened()).toMatchObject({
      state: 'open',
      components: ['api', 'submission:stripe'],
      resolvedAt: null,
      version: 1,
      updates: [{ at: AT, state: 'open', message: 'm', by: 'ada' }],
    });
  });

  it('resolves once; a second resolve is refused and names its code', () => {
    const closed = resolveIncident(opened(), { message: 'over', by: 'bob', at: AT, requestHash: 'h2' });
    expect(closed).toMatchObject({ state: 'resolved', resolvedAt: AT, version: 2, resolveRequestHash: 'h2' });
    expect(closed.updates.map((u) => u.state)).toEqual(['open', 'resolved']);
    expect(() => resolveIncident(closed, { message: 'x', by: 'bob', at: AT, requestHash: 'h3' })).toThrow(
      IncidentAlreadyResolvedError,
    );
  });

  it.each([
    ['degraded', 'submission:stripe', 'degraded'],
    ['outage', 'submission:stripe', 'outage'],
    ['outage', 'api', 'outage'],
  ] as const)('an open %s incident sets %s at least to %s on the status page', (impact, component, state) => {
    const page = statusPage(
      ['sandbox', 'stripe'],
      { ...QUIET, incidents: incidentSignals([opened({ impact })]) },
      THRESHOLDS,
      Date.parse(AT),
    );
    expect(page.components.find((c) => c.component === component)?.state).toBe(state);
    expect(page.components.find((c) => c.component === 'submission:sandbox')?.state).toBe('operational');
    expect(page.state).toBe(state);
  });
});
