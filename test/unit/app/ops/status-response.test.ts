import { describe, expect, it } from 'vitest';
import { statusResponse, type StatusApiDeps } from '../../../../functions/app/ops/status-api';
import {
  WEBHOOK_BACKLOG_OUTAGE_FACTOR,
  WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX,
} from '../../../../functions/shared/alarm-thresholds';

// GET /status reads webhook intake's backlog from the inbox's oldest unapplied webhook (SQS has no
// message ages): the same figure the console shows, judged by the alarm's threshold.
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function deps(oldestUnapplied: string | null): StatusApiDeps {
  const queue = { queueUrl: 'q', dlqUrl: 'dlq' };
  return {
    dlq: { depth: async () => ({ visible: 0, inFlight: 0, delayed: 0 }) as never },
    queues: { webhook: queue, submission: queue, reconciliation: queue, batch: queue },
    runs: { lastSuccess: async () => ({ finishedAt: '2026-12-01T02:00:00.000Z' }) as never },
    incidents: { listOpen: async () => [], listResolvedSince: async () => [] },
    oldestUnreconciled: async () => ({
      oldestCreatedAt: null,
      ageSeconds: null,
      examinedFrom: '2026-11-18',
      mayBeOlder: false,
    }),
    inbox: { oldestUnappliedReceivedAt: async () => oldestUnapplied },
    providers: ['sandbox'],
    nowMs: () => NOW,
  };
}

const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1_000).toISOString();
const max = WEBHOOK_OLDEST_MESSAGE_AGE_SECONDS_MAX;

describe('GET /status: webhook intake by its backlog age', () => {
  it.each([
    ['nothing waiting', null, 'operational'],
    ['a webhook waiting as long as the alarm allows', at(max), 'operational'],
    ['one waiting past the alarm', at(max + 1), 'degraded'],
    ['one waiting past the outage factor', at(max * WEBHOOK_BACKLOG_OUTAGE_FACTOR + 1), 'outage'],
  ] as const)('%s → %s', async (_name, oldest, state) => {
    const body = await statusResponse(deps(oldest));
    const intake = body.components.find((c) => c.component === 'webhook_intake')!;
    expect(intake.state).toBe(state);
    if (state !== 'operational') expect(intake.reasons.join(' ')).toMatch(/oldest webhook message has waited/);
    expect(body.webhook_backlog.age_seconds).toBe(
      oldest === null ? null : Math.round((NOW - Date.parse(oldest)) / 1_000),
    );
  });
});
