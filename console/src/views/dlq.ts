// Dead-letter queue: list with filters, a message's payload and error history, and redrive of one
// message, a filter or everything — always a dry run first, then an explicit confirmation.
import { toDlqMessages, type DlqMessage } from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table } from '../dom';
import { ageText, text } from '../format';
import { renderMessageDetail } from './message-detail';
import { runDryRunThenConfirm, type RedriveFilter, type RedriveRequest } from './redrive-flow';

const SECONDS_PER_MINUTE = 60;
/** The API's own peek limit (docs/ops-api.md); the list is for triage, not for export. */
const DLQ_PAGE_SIZE = 50;
/** `error_category` values of docs/ops-api.md. */
const ERROR_CATEGORIES = [
  'payout_not_found',
  'unmappable_event',
  'inbox_missing',
  'processing_error',
  'unknown',
] as const;

export function mountDlq(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const queue = select('dlq-queue', 'queue', [
    ['webhook', 'Webhook DLQ'],
    ['submission', 'Submission DLQ'],
    ['reconciliation', 'Reconciliation DLQ'],
    // A batch fan-out chunk (up to 100 items) that failed every delivery; redriving it is safe.
    ['batch', 'Batch fan-out DLQ'],
  ]);
  const provider = h('input', { id: 'dlq-provider', name: 'provider', autocomplete: 'off' });
  const eventType = h('input', { id: 'dlq-event-type', name: 'event_type', autocomplete: 'off' });
  const category = select('dlq-category', 'error_category', [
    ['', 'Any'],
    ...ERROR_CATEGORIES.map((c) => [c, c.replace(/_/g, ' ')] as const),
  ]);
  const minAge = h('input', {
    id: 'dlq-min-age',
    name: 'min_age_minutes',
    type: 'number',
    min: 0,
    step: 1,
    inputmode: 'numeric',
  });
  const filters = h(
    'form',
    { id: 'dlq-filters', class: 'filters', 'aria-label': 'Filter dead-lettered messages' },
    field('Queue', queue),
    field('Provider', provider),
    field('Event type', eventType),
    field('Error category', category),
    field('Older than (minutes)', minAge),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')),
  );
  const failure = alertRegion('dlq-error');
  const list = h('div', { id: 'dlq-list', 'aria-live': 'polite' });
  const detail = h('section', { id: 'dlq-detail', class: 'panel', 'aria-label': 'Message detail', hidden: true });
  const flow = h('section', { id: 'dlq-redrive', class: 'panel', 'aria-label': 'Redrive', hidden: true });
  const redriveFiltered = h('button', { type: 'button', id: 'dlq-redrive-filter' }, 'Redrive matching filter…');
  const redriveAll = h('button', { type: 'button', id: 'dlq-redrive-all' }, 'Redrive all…');
  replace(
    section,
    h('h2', {}, 'Dead-letter queue'),
    filters,
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Bulk redrive' }, redriveFiltered, redriveAll),
    failure,
    flow,
    list,
    detail,
  );

  // The same filter narrows the list here and selects on the server for "Redrive matching filter",
  // so what the operator sees is what the dry run is asked about.
  const currentFilter = (): RedriveFilter => ({
    ...(provider.value.trim() ? { provider: provider.value.trim() } : {}),
    ...(eventType.value.trim() ? { event_type: eventType.value.trim() } : {}),
    ...(category.value ? { error_category: category.value } : {}),
    ...(minAge.value ? { older_than_seconds: Number(minAge.value) * SECONDS_PER_MINUTE } : {}),
  });
  const matches = (m: DlqMessage, filter: RedriveFilter): boolean =>
    (filter.provider === undefined || m.provider === filter.provider) &&
    (filter.event_type === undefined || m.eventType === filter.event_type) &&
    (filter.error_category === undefined || m.errorCategory === filter.error_category) &&
    (filter.older_than_seconds === undefined || (m.ageSeconds ?? 0) >= filter.older_than_seconds);

  async function startRedrive(request: RedriveRequest): Promise<void> {
    await runDryRunThenConfirm(flow, context, request, refresh);
  }

  function renderList(messages: DlqMessage[]): void {
    if (messages.length === 0) {
      replace(list, h('p', { class: 'empty' }, 'No dead-lettered messages match these filters.'));
      return;
    }
    const rows = messages.map((m) => [
      h('code', {}, m.messageId),
      text(m.provider),
      text(m.eventType),
      m.payoutId ? h('code', {}, m.payoutId) : '—',
      h('span', { class: `category ${m.errorCategory}` }, text(m.errorCategory)),
      text(m.receiveCount),
      ageText(m.ageSeconds),
      h(
        'div',
        { class: 'row-actions' },
        h(
          'button',
          {
            type: 'button',
            'data-message-id': m.messageId,
            'aria-label': `Inspect message ${m.messageId}`,
            onclick: () => showDetail(m),
          },
          'Inspect',
        ),
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Redrive message ${m.messageId}`,
            onclick: () => void startRedrive({ kind: 'one', queue: queue.value, messageId: m.messageId }),
          },
          'Redrive…',
        ),
      ),
    ]);
    replace(
      list,
      table(
        `${messages.length} dead-lettered message(s)`,
        ['Message', 'Provider', 'Event type', 'Payout', 'Error category', 'Receives', 'Age', 'Actions'],
        rows,
      ),
    );
  }

  function showDetail(message: DlqMessage): void {
    renderMessageDetail(
      detail,
      message,
      () => void startRedrive({ kind: 'one', queue: queue.value, messageId: message.messageId }),
    );
    detail.hidden = false;
    detail.querySelector('h3')?.focus();
  }

  async function refresh(): Promise<void> {
    try {
      const filter = currentFilter();
      const messages = toDlqMessages(
        await context.api.get('/ops/dlq', { queue: queue.value, limit: DLQ_PAGE_SIZE }),
      ).filter((m) => matches(m, filter));
      clearFailure(failure);
      renderList(messages);
      context.announce(`${messages.length} dead-lettered message(s) loaded`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    detail.hidden = true;
    void refresh();
  });
  redriveFiltered.addEventListener(
    'click',
    () => void startRedrive({ kind: 'filter', queue: queue.value, filter: currentFilter() }),
  );
  redriveAll.addEventListener('click', () => void startRedrive({ kind: 'all', queue: queue.value }));
  return refresh;
}
