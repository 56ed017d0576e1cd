// Replay re-processes stored events from the inbox (also after the queue's retention has passed),
// by event id or by time range; same dry-run-then-confirm flow as redrive.
import type { ViewContext } from '../context';
import { field, h, replace } from '../dom';
import { runDryRunThenConfirm } from './redrive-flow';

export function mountReplay(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const eventIds = h('textarea', { id: 'replay-event-ids', name: 'event_ids', rows: 3, spellcheck: 'false' });
  const from = h('input', { id: 'replay-from', name: 'from', type: 'datetime-local', step: 1 });
  const to = h('input', { id: 'replay-to', name: 'to', type: 'datetime-local', step: 1 });
  const provider = h('input', { id: 'replay-provider', name: 'provider', autocomplete: 'off' });
  const form = h(
    'form',
    { id: 'replay-form', class: 'filters', 'aria-label': 'Replay stored events' },
    field('Event ids', eventIds, 'One per line or comma-separated. Leave empty to replay a time range.'),
    field('From (UTC)', from),
    field('To (UTC)', to),
    field('Provider', provider),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Dry run replay')),
  );
  const flow = h('section', { id: 'replay-flow', class: 'panel', 'aria-label': 'Replay', hidden: true });
  replace(section, h('h2', {}, 'Replay stored events'), form, flow);

  // datetime-local has no zone; the form says UTC, so the value is read as UTC.
  const utc = (local: string): string | undefined => (local ? new Date(`${local}Z`).toISOString() : undefined);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ids = eventIds.value
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean);
    const fromIso = utc(from.value);
    const toIso = utc(to.value);
    void runDryRunThenConfirm(
      flow,
      context,
      {
        kind: 'replay',
        eventIds: ids,
        ...(fromIso ? { from: fromIso } : {}),
        ...(toIso ? { to: toIso } : {}),
        ...(provider.value.trim() ? { provider: provider.value.trim() } : {}),
      },
      async () => undefined,
    );
  });
  return async () => undefined;
}
