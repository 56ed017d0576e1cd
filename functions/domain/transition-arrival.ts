import { assertNever } from './assert-never';
import { channelsOf, type EventChannel, type PayoutEvent } from './lifecycle';

/**
 * How a move between two statuses reaches us, so an integrator knows whether to wait for a webhook.
 * - `by_webhook`: at least one event that makes the move can arrive on a provider webhook;
 * - `by_polling_only`: the provider makes the move but never announces it by webhook: only our own
 *   calls to the provider see it (the status poller, or the provider's answer to our submission).
 *   Such moves show up late by design (sweeper thresholds, staleness.ts), never by a push.
 * Moves a person or a job makes (api, operator, schedule) are neither.
 */
export interface TransitionArrival {
  readonly byWebhook: boolean;
  readonly byPollingOnly: boolean;
}

type ChannelOrigin = 'provider_push' | 'provider_pull' | 'ours';

/** Who starts a channel: the provider pushes, we pull from the provider, or we act ourselves. */
export function channelOrigin(channel: EventChannel): ChannelOrigin {
  switch (channel) {
    case 'webhook':
      return 'provider_push';
    case 'polling':
    case 'submission_response':
      return 'provider_pull';
    case 'api':
    case 'operator':
    case 'schedule':
      return 'ours';
    default:
      return assertNever(channel, 'event channel');
  }
}

export function transitionArrival(events: readonly PayoutEvent[]): TransitionArrival {
  const origins = new Set(events.flatMap((event) => channelsOf(event).map(channelOrigin)));
  const byWebhook = origins.has('provider_push');
  return { byWebhook, byPollingOnly: !byWebhook && origins.has('provider_pull') && !origins.has('ours') };
}
