import { describe, expect, it } from 'vitest';
import { allowedTransitions, type EventChannel } from '../../../functions/domain/lifecycle';
import { channelOrigin, transitionArrival } from '../../../functions/domain/transition-arrival';
import { lifecycleView } from '../../../functions/http/lifecycle-view';

/** Every allowed move, decided by hand: [from, to, by_webhook, by_polling_only]. */
const EXPECTED: ReadonlyArray<readonly [string, string, boolean, boolean]> = [
  ['requires_approval', 'submitted', false, false],
  ['requires_approval', 'canceled', false, false],
  ['submitted', 'canceled', true, false],
  ['submitted', 'failed', true, false],
  // Providers do not announce acceptance by webhook: only their answer to our submission, or our poll.
  ['submitted', 'accepted', false, true],
  ['submitted', 'pending', true, false],
  ['submitted', 'paid', true, false],
  ['accepted', 'pending', true, false],
  ['accepted', 'paid', true, false],
  ['accepted', 'failed', true, false],
  ['accepted', 'canceled', true, false],
  ['pending', 'paid', true, false],
  ['pending', 'failed', true, false],
  ['pending', 'canceled', true, false],
  ['paid', 'reversed', true, false],
];

describe('how a move arrives (GET /lifecycle by_webhook, by_polling_only)', () => {
  const published = lifecycleView([]).transitions;

  it('lists exactly the allowed moves', () => {
    expect(published.map((t) => `${t.from}>${t.to}`).sort()).toEqual(EXPECTED.map(([f, t]) => `${f}>${t}`).sort());
    expect(allowedTransitions()).toHaveLength(EXPECTED.length);
  });

  it.each(EXPECTED)('%s → %s: by_webhook %s, by_polling_only %s', (from, to, byWebhook, byPollingOnly) => {
    expect(published.find((t) => t.from === from && t.to === to)).toMatchObject({
      by_webhook: byWebhook,
      by_polling_only: byPollingOnly,
    });
  });

  it('is not false everywhere, and never both', () => {
    expect(published.some((t) => t.by_polling_only)).toBe(true);
    expect(published.some((t) => t.by_webhook && t.by_polling_only)).toBe(false);
  });

  it.each([
    [['provider_accepted'], { byWebhook: false, byPollingOnly: true }],
    [['submission_rejected'], { byWebhook: false, byPollingOnly: true }],
    [['provider_paid'], { byWebhook: true, byPollingOnly: false }],
    [['approved'], { byWebhook: false, byPollingOnly: false }],
    // A move a person can also make is not "only by polling".
    [['submission_rejected', 'canceled_by_operator'], { byWebhook: false, byPollingOnly: false }],
  ] as const)('events %j → %j', (events, expected) => {
    expect(transitionArrival(events)).toEqual(expected);
  });

  it.each([
    ['webhook', 'provider_push'],
    ['polling', 'provider_pull'],
    ['submission_response', 'provider_pull'],
    ['api', 'ours'],
    ['operator', 'ours'],
    ['schedule', 'ours'],
  ] as const)('channel %s is %s', (channel: EventChannel, origin) => {
    expect(channelOrigin(channel)).toBe(origin);
  });
});
