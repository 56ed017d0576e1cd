// A batch's exception groups: one per failure source, each with its owner, what to do, and its
// failed items, the first page from GET /exceptions?batch_id= and the rest from
// GET /exceptions/{id}/items?cursor= (Load more), so 3,000 failures read as one list, not 3,000 rows.
import { toGroupItemPage, type BatchGroup, type GroupItem, type OpsBatch } from '../batch-contract';
import { showFailure, type ViewContext } from '../context';
import { h, replace } from '../dom';
import { timeText } from '../format';
import { sourceAdvice, sourceLabel } from './batch-guidance';

export function renderGroups(
  batch: OpsBatch,
  groups: readonly BatchGroup[],
  context: ViewContext,
  failure: HTMLElement,
): HTMLElement {
  const section = h(
    'section',
    { id: 'batch-groups', class: 'panel', 'aria-label': 'Exceptions of this batch' },
    h('h3', {}, 'Exceptions'),
  );
  if (groups.length === 0) {
    section.append(h('p', { class: 'empty' }, 'No failed item: this batch has no exception.'));
    return section;
  }
  for (const group of groups) section.append(groupPanel(batch, group, context, failure));
  return section;
}

function groupPanel(batch: OpsBatch, group: BatchGroup, context: ViewContext, failure: HTMLElement): HTMLElement {
  const rows = h('tbody', {});
  const shown = h('span', { class: 'group-shown' });
  const more = h('button', { type: 'button', class: 'group-more' }, 'Load more items');
  let cursor = group.nextCursor;
  let count = 0;
  const add = (items: readonly GroupItem[]): void => {
    for (const item of items) rows.append(itemRow(item));
    count += items.length;
    shown.textContent = `Showing ${count} of ${group.itemCount} items`;
    more.hidden = cursor === null;
  };
  more.addEventListener('click', async () => {
    if (cursor === null) return;
    more.disabled = true;
    try {
      const page = toGroupItemPage(
        await context.api.get(`/exceptions/${encodeURIComponent(group.exceptionId)}/items`, { cursor }),
      );
      cursor = page.nextCursor;
      add(page.items);
      context.announce(`${count} of ${group.itemCount} items of ${group.exceptionId} shown`);
    } catch (error) {
      showFailure(failure, error);
    } finally {
      more.disabled = false;
    }
  });
  const itemTable = h(
    'table',
    {},
    h('caption', {}, `Failed items of ${group.exceptionId}`),
    h(
      'thead',
      {},
      h('tr', {}, ...['Item', 'Code', 'Retryable?', 'Why', 'Failed at'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    rows,
  );
  add(group.items);
  const panel = h(
    'article',
    {
      class: 'group',
      'data-exception-id': group.exceptionId,
      'aria-label': `${sourceLabel(group.failureSource)} group`,
    },
    h('h4', {}, `${sourceLabel(group.failureSource)}: ${group.itemCount} item(s)`),
    h(
      'p',
      {},
      'Owner ',
      h('strong', {}, group.owner || '—'),
      group.assignee ? ` (assigned to ${group.assignee})` : '',
      ' · ',
      h('span', { class: `state ${group.state}` }, group.state),
      ` · SLA due ${timeText(group.slaDueAt)} · `,
      h('code', {}, group.exceptionId),
    ),
    h('p', { class: 'advice' }, h('strong', {}, 'What to do: '), sourceAdvice(group.failureSource, batch.tenantId)),
    itemTable,
    h('div', { class: 'actions' }, shown, ' ', more),
  );
  return panel;
}

function itemRow(item: GroupItem): HTMLTableRowElement {
  const retryable = item.category === 'terminal' ? 'no' : 'yes, by the batch operator';
  const row = h('tr', {});
  replace(
    row,
    h('td', {}, h('code', {}, item.senderItemId)),
    h('td', {}, item.code),
    h('td', {}, retryable),
    h('td', {}, item.message),
    h('td', { class: 'nowrap' }, timeText(item.at)),
  );
  return row;
}
