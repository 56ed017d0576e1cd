// Audit search (compliance, scope audit:read): who did what to which payout, exception or queue,
// and when — from the tamper-evident trail (GET /audit, docs/audit.md). Shown only to a token that
// holds audit:read (main.ts); the server refuses every other token whatever the page shows.
import { AUDIT_PATH, toAuditPage, type AuditEntryView } from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, pre, replace, table } from '../dom';
import { text, timeText } from '../format';
import type { Query } from '../api';

/** The API's page maximum is 200; a screen of 50 keeps the table readable. */
const AUDIT_PAGE_SIZE = 50;
/** Characters of a hash shown in the table; the whole one is in the record's detail. */
const HASH_CHARS_SHOWN = 12;

export function mountAudit(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const input = (id: string, name: string, placeholder: string) =>
    h('input', { id, name, autocomplete: 'off', spellcheck: 'false', placeholder, class: 'wide' });
  const subject = input('audit-subject', 'subject', 'payout:po_…');
  const actor = input('audit-actor', 'actor', 'operator:ada');
  const action = input('audit-action', 'action', 'payout.created');
  const from = h('input', { id: 'audit-from', name: 'from', type: 'datetime-local', step: 1 });
  const to = h('input', { id: 'audit-to', name: 'to', type: 'datetime-local', step: 1 });
  const form = h(
    'form',
    { id: 'audit-form', class: 'filters', 'aria-label': 'Search the audit trail' },
    field('Subject', subject, 'type:id — payout, exception, queue, payout_lookup, audit_trail'),
    field('Actor', actor, 'type:id — tenant, operator, job, provider'),
    field('Action', action, 'area.verb, e.g. exception.resolved'),
    field('From (your time)', from, 'Without a subject: the last 7 days by default, at most 31'),
    field('To (your time)', to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search')),
  );
  const failure = alertRegion('audit-error');
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, 'Load more');
  const detail = h('section', { id: 'audit-detail', class: 'panel', 'aria-label': 'Audit record', hidden: true });
  replace(section, h('h2', {}, 'Audit trail'), form, failure, results, more, detail);

  let shown: AuditEntryView[] = [];
  let query: Query = {};
  let cursor: string | null = null;

  function currentQuery(): Query {
    const iso = (control: HTMLInputElement) => (control.value ? new Date(control.value).toISOString() : undefined);
    return {
      subject: subject.value.trim() || undefined,
      actor: actor.value.trim() || undefined,
      action: action.value.trim() || undefined,
      from: iso(from),
      to: iso(to),
      limit: AUDIT_PAGE_SIZE,
    };
  }

  function render(): void {
    if (shown.length === 0) {
      replace(results, h('p', { class: 'empty' }, 'No audit records match.'));
      return;
    }
    replace(
      results,
      table(
        `Audit records (${shown.length}${cursor ? '+' : ''}, oldest first)`,
        ['Recorded', 'Actor', 'Action', 'Subject', 'Outcome', 'Tenant', 'Request id', 'Seq', 'Hash', ''],
        shown.map((entry) => [
          timeText(entry.at),
          `${entry.actor} (${text(entry.actorRole)})`,
          h('code', {}, entry.action),
          h('code', {}, entry.subject),
          h('span', { class: `outcome ${entry.outcome}` }, entry.outcome),
          text(entry.tenantId),
          h('code', {}, text(entry.requestId)),
          text(entry.seq),
          h('code', { title: entry.hash }, entry.hash.slice(0, HASH_CHARS_SHOWN)),
          h('button', { type: 'button', onclick: () => showDetail(entry) }, `Inspect ${entry.auditId}`),
        ]),
      ),
    );
  }

  function showDetail(entry: AuditEntryView): void {
    replace(
      detail,
      h('h3', {}, `Record ${entry.auditId}`),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Chain'),
        h('dd', {}, `${entry.subject}, seq ${text(entry.seq)}`),
        h('dt', {}, 'Previous hash'),
        h('dd', {}, h('code', {}, entry.prevHash)),
        h('dt', {}, 'Hash'),
        h('dd', {}, h('code', {}, entry.hash)),
      ),
      pre(entry.details),
    );
    detail.hidden = false;
  }

  async function load(next: boolean): Promise<void> {
    try {
      const page = toAuditPage(await context.api.get(AUDIT_PATH, next && cursor ? { ...query, cursor } : query));
      clearFailure(failure);
      shown = next ? [...shown, ...page.entries] : page.entries;
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      render();
      context.announce(`${shown.length} audit record(s)${cursor ? ', more available' : ''}`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    query = currentQuery();
    cursor = null;
    detail.hidden = true;
    void load(false);
  });
  more.addEventListener('click', () => void load(true));
  return async () => {
    if (shown.length > 0) return;
    query = currentQuery();
    await load(false);
  };
}
