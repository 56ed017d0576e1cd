// Before funds move (issue 15): one owner's open holds, oldest first, across tenants
// (GET /ops/holds?owner=). Each hold says what releases it; Release… asks for a reason, confirms,
// and shows the server's refusal as it answered (code and message): a screening hold is its case's
// to decide, a corridor or onboarding hold waits for its requirement. The server decides who may.
import { ApiFailure } from '../api';
import {
  defaultHoldOwner,
  HOLD_OWNERS,
  HOLD_RELEASE_REASON_CHARS_MAX,
  HOLDS_PAGE_SIZE,
  HOLDS_PATH,
  releaseHoldPath,
  toHoldQueuePage,
  toHoldRelease,
  type HoldQueueEntry,
} from '../contract';
import { moneyText, OPS_READ_SCOPE } from '../batch-contract';
import { formDialog } from '../confirm';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table, type Child } from '../dom';
import { ageSince, text, timeText } from '../format';
import { payoutHref } from './payout';

/** Whose queue, in words an operator recognises (the API's owner names stay in the value). */
const OWNER_LABELS: Readonly<Record<(typeof HOLD_OWNERS)[number], string>> = {
  compliance: 'Compliance (screening, onboarding reviews)',
  ops: 'Ops (corridor enablement)',
  tenant: 'Tenant (forms to collect)',
  approver: 'Approver (large payouts)',
};
/** A release reason must say something; the server asks for one visible character. */
const REASON_LENGTH_MIN = 3;

export function mountHolds(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const owner = select(
    'holds-owner',
    'owner',
    (['compliance', 'ops', 'tenant', 'approver'] as const).map((o) => [o, OWNER_LABELS[o]] as const),
  );
  /** Whose default the owner filter holds: the view outlives a sign-out, so a new operator resets it. */
  let defaultFor: string | null = null;
  const filters = h(
    'form',
    { id: 'holds-filters', class: 'filters', 'aria-label': 'Choose whose holds' },
    field('Owner', owner, 'The role that releases the hold. Opens on your own role’s queue.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show holds')),
  );
  const failure = alertRegion('holds-error');
  const list = h('div', { id: 'holds-list', 'aria-live': 'polite' });
  const pager = h('div', { id: 'holds-pager', class: 'actions' });
  replace(
    section,
    h('h2', {}, 'Before funds move'),
    h(
      'p',
      { class: 'muted' },
      'Payouts that stay before submission until every hold is released. No payout here has reached a provider.',
    ),
    filters,
    failure,
    list,
    pager,
  );
  /** The cursors of the pages before this one (first page: none), so "Back" can return. */
  let earlier: Array<string | null> = [];
  let current: string | null = null;

  async function release(entry: HoldQueueEntry): Promise<void> {
    const reason = h('textarea', {
      id: 'holds-reason',
      name: 'reason',
      required: true,
      minlength: REASON_LENGTH_MIN,
      maxlength: HOLD_RELEASE_REASON_CHARS_MAX,
      rows: 3,
    });
    const values = await formDialog(
      `Release hold ${entry.hold.holdId} of payout ${entry.payoutId}?`,
      [
        h(
          'p',
          {},
          `Tenant ${text(entry.tenantId)}, ${amountText(entry)}. Requirement: ${text(entry.hold.requirement)}.`,
        ),
        h(
          'p',
          {},
          'Releasing says the requirement is met. If this was the last open hold, the payout goes on to its provider.',
        ),
        field('Reason', reason, 'What was checked; audited with your name.'),
      ],
      'Release hold',
    );
    if (!values) return;
    try {
      const outcome = toHoldRelease(
        await context.api.post(releaseHoldPath(entry.payoutId, entry.hold.holdId), {
          reason: String(values.get('reason') ?? '').trim(),
        }),
      );
      clearFailure(failure);
      context.announce(
        `Hold ${outcome.hold.holdId} of payout ${outcome.payoutId} ${outcome.outcome.replace(/_/g, ' ')}` +
          (outcome.submitted
            ? ': no hold left, sent to submission'
            : `: ${outcome.openHoldCount ?? '?'} hold(s) still open`),
      );
      await load(current);
    } catch (error) {
      showRefusal(entry, error);
    }
  }

  /** The refusal as the API answered it, then what to do instead. */
  function showRefusal(entry: HoldQueueEntry, error: unknown): void {
    if (!(error instanceof ApiFailure)) {
      showFailure(failure, error);
      return;
    }
    replace(
      failure,
      h('p', {}, h('strong', {}, `Not released: ${error.code}`), ` (HTTP ${error.status}) — ${error.message}`),
      h('p', {}, nextStep(entry, error.code)),
      error.requestId ? h('p', { class: 'muted' }, `Nothing was released. Request-Id: ${error.requestId}.`) : null,
    );
    failure.hidden = false;
  }

  function renderList(entries: HoldQueueEntry[], next: string | null): void {
    const whose = OWNER_LABELS[owner.value as (typeof HOLD_OWNERS)[number]] ?? owner.value;
    if (entries.length === 0) {
      replace(
        list,
        h(
          'p',
          { class: 'empty' },
          earlier.length === 0
            ? `No open holds for ${whose}. Nothing is waiting on this owner before funds move.`
            : 'No more holds on this page.',
        ),
      );
    } else {
      const now = Date.now();
      const rows = entries.map((entry): Child[] => {
        const { hold } = entry;
        const overdue = hold.slaDueAt !== '' && Date.parse(hold.slaDueAt) < now;
        return [
          payoutLink(entry.payoutId, context),
          h('span', {}, text(entry.tenantId), h('br'), h('span', { class: 'muted' }, amountText(entry))),
          text(hold.kind.replace(/_/g, ' ')),
          text(hold.owner),
          h('code', {}, text(hold.requirement)),
          h('span', { class: 'nowrap' }, timeText(hold.openedAt), h('br'), `${ageSince(hold.openedAt, now)} ago`),
          h(
            'span',
            { class: overdue ? 'overdue nowrap' : 'nowrap' },
            timeText(hold.slaDueAt),
            overdue ? ' — overdue' : '',
          ),
          evidenceList(entry),
          h(
            'div',
            { class: 'row-actions' },
            h(
              'button',
              {
                type: 'button',
                'aria-label': `Release hold ${hold.holdId} of payout ${entry.payoutId}`,
                onclick: () => void release(entry),
              },
              'Release…',
            ),
          ),
        ];
      });
      replace(
        list,
        table(
          `${entries.length} open hold(s) for ${whose}${next ? ', more on the next page' : ''}, oldest first`,
          ['Payout', 'Tenant and amount', 'Kind', 'Owner', 'Requirement', 'Opened', 'SLA due', 'Evidence', 'Actions'],
          rows,
        ),
      );
    }
    replace(
      pager,
      earlier.length > 0
        ? h('button', { type: 'button', id: 'holds-first', onclick: () => void first() }, 'First page')
        : null,
      next
        ? h(
            'button',
            { type: 'button', id: 'holds-next', onclick: () => void page(next) },
            `Next ${HOLDS_PAGE_SIZE} (newer)`,
          )
        : null,
    );
  }

  async function load(cursor: string | null): Promise<void> {
    try {
      const answer = toHoldQueuePage(
        await context.api.get(HOLDS_PATH, { owner: owner.value, limit: HOLDS_PAGE_SIZE, cursor }),
      );
      current = cursor;
      clearFailure(failure);
      renderList(answer.entries, answer.nextCursor);
      context.announce(`${answer.entries.length} open hold(s) for ${answer.owner || owner.value}`);
    } catch (error) {
      replace(
        list,
        h('p', { class: 'empty' }, 'The holds queue could not be read; nothing is shown rather than a stale list.'),
      );
      replace(pager);
      showFailure(failure, error);
    }
  }

  async function page(next: string): Promise<void> {
    earlier.push(current);
    await load(next);
  }

  async function first(): Promise<void> {
    earlier = [];
    await load(null);
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void first();
  });
  return async () => {
    const signedIn = `${context.principal()}|${context.role()}`;
    if (defaultFor !== signedIn) {
      owner.value = defaultHoldOwner(context.role());
      defaultFor = signedIn;
    }
    await first();
  };
}

/** The payout's timeline (GET /ops/payouts, ops:read) for a token that may read it; else its id. */
function payoutLink(payoutId: string, context: ViewContext): HTMLElement {
  if (!context.scopes().includes(OPS_READ_SCOPE)) return h('code', {}, payoutId);
  return h('a', { href: payoutHref(payoutId), 'aria-label': `Open payout ${payoutId}` }, h('code', {}, payoutId));
}

function amountText(entry: HoldQueueEntry): string {
  return entry.amountMinor === null ? text(entry.currency) : moneyText(entry.amountMinor, entry.currency);
}

/** The evidence as `name: value` lines, in the server's order. */
function evidenceList(entry: HoldQueueEntry): HTMLElement {
  const { evidence } = entry.hold;
  if (evidence.length === 0) return h('span', { class: 'muted' }, 'none recorded');
  return h(
    'ul',
    { class: 'evidence' },
    ...evidence.map(([name, value]) =>
      h('li', { class: 'nowrap' }, h('span', { class: 'muted' }, `${name.replace(/_/g, ' ')}: `), h('code', {}, value)),
    ),
  );
}

/** What to do when the release is refused: the refusals of docs/compliance.md "Releasing". */
function nextStep(entry: HoldQueueEntry, code: string): Child {
  const { hold } = entry;
  switch (code) {
    case 'screening_hold_released_by_decision':
      return hold.screeningCaseId
        ? h(
            'span',
            {},
            'Decide the screening case instead: ',
            h(
              'a',
              { href: `#exceptions`, 'aria-label': `Screening case ${hold.screeningCaseId} in Exceptions` },
              `case ${hold.screeningCaseId}`,
            ),
            ' (its exception is screening potential match; clearing it releases this hold).',
          )
        : 'Decide the screening case instead: clearing the case releases this hold.';
    case 'approval_hold_released_by_approve':
      return 'An approver approves the payout instead (four eyes); that releases this hold.';
    case 'hold_requirement_unmet':
      return hold.kind === 'corridor_enablement'
        ? `Enable the tenant for ${text(hold.evidence.find(([name]) => name === 'corridor')?.[1])} first ` +
            '(config/tenant-enablements.json, with the provider’s enablement reference), then release.'
        : `Meet the requirement first (${text(hold.requirement)}), then release.`;
    case 'hold_owner_scope_required':
      return `Only the hold's owner (${text(hold.owner)}) may release it: ask that role's operator.`;
    case 'hold_not_found':
      return 'The hold is gone (released meanwhile?): show the holds again.';
    default:
      return 'Nothing was released.';
  }
}
