// Slot for the reconciliation engineer: "last successful run and unmatched counts" from
// `GET /reconciliations/{date}`. Until that lands it says so rather than showing nothing.
import type { ViewContext } from '../context';
import { h, replace } from '../dom';

export function mountReconciliationPanel(panel: HTMLElement, _context: ViewContext): void {
  replace(
    panel,
    h('h3', { id: 'reconciliation-heading' }, 'Reconciliation'),
    h('p', { class: 'muted' }, 'The last successful run and its unmatched counts will appear here.'),
  );
}
