import {
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  allowedTransitions,
  channelsOf,
  isAwaitingProvider,
  isTerminal,
} from '../domain/lifecycle';

/**
 * GET /lifecycle: the state graph, derived from the one transition table so the published graph
 * and the enforced one cannot differ. `by_webhook` says an integrator can wait for a webhook;
 * `by_polling_only` marks moves that only the status poller (or a submission answer) observes.
 */
export function lifecycleView() {
  return {
    statuses: PAYOUT_STATUSES.map((status) => ({
      status,
      terminal: isTerminal(status),
      awaiting_provider: isAwaitingProvider(status),
    })),
    events: PAYOUT_EVENTS.map((event) => ({ event, channels: [...channelsOf(event)] })),
    transitions: allowedTransitions().map(({ from, to, events }) => {
      const channels = new Set(events.flatMap((event) => channelsOf(event)));
      return {
        from,
        to,
        events,
        by_webhook: channels.has('webhook'),
        by_polling_only:
          !channels.has('webhook') &&
          channels.has('polling') &&
          !channels.has('api') &&
          !channels.has('operator') &&
          !channels.has('submission_response'),
      };
    }),
  };
}
