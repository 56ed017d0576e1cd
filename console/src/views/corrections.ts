// Corrections: an operator proposes a status correction or a ledger adjustment of any tenant's
// payout, with a reason and an evidence reference; a second operator approves (it is applied at
// once) or rejects it. Shown only to roles holding payouts:correct (main.ts); the server enforces
// the scope and four eyes (a proposer's Approve is refused with 403 self_approval_forbidden — the
// page disables it too, for clarity only).
import {
  CORRECTIONS_PATH,
  decideCorrectionPath,
  proposeCorrectionPath,
  toCorrections,
  type Correction,
} from '../contract';
import { formDialog } from '../confirm';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table } from '../dom';
import { text, timeText } from '../format';

const TARGETS = ['paid', 'failed', 'canceled', 'reversed'] as const;
const ACCOUNTS = ['available', 'in_transit', 'settled', 'fees'] as const;
const EVIDENCE_TYPES = [
  ['provider_statement', 'Provider statement'],
  ['provider_report', 'Provider report'],
  ['document', 'Document'],
  ['url', 'URL'],
  ['ticket', 'Ticket'],
] as const;
/** The API's limits (docs/ops-api.md). */
const REASON_LENGTH_MAX = 2_000;
const EVIDENCE_LENGTH_MAX = 512;
const PAGE_SIZE = 200;

/** One key per action attempt: a retry of the same submission (after a network error) sends it again. */
const newKey = (): string => `console-${crypto.randomUUID()}`;

export function mountCorrections(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const payoutId = h('input', {
    id: 'corr-payout',
    name: 'payout_id',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'wide',
  });
  const kind = select('corr-kind', 'kind', [
    ['status', 'Status correction'],
    ['ledger_adjustment', 'Ledger adjustment'],
  ]);
  const target = select(
    'corr-target',
    'target_status',
    TARGETS.map((t) => [t, t] as const),
  );
  const fromAccount = select(
    'corr-from',
    'from_account',
    ACCOUNTS.map((a) => [a, a] as const),
  );
  const toAccount = select(
    'corr-to',
    'to_account',
    ACCOUNTS.map((a) => [a, a] as const),
  );
  toAccount.value = 'fees';
  const amount = h('input', {
    id: 'corr-amount',
    name: 'amount',
    type: 'number',
    min: 1,
    step: 1,
    inputmode: 'numeric',
  });
  const currency = h('input', {
    id: 'corr-currency',
    name: 'currency',
    autocomplete: 'off',
    maxlength: 3,
    value: 'EUR',
  });
  const reason = h('textarea', {
    id: 'corr-reason',
    name: 'reason',
    required: true,
    maxlength: REASON_LENGTH_MAX,
    rows: 3,
  });
  const evidenceType = select('corr-evidence-type', 'evidence_type', EVIDENCE_TYPES);
  const evidenceReference = h('input', {
    id: 'corr-evidence',
    name: 'evidence_reference',
    required: true,
    maxlength: EVIDENCE_LENGTH_MAX,
    autocomplete: 'off',
    class: 'wide',
  });
  const statusFields = h('div', { class: 'filters-inline' }, field('Target status', target));
  const adjustmentFields = h(
    'div',
    { class: 'filters-inline' },
    field('From account', fromAccount),
    field('To account', toAccount),
    field('Amount (minor units)', amount, 'Moved from the first account to the second; the postings balance.'),
    field('Currency', currency, "The payout's currency"),
  );
  const syncKind = (): void => {
    const adjusting = kind.value === 'ledger_adjustment';
    statusFields.hidden = adjusting;
    adjustmentFields.hidden = !adjusting;
    amount.required = adjusting;
  };
  kind.addEventListener('change', syncKind);
  syncKind();
  let proposeKey = newKey();
  const form = h(
    'form',
    { id: 'corr-form', class: 'filters', 'aria-label': 'Propose a correction' },
    field('Payout id', payoutId),
    field('Kind', kind),
    statusFields,
    adjustmentFields,
    field('Reason', reason, 'What is wrong and what the evidence shows; the approver and audit read this.'),
    field('Evidence type', evidenceType),
    field('Evidence reference', evidenceReference, 'Statement or report id, document number, ticket, or URL'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Propose correction')),
  );
  // A changed form is a new action: it gets a new key.
  form.addEventListener('input', () => (proposeKey = newKey()));
  const failure = alertRegion('corr-error');
  const stateFilter = select('corr-state', 'state', [
    ['proposed', 'Proposed'],
    ['applied', 'Applied'],
    ['rejected', 'Rejected'],
  ]);
  const filters = h(
    'form',
    { id: 'corr-filters', class: 'filters', 'aria-label': 'Filter corrections' },
    field('State', stateFilter),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')),
  );
  const list = h('div', { id: 'corr-list', 'aria-live': 'polite' });
  replace(
    section,
    h('h2', {}, 'Corrections'),
    h('h3', {}, 'Propose'),
    form,
    failure,
    h('h3', {}, 'Review'),
    filters,
    list,
  );

  function proposal(): Record<string, unknown> {
    const common = {
      reason: reason.value,
      evidence: { type: evidenceType.value, reference: evidenceReference.value.trim() },
    };
    if (kind.value === 'status') return { kind: 'status', target_status: target.value, ...common };
    const minor = Number(amount.value);
    const cur = currency.value.trim().toUpperCase();
    return {
      kind: 'ledger_adjustment',
      postings: [
        { account: fromAccount.value, currency: cur, amount: -minor },
        { account: toAccount.value, currency: cur, amount: minor },
      ],
      ...common,
    };
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const created = toCorrections({
          data: [
            await context.api.post(proposeCorrectionPath(payoutId.value.trim()), proposal(), {
              'idempotency-key': proposeKey,
            }),
          ],
        })[0];
        proposeKey = newKey();
        clearFailure(failure);
        context.announce(`Correction ${created?.correctionId} proposed; a second operator must approve it`);
        stateFilter.value = 'proposed';
        await refresh();
      } catch (error) {
        showFailure(failure, error);
      }
    })();
  });

  async function decide(item: Correction, decision: 'approve' | 'reject'): Promise<void> {
    const note = h('textarea', {
      id: 'corr-decision-text',
      name: 'text',
      rows: 3,
      maxlength: REASON_LENGTH_MAX,
      required: decision === 'reject',
    });
    const values = await formDialog(
      decision === 'approve' ? `Approve correction ${item.correctionId}` : `Reject correction ${item.correctionId}`,
      [
        h('p', {}, describe(item)),
        h('p', {}, `Reason: ${item.reason}`),
        h('p', {}, `Evidence (${item.evidenceType}): ${item.evidenceReference}`),
        field(
          decision === 'approve' ? 'Note (optional)' : 'Reason for rejecting',
          note,
          decision === 'approve' ? 'It is applied at once.' : undefined,
        ),
      ],
      decision === 'approve' ? 'Approve and apply' : 'Reject',
    );
    if (!values) return;
    const written = String(values.get('text') ?? '');
    const body = decision === 'approve' ? (written.trim() ? { note: written } : {}) : { reason: written };
    try {
      await context.api.post(decideCorrectionPath(item.correctionId, decision), body, { 'idempotency-key': newKey() });
      clearFailure(failure);
      context.announce(
        `Correction ${item.correctionId} ${decision === 'approve' ? 'approved and applied' : 'rejected'}`,
      );
      await refresh();
    } catch (error) {
      showFailure(failure, error);
    }
  }

  function render(items: Correction[]): void {
    if (items.length === 0) {
      replace(list, h('p', { class: 'empty' }, `No ${stateFilter.value} corrections.`));
      return;
    }
    const me = context.principal();
    const rows = items.map((item) => {
      const mine = item.proposedBy === me;
      return [
        h('code', {}, item.correctionId),
        h('code', {}, item.payoutId),
        text(item.tenantId),
        describe(item),
        text(item.reason),
        `${item.evidenceType}: ${item.evidenceReference}`,
        `${text(item.proposedBy)}, ${timeText(item.proposedAt)}`,
        h('span', { class: `state ${item.state}` }, text(item.state)),
        item.state !== 'proposed'
          ? text(item.approvedBy || item.rejectedBy)
          : h(
              'div',
              { class: 'row-actions' },
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Approve correction ${item.correctionId}`,
                  disabled: mine,
                  title: mine ? 'You proposed it: a second operator must approve' : 'Approve and apply',
                  onclick: () => void decide(item, 'approve'),
                },
                'Approve…',
              ),
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Reject correction ${item.correctionId}`,
                  onclick: () => void decide(item, 'reject'),
                },
                'Reject…',
              ),
              mine ? h('small', { class: 'hint' }, 'Proposed by you: needs a second operator.') : null,
            ),
      ];
    });
    replace(
      list,
      table(
        `${items.length} ${stateFilter.value} correction(s), oldest first`,
        ['Correction', 'Payout', 'Tenant', 'Change', 'Reason', 'Evidence', 'Proposed', 'State', 'Decision'],
        rows,
      ),
    );
  }

  async function refresh(): Promise<void> {
    try {
      const items = toCorrections(
        await context.api.get(CORRECTIONS_PATH, { state: stateFilter.value, limit: PAGE_SIZE }),
      );
      clearFailure(failure);
      render(items);
      context.announce(`${items.length} ${stateFilter.value} correction(s) loaded`);
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

function describe(item: Correction): string {
  if (item.kind === 'status') return `${text(item.fromStatus)} → ${text(item.targetStatus)}`;
  return item.postings.map((p) => `${p.account} ${p.amount > 0 ? '+' : ''}${p.amount} ${p.currency}`).join(', ');
}
