// A payout's timeline, looked up by payout id, idempotency key or provider reference: the
// question on call is almost always "what happened to this one payout, and why?". The operator is
// signed in as the platform's operator, not as the payout's tenant, so this uses the audited
// operator routes (GET /ops/payouts…, ops:read) and shows whose payout it is.
import {
  PAYOUT_LOOKUP_PATH,
  payoutEventsPath,
  payoutLookupQuery,
  toPayouts,
  toTimeline,
  type PayoutLookup,
  type PayoutSummary,
} from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { field, h, replace, select, table } from '../dom';
import { text, timeText } from '../format';

const show = (value: string | number | null): string => text(value);
const SUMMARY_FIELDS: Array<[label: string, value: (p: PayoutSummary) => string]> = [
  ['Payout id', (p) => show(p.payoutId)],
  ['Tenant', (p) => show(p.tenantId)],
  ['Status', (p) => show(p.status)],
  ['Status reason', (p) => show(p.statusReason)],
  ['Idempotency key', (p) => show(p.idempotencyKey)],
  ['Provider', (p) => show(p.provider)],
  ['Provider reference', (p) => show(p.providerReference)],
  ['Amount (minor units)', (p) => show(p.amountMinor)],
  ['Currency', (p) => show(p.currency)],
  ['Fee (minor units)', (p) => show(p.feeMinor)],
  ['Created', (p) => timeText(p.createdAt)],
  ['Last event', (p) => timeText(p.lastEventAt)],
  ['Reconciled', (p) => timeText(p.reconciledAt)],
  ['Exception owner', (p) => show(p.exceptionOwner)],
  ['Failure source', (p) => show(p.failureSource)],
  ['What the status means', (p) => show(p.statusSentence)],
  ['Request ids', (p) => p.requestIds.join(', ') || '—'],
];

/** The payout a `#payout/<payoutId>` link names; '' for a bare `#payout`. */
export function payoutIdInHash(hash: string): string {
  const [, payoutId] = hash.replace(/^#/, '').split('/');
  return payoutId ? decodeURIComponent(payoutId) : '';
}

/** The link to a payout's timeline in this view. */
export const payoutHref = (payoutId: string): string => `#payout/${encodeURIComponent(payoutId)}`;

export function mountPayoutLookup(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const kind = select('lookup-kind', 'kind', [
    ['payout_id', 'Payout id'],
    ['idempotency_key', 'Idempotency key'],
    ['provider_reference', 'Provider reference'],
  ]);
  const value = h('input', {
    id: 'lookup-value',
    name: 'value',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'wide',
  });
  // Idempotency keys are unique per tenant only, so that lookup needs the tenant too.
  const tenant = h('input', { id: 'lookup-tenant', name: 'tenant', autocomplete: 'off', spellcheck: 'false' });
  const tenantField = field('Tenant (for an idempotency key)', tenant);
  const syncTenantField = (): void => {
    const needed = kind.value === 'idempotency_key';
    tenantField.hidden = !needed;
    tenant.required = needed;
  };
  kind.addEventListener('change', syncTenantField);
  syncTenantField();
  const form = h(
    'form',
    { id: 'lookup-form', class: 'filters', 'aria-label': 'Look up a payout' },
    field('Look up by', kind),
    field('Value', value),
    tenantField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show timeline')),
  );
  const failure = alertRegion('lookup-error');
  const result = h('div', { id: 'lookup-result', 'aria-live': 'polite' });
  replace(section, h('h2', {}, 'Payout timeline'), form, failure, result);

  function currentLookup(): PayoutLookup {
    const wanted = value.value.trim();
    switch (kind.value) {
      case 'idempotency_key':
        return { kind: 'idempotency_key', value: wanted, tenantId: tenant.value.trim() };
      case 'provider_reference':
        return { kind: 'provider_reference', value: wanted };
      default:
        return { kind: 'payout_id', value: wanted };
    }
  }

  async function lookup(): Promise<void> {
    try {
      const [payout] = toPayouts(await context.api.get(PAYOUT_LOOKUP_PATH, payoutLookupQuery(currentLookup())));
      clearFailure(failure);
      if (!payout) {
        replace(
          result,
          h(
            'p',
            { class: 'empty' },
            `No payout with that ${kind.selectedOptions[0]?.textContent?.toLowerCase() ?? 'value'}.`,
          ),
        );
        return;
      }
      const events = toTimeline(await context.api.get(payoutEventsPath(payout.payoutId)));
      replace(
        result,
        h('h3', {}, `Payout ${payout.payoutId} (tenant ${payout.tenantId || '—'})`),
        h(
          'dl',
          { class: 'facts' },
          ...SUMMARY_FIELDS.flatMap(([label, valueOf]) => [h('dt', {}, label), h('dd', {}, valueOf(payout))]),
        ),
        events.length === 0
          ? h('p', { class: 'muted' }, 'No timeline events.')
          : table(
              `Timeline (${events.length} event(s), oldest first)`,
              ['Recorded', 'Occurred', 'Event', 'Outcome', 'Change', 'Source', 'Reference', 'Reason'],
              events.map((e) => [
                timeText(e.recordedAt),
                timeText(e.occurredAt),
                text(e.event),
                h('span', { class: `outcome ${text(e.outcome)}` }, text(e.outcome)),
                `${text(e.from)} → ${text(e.to)}`,
                text(e.source),
                h('code', {}, text(e.sourceRef)),
                text(e.statusReason),
              ]),
            ),
      );
      context.announce(`Payout ${payout.payoutId} of tenant ${payout.tenantId}: ${events.length} timeline event(s)`);
    } catch (error) {
      showFailure(failure, error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookup();
  });
  return async () => {
    // `#payout/po_…` (a link from another view, e.g. the holds queue): look that payout up.
    const linked = payoutIdInHash(location.hash);
    if (linked) {
      kind.value = 'payout_id';
      syncTenantField();
      value.value = linked;
    }
    if (value.value.trim()) await lookup();
  };
}
