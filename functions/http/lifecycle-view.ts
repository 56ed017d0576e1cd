import {
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  allowedTransitions,
  channelsOf,
  isAwaitingProvider,
  isTerminal,
} from '../domain/lifecycle';
import type { CorridorState } from '../domain/corridors';
import { statusCopy, type CorridorRef } from '../domain/status-copy';
import { transitionArrival } from '../domain/transition-arrival';

/**
 * GET /lifecycle: the state graph, derived from the one transition table so the published graph
 * and the enforced one cannot differ. `by_webhook` says an integrator can wait for a webhook;
 * `by_polling_only` marks moves that only the status poller (or a submission answer) observes.
 * Each status carries its reader-facing sentence per corridor (the caller passes the launch corridors).
 */
export function lifecycleView(matrix: readonly (CorridorRef & { state: CorridorState })[]) {
  const corridors = launchCorridors(matrix);
  return {
    statuses: PAYOUT_STATUSES.map((status) => ({
      status,
      terminal: isTerminal(status),
      awaiting_provider: isAwaitingProvider(status),
      copy: corridors.map((corridor) => {
        const copy = statusCopy(status, corridor);
        return {
          country: corridor.country,
          currency: corridor.currency,
          confirmation: copy.confirmation,
          sentence: copy.sentence,
          recheck_after_seconds: copy.recheckAfterSeconds,
          investigation_after_seconds: copy.investigationAfterSeconds,
        };
      }),
    })),
    events: PAYOUT_EVENTS.map((event) => ({ event, channels: [...channelsOf(event)] })),
    transitions: allowedTransitions().map(({ from, to, events }) => {
      const arrival = transitionArrival(events);
      return { from, to, events, by_webhook: arrival.byWebhook, by_polling_only: arrival.byPollingOnly };
    }),
  };
}

/** The corridors a payout can be created in (or will be, once a policy gate opens), one per country and currency. */
function launchCorridors(matrix: readonly (CorridorRef & { state: CorridorState })[]): CorridorRef[] {
  const byKey = new Map<string, CorridorRef>();
  for (const { country, currency, state } of matrix) {
    if (state !== 'unsupported') byKey.set(`${country}:${currency}`, { country, currency });
  }
  return [...byKey.values()];
}
