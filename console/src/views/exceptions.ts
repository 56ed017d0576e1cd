// Exceptions: the owned work queue. Filter by state, category, owner and provider; assign or
// resolve with a note (both audited server-side); overdue SLAs stand out.
import { toExceptions, type OpsException } from '../contract';
import { formDialog } from '../confirm';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, pre, replace, select, table } from '../dom';
import { ageSince, text, timeText } from '../format';
import { OPS_READ_SCOPE } from '../batch-contract';

const OWNERS = ['ops', 'finance', 'compliance', 'provider'] as const;
/** Categories of docs/ops-api.md, most common on call first. */
const CATEGORIES = [
  'webhook_dead_lettered',
  'submission_dead_lettered',
  'reconciliation_dead_lettered',
  'batch_dead_lettered',
  'forbidden_transition',
  'long_pending',
  'provider_state_unknown',
  'screening_potential_match',
  'hold_past_sla_compliance',
  'hold_past_sla_ops',
  'hold_past_sla_tenant',
  'event_ownership_mismatch',
  'correction_contradicted',
  'canceled_but_live_at_provider',
  'approval_expired',
  'batch_items_failed_provider',
  'batch_items_failed_recipient',
  'batch_items_failed_compliance',
  'batch_items_failed_platform',
  'missing_provider_reference',
  'missing_at_provider',
  'missing_internally',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'status_mismatch',
  'batch_item_status_mismatch',
  'duplicate_at_provider',
  'reversed_after_paid',
  'report_malformed',
] as const;
/** A resolution note must say something; one word is not an explanation. */
const NOTE_LENGTH_MIN = 3;
/** The API's own maximum page (docs/ops-api.md). */
const EXCEPTIONS_PAGE_SIZE = 200;
const NOTE_LENGTH_MAX = 2_000;

export function mountExceptions(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const state = select('exc-state', 'state', [
    ['open', 'Open'],
    ['assigned', 'Assigned'],
    ['resolved', 'Resolved'],
    ['', 'Any'],
  ]);
  const category = select('exc-category', 'category', [
    ['', 'Any'],
    ...CATEGORIES.map((c) => [c, c.replace(/_/g, ' ')] as const),
  ]);
  const owner = select('exc-owner', 'owner', [['', 'Any'], ...OWNERS.map((o) => [o, o] as const)]);
  const provider = h('input', { id: 'exc-provider', name: 'provider', autocomplete: 'off' });
  const filters = h(
    'form',
    { id: 'exc-filters', class: 'filters', 'aria-label': 'Filter exceptions' },
    field('State', state),
    field('Category', category),
    field('Owner', owner),
    field('Provider', provider),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')),
  );
  const failure = alertRegion('exc-error');
  const list = h('div', { id: 'exc-list', 'aria-live': 'polite' });
  const detail = h('section', { id: 'exc-detail', class: 'panel', 'aria-label': 'Exception detail', hidden: true });
  replace(section, h('h2', {}, 'Exceptions'), filters, failure, list, detail);

  async function assign(item: OpsException): Promise<void> {
    const ownerField = select(
      'assign-owner',
      'owner',
      OWNERS.map((o) => [o, o] as const),
    );
    ownerField.value = item.owner || 'ops';
    const assignee = h('input', { id: 'assign-assignee', name: 'assignee', autocomplete: 'off' });
    const note = h('textarea', {
      id: 'assign-note',
      name: 'note',
      required: true,
      minlength: NOTE_LENGTH_MIN,
      maxlength: NOTE_LENGTH_MAX,
      rows: 3,
    });
    const values = await formDialog(
      `Assign exception ${item.exceptionId}`,
      [
        field('Owner', ownerField),
        field('Assignee (optional)', assignee, 'A person or rota name'),
        field('Note', note),
      ],
      'Assign',
    );
    if (!values) return;
    await act(
      `/exceptions/${encodeURIComponent(item.exceptionId)}/assign`,
      {
        owner: values.get('owner'),
        ...(String(values.get('assignee') ?? '').trim() ? { assignee: String(values.get('assignee')).trim() } : {}),
        note: values.get('note'),
      },
      `Exception ${item.exceptionId} assigned`,
    );
  }

  async function resolve(item: OpsException): Promise<void> {
    const note = h('textarea', {
      id: 'resolve-note',
      name: 'note',
      required: true,
      minlength: NOTE_LENGTH_MIN,
      maxlength: NOTE_LENGTH_MAX,
      rows: 4,
    });
    const values = await formDialog(
      `Resolve exception ${item.exceptionId}`,
      [field('Resolution note', note, 'What was wrong and what you did; finance and audit read this.')],
      'Resolve',
    );
    if (!values) return;
    await act(
      `/exceptions/${encodeURIComponent(item.exceptionId)}/resolve`,
      { note: values.get('note') },
      `Exception ${item.exceptionId} resolved`,
    );
  }

  async function act(path: string, body: Record<string, unknown>, done: string): Promise<void> {
    try {
      await context.api.post(path, body);
      context.announce(done);
      detail.hidden = true;
      await refresh();
    } catch (error) {
      showFailure(failure, error);
    }
  }

  function showDetail(item: OpsException): void {
    replace(
      detail,
      h('h3', { tabindex: -1 }, `Exception ${item.exceptionId}`),
      h('h4', {}, 'Error history'),
      item.errors.length === 0
        ? h('p', { class: 'muted' }, 'None recorded.')
        : h('ol', { class: 'errors' }, ...item.errors.map((e) => h('li', {}, timeText(e.at), ' ', e.message))),
      h('h4', {}, 'Evidence'),
      pre(item.evidence ?? item.raw),
      item.notes.length > 0 ? h('h4', {}, 'Notes') : null,
      item.notes.length > 0 ? pre(item.notes) : null,
    );
    detail.hidden = false;
    detail.querySelector('h3')?.focus();
  }

  function renderList(items: OpsException[]): void {
    if (items.length === 0) {
      replace(list, h('p', { class: 'empty' }, 'No exceptions match these filters.'));
      return;
    }
    const now = Date.now();
    const rows = items.map((item) => {
      const overdue = item.state !== 'resolved' && item.slaDueAt !== '' && Date.parse(item.slaDueAt) < now;
      return [
        h('code', {}, item.exceptionId),
        h(
          'span',
          {},
          text(item.category),
          item.failureSource ? h('span', { class: 'muted' }, ` · cause: ${item.failureSource}`) : null,
        ),
        text(item.owner) + (item.assignee ? ` (${item.assignee})` : ''),
        h('span', { class: `state ${item.state}` }, text(item.state)),
        item.payoutId ? h('code', {}, item.payoutId) : batchLink(item, context),
        text(item.provider),
        `${ageSince(item.openedAt, now)} ago`,
        h(
          'span',
          { class: overdue ? 'overdue nowrap' : 'nowrap' },
          timeText(item.slaDueAt),
          overdue ? ' — overdue' : '',
        ),
        h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            { type: 'button', 'aria-label': `Inspect exception ${item.exceptionId}`, onclick: () => showDetail(item) },
            'Inspect',
          ),
          item.state === 'resolved'
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Assign exception ${item.exceptionId}`,
                  onclick: () => void assign(item),
                },
                'Assign…',
              ),
          item.state === 'resolved'
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Resolve exception ${item.exceptionId}`,
                  onclick: () => void resolve(item),
                },
                'Resolve…',
              ),
        ),
      ];
    });
    replace(
      list,
      table(
        `${items.length} exception(s)`,
        ['Exception', 'Category', 'Owner', 'State', 'Payout or batch', 'Provider', 'Opened', 'SLA due', 'Actions'],
        rows,
      ),
    );
  }

  async function refresh(): Promise<void> {
    try {
      const items = toExceptions(
        await context.api.get('/exceptions', {
          state: state.value,
          category: category.value,
          owner: owner.value,
          limit: EXCEPTIONS_PAGE_SIZE,
        }),
      ).filter((item) => !provider.value.trim() || item.provider === provider.value.trim()); // the API has no provider filter
      clearFailure(failure);
      renderList(items);
      context.announce(`${items.length} exception(s) loaded`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  return refresh;
}

/** A batch group names no payout but its batch: a link to the batch page, for a token that may read it. */
function batchLink(item: OpsException, context: ViewContext): HTMLElement | string {
  if (!item.batchId) return '—';
  if (!context.scopes().includes(OPS_READ_SCOPE)) return h('code', {}, item.batchId);
  return h(
    'a',
    { href: `#batch/${encodeURIComponent(item.batchId)}`, 'aria-label': `Open batch ${item.batchId}` },
    `Open batch ${item.batchId}`,
  );
}
