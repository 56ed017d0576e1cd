// A batch as on-call sees it: what is wrong (its failed items, grouped per failure source, each
// group owned), who owns it and what to do; the counts per item status, the totals per currency,
// the items by status. Reached from a batch exception (Open batch) or by its id. It reads through
// the operator routes (GET /ops/batches…, ops:read, audited): an operator holds no payouts:read.
// The retry is the tenant's batch operator's authority (batches:retry): the button is shown only
// to a token that holds it, and the server refuses everyone else anyway.
import { BATCH_RETRY_SCOPE, moneyText, toBatchGroups, toOpsBatch, type OpsBatch } from '../batch-contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, table } from '../dom';
import { text, timeText } from '../format';
import { failureHeadline } from './batch-guidance';
import { renderGroups } from './batch-groups';
import { mountItemList } from './batch-items';

const BATCH_ID_PATTERN = /^bat_[0-9A-HJKMNP-TV-Z]{26}$/;

/** `#batch/bat_…` names the batch to show; `#batch` alone shows the search box. */
export function batchIdInHash(hash: string): string {
  const [, batchId] = hash.replace(/^#/, '').split('/');
  return batchId ? decodeURIComponent(batchId) : '';
}

export function mountBatch(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const input = h('input', {
    id: 'batch-id',
    name: 'batch_id',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'wide',
  });
  const search = h(
    'form',
    { id: 'batch-search', class: 'filters', 'aria-label': 'Find a batch' },
    field('Batch id', input, 'bat_… — from the exception, the tenant, or the DLQ message'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Open batch')),
  );
  const failure = alertRegion('batch-error');
  const body = h('div', { id: 'batch-body', 'aria-live': 'polite' });
  replace(section, h('h2', {}, 'Batch'), search, failure, body);

  search.addEventListener('submit', (event) => {
    event.preventDefault();
    const batchId = input.value.trim();
    if (!BATCH_ID_PATTERN.test(batchId)) {
      showFailure(failure, `“${batchId}” is not a batch id: they look like bat_ followed by 26 letters and digits.`);
      return;
    }
    // Through the URL, so the page can be pasted into the incident channel.
    if (location.hash === `#batch/${batchId}`) void refresh();
    else location.hash = `#batch/${batchId}`;
  });

  async function refresh(): Promise<void> {
    const batchId = batchIdInHash(location.hash);
    input.value = batchId;
    if (!batchId) {
      replace(body, h('p', { class: 'empty' }, 'Type a batch id, or open one from its exception.'));
      return;
    }
    try {
      const path = `/ops/batches/${encodeURIComponent(batchId)}`;
      const batch = toOpsBatch(await context.api.get(path));
      const groups = toBatchGroups(await context.api.get('/exceptions', { batch_id: batchId }));
      clearFailure(failure);
      replace(
        body,
        summary(batch),
        retryPanel(batch, context, failure, refresh),
        renderGroups(batch, groups, context, failure),
        mountItemList(batch, context, failure),
      );
      context.announce(`Batch ${batch.batchId} loaded: ${batch.status.replace(/_/g, ' ')}`);
    } catch (error) {
      replace(body);
      showFailure(failure, error);
    }
  }
  return refresh;
}

function summary(batch: OpsBatch): HTMLElement {
  const headline = failureHeadline(batch.groups, batch.itemCount);
  return h(
    'section',
    { id: 'batch-summary', class: 'panel', 'aria-label': 'Batch summary' },
    h('h3', {}, `Batch ${batch.batchId}`),
    h(
      'p',
      {},
      'Tenant ',
      h('strong', {}, text(batch.tenantId)),
      ' · sender_batch_id ',
      h('code', {}, text(batch.senderBatchId)),
      ` · ${batch.itemCount} items · created ${timeText(batch.createdAt)} · status `,
      h('span', { id: 'batch-status', class: `state ${batch.status}` }, batch.status.replace(/_/g, ' ')),
    ),
    headline ? h('p', { id: 'batch-headline', class: 'overdue' }, headline) : null,
    batch.approvalPending
      ? h(
          'p',
          { class: 'overdue' },
          'Waiting for approval: no item is submitted before the tenant’s approver approves it.',
        )
      : null,
    h(
      'div',
      { class: 'columns' },
      table(
        'Items per status',
        ['Status', 'Items'],
        batch.counts.map(([status, count]) => [
          h('span', { class: `state ${status}` }, status.replace(/_/g, ' ')),
          count,
        ]),
      ),
      table(
        'Totals per currency',
        ['Currency', 'Amount', 'Items'],
        batch.totals.map((t) => [t.currency, moneyText(t.amountMinor, t.currency), t.itemCount]),
      ),
    ),
  );
}

function retryPanel(
  batch: OpsBatch,
  context: ViewContext,
  failure: HTMLElement,
  refresh: () => Promise<void>,
): HTMLElement {
  const panel = h('section', { id: 'batch-retry', class: 'panel', 'aria-label': 'Retry' }, h('h3', {}, 'Retry'));
  if (!context.scopes().includes(BATCH_RETRY_SCOPE)) {
    panel.append(
      h(
        'p',
        { id: 'batch-retry-note', class: 'muted' },
        `Retrying is not yours to do: it needs ${BATCH_RETRY_SCOPE}, the authority of tenant ${batch.tenantId}'s ` +
          'batch operator (no operator role holds it). Ask them to retry once the cause is fixed; only items whose ' +
          'failure is retryable move, and no paid or pending item is touched.',
      ),
    );
    return panel;
  }
  const button = h('button', { type: 'button', id: 'batch-retry-button' }, 'Retry retryable items');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const answer = (await context.api.post(`/batches/${encodeURIComponent(batch.batchId)}/retry`, {})) as {
        moved?: number;
      };
      context.announce(`Retry moved ${answer.moved ?? 0} item(s)`);
      await refresh();
    } catch (error) {
      showFailure(failure, error);
    } finally {
      button.disabled = false;
    }
  });
  panel.append(h('p', {}, 'Moves back only the items whose failure is retryable; audited with the count.'), button);
  return panel;
}
