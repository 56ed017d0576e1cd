// "Last reconciliation" on the overview: did last night's run succeed, and how much did not match?
// Read from GET /reconciliations/latest (ops:read); "no run yet" when there is none (404 or null).
import { ApiFailure } from '../api';
import { LATEST_RECONCILIATION_PATH, toLastReconciliation, type ReconciliationSummary } from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { h, replace } from '../dom';
import { text, timeText } from '../format';

const HTTP_NOT_FOUND = 404;

export function mountReconciliationPanel(panel: HTMLElement, context: ViewContext): () => Promise<void> {
  const failure = alertRegion('reconciliation-error');
  const body = h(
    'div',
    { id: 'reconciliation-summary' },
    h('p', { class: 'muted' }, 'Loading the last reconciliation…'),
  );
  replace(panel, h('h3', { id: 'reconciliation-heading' }, 'Last reconciliation'), failure, body);

  async function fetchLatest(): Promise<ReconciliationSummary | null> {
    try {
      return toLastReconciliation(await context.api.get(LATEST_RECONCILIATION_PATH));
    } catch (error) {
      if (error instanceof ApiFailure && error.status === HTTP_NOT_FOUND) return null;
      throw error;
    }
  }

  return async () => {
    try {
      const run = await fetchLatest();
      clearFailure(failure);
      if (run === null) {
        replace(body, h('p', { class: 'empty' }, 'No reconciliation run yet.'));
        return;
      }
      const unmatchedClass = run.unmatched !== null && run.unmatched > 0 ? 'count bad' : 'count';
      replace(
        body,
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Date'),
          h('dd', {}, text(run.date)),
          h('dt', {}, 'State'),
          h('dd', {}, text(run.state)),
          h('dt', {}, 'Finished'),
          h('dd', {}, timeText(run.finishedAt)),
          h('dt', {}, 'Matched'),
          h('dd', {}, text(run.matched)),
          h('dt', {}, 'Unmatched'),
          h('dd', {}, h('span', { class: unmatchedClass }, text(run.unmatched))),
          h('dt', {}, 'Exceptions opened'),
          h('dd', {}, text(run.exceptions)),
        ),
      );
    } catch (error) {
      replace(body, h('p', { class: 'muted' }, 'The last reconciliation is unavailable right now.'));
      showFailure(failure, error);
    }
  };
}
