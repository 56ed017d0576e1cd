// The items of a batch, filtered by status, a page at a time (GET /ops/batches/{id}/items): every
// item with its status, its payout and, when rejected, its error. No destination is shown (the
// API answers none).
import { BATCH_ITEM_STATUSES, moneyText, toBatchItemPage, type BatchItem, type OpsBatch } from '../batch-contract';
import { clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table } from '../dom';

/** Rows a page asks for: one screen, well under the API's maximum (500). */
const ITEMS_PAGE_SIZE = 50;
const STATUS_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['', 'Any'],
  ...BATCH_ITEM_STATUSES.map((s) => [s, s.replace(/_/g, ' ')] as const),
];

export function mountItemList(batch: OpsBatch, context: ViewContext, failure: HTMLElement): HTMLElement {
  const status = select('batch-items-status', 'status', STATUS_OPTIONS);
  const list = h('div', { id: 'batch-items-list' });
  const next = h('button', { type: 'button', id: 'batch-items-next', hidden: true }, 'Next page');
  let cursor: string | null = null;
  const filters = h(
    'form',
    { id: 'batch-items-filters', class: 'filters', 'aria-label': 'Filter items' },
    field('Item status', status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show items')),
  );

  // Only the latest request may draw: a slow first page must not overwrite the filtered one asked after it.
  let latest = 0;
  async function load(from: string | null): Promise<void> {
    const mine = ++latest;
    try {
      const page = toBatchItemPage(
        await context.api.get(`/ops/batches/${encodeURIComponent(batch.batchId)}/items`, {
          status: status.value,
          limit: ITEMS_PAGE_SIZE,
          cursor: from,
        }),
      );
      if (mine !== latest) return;
      clearFailure(failure);
      cursor = page.nextCursor;
      next.hidden = cursor === null;
      render(page.items);
      context.announce(`${page.items.length} item(s) shown`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  function render(items: readonly BatchItem[]): void {
    if (items.length === 0) {
      replace(list, h('p', { class: 'empty' }, 'No item with this status on this page.'));
      return;
    }
    const rows = items.map((item) => [
      h('code', {}, item.senderItemId),
      h('span', { class: `state ${item.status}` }, item.status.replace(/_/g, ' ')),
      moneyText(item.amountMinor, item.currency),
      h('code', {}, item.payoutId),
      item.errorCode ? `${item.errorCode}: ${item.errorMessage}` : '—',
      item.retries,
    ]);
    replace(list, table(`${items.length} item(s)`, ['Item', 'Status', 'Amount', 'Payout', 'Error', 'Retries'], rows));
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(null);
  });
  next.addEventListener('click', () => void load(cursor));
  void load(null);
  return h(
    'section',
    { id: 'batch-items', class: 'panel', 'aria-label': 'Items of this batch' },
    h('h3', {}, 'Items'),
    filters,
    list,
    next,
  );
}
