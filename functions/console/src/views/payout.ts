// A payout's timeline, looked up by payout id, idempotency key or provider reference: the
// question on call is almost always "what happened to this one payout, and why?".
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table } from '../dom';
import { pick, text, timeText } from '../format';

type Json = Record<string, unknown>;

type Show = (value: unknown) => string;
const asTime: Show = (value) => timeText(typeof value === 'string' ? value : undefined);
const asList: Show = (value) => (Array.isArray(value) ? value.join(', ') || '—' : text(value));

const SUMMARY_FIELDS: Array<[label: string, names: string[], show?: Show]> = [
  ['Payout id', ['payout_id', 'payoutId', 'id']],
  ['Status', ['status']],
  ['Status reason', ['status_reason', 'statusReason']],
  ['Idempotency key', ['idempotency_key', 'idempotencyKey']],
  ['Provider', ['provider']],
  ['Provider reference', ['provider_reference', 'providerReference']],
  ['Amount (minor units)', ['amount', 'amount_minor', 'amountMinor']],
  ['Currency', ['currency']],
  ['Fee (minor units)', ['fee', 'fee_minor', 'feeMinor']],
  ['Created', ['created_at', 'createdAt'], asTime],
  ['Last event', ['last_event_at', 'lastEventAt'], asTime],
  ['Reconciled', ['reconciled_at', 'reconciledAt'], asTime],
  ['Exception owner', ['exception_owner', 'exceptionOwner']],
  ['Request ids', ['request_ids', 'requestIds'], asList],
];

export function mountPayoutLookup(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const kind = select('lookup-kind', 'kind', [['payout_id', 'Payout id'], ['idempotency_key', 'Idempotency key'], ['provider_reference', 'Provider reference']]);
  const value = h('input', { id: 'lookup-value', name: 'value', required: true, autocomplete: 'off', spellcheck: 'false', class: 'wide' });
  const form = h(
    'form',
    { id: 'lookup-form', class: 'filters', 'aria-label': 'Look up a payout' },
    field('Look up by', kind),
    field('Value', value),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show timeline')),
  );
  const failure = alertRegion('lookup-error');
  const result = h('div', { id: 'lookup-result', 'aria-live': 'polite' });
  replace(section, h('h2', {}, 'Payout timeline'), form, failure, result);

  async function findPayout(): Promise<Json | null> {
    const wanted = value.value.trim();
    if (kind.value === 'payout_id') return context.api.get<Json>(`/payouts/${encodeURIComponent(wanted)}`);
    const body = await context.api.get<Json>('/payouts', { [kind.value]: wanted, limit: 1 });
    const items = pick(body, 'payouts', 'items', 'data');
    return Array.isArray(items) && items.length > 0 ? (items[0] as Json) : null;
  }

  async function lookup(): Promise<void> {
    try {
      const payout = await findPayout();
      clearFailure(failure);
      if (!payout) {
        replace(result, h('p', { class: 'empty' }, `No payout with that ${kind.selectedOptions[0]?.textContent?.toLowerCase() ?? 'value'}.`));
        return;
      }
      const payoutId = String(pick(payout, 'payout_id', 'payoutId', 'id'));
      const eventsBody = await context.api.get<Json>(`/payouts/${encodeURIComponent(payoutId)}/events`);
      const events = (pick(eventsBody, 'events', 'items', 'data') as Json[] | undefined) ?? [];
      replace(
        result,
        h('h3', {}, `Payout ${payoutId}`),
        h('dl', { class: 'facts' }, ...SUMMARY_FIELDS.flatMap(([label, names, show = text]) => [h('dt', {}, label), h('dd', {}, show(pick(payout, ...names)))])),
        events.length === 0
          ? h('p', { class: 'muted' }, 'No timeline events.')
          : table(
              `Timeline (${events.length} event(s), oldest first)`,
              ['Recorded', 'Occurred', 'Event', 'Outcome', 'Change', 'Source', 'Reference', 'Reason'],
              events.map((e) => [
                timeText(pick(e, 'at', 'recorded_at') as string),
                timeText(pick(e, 'occurred_at', 'occurredAt') as string),
                text(pick(e, 'event', 'type')),
                h('span', { class: `outcome ${text(pick(e, 'outcome'))}` }, text(pick(e, 'outcome'))),
                `${text(pick(e, 'from'))} → ${text(pick(e, 'to'))}`,
                text(pick(e, 'source')),
                h('code', {}, text(pick(e, 'source_ref', 'sourceRef'))),
                text(pick(e, 'status_reason', 'statusReason')),
              ]),
            ),
      );
      context.announce(`Payout ${payoutId}: ${events.length} timeline event(s)`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookup();
  });
  return async () => {
    if (value.value.trim()) await lookup();
  };
}
