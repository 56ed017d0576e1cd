// The evidence pack's pure half (drills/_gate/render.ts, drills/_gate/facts.ts): facts → one page.
import { describe, expect, it } from 'vitest';
import { corridorMatrix as corridorConfig } from '../../../functions/adapters/corridors-config';
import { lifecycleView } from '../../../functions/http/lifecycle-view';
import type { DrillResult } from '../../../drills/_gate/drill-result';
import {
  corridorMatrix,
  exceptionCategories,
  forbiddenTransitions,
  statusModel,
  webhookCatalog,
  type EvidenceFacts,
} from '../../../drills/_gate/facts';
import { PACK_SECTION_IDS, escapeHtml, renderEvidenceHtml, sectionsOf, table } from '../../../drills/_gate/render';
import { EXCEPTION_CATEGORIES } from '../../../functions/domain/exceptions';
import { PAYOUT_STATUSES } from '../../../functions/domain/lifecycle';

const HOSTILE = `<script>alert("x")</script>&'`;

function drill(overrides: Partial<DrillResult> = {}): DrillResult {
  return {
    drill: 'duplicate-create',
    passed: true,
    started_at: '2026-12-01T10:00:00.000Z',
    finished_at: '2026-12-01T10:00:03.000Z',
    duration_ms: 3_000,
    steps: ['POST /payouts twice'],
    checks: [{ what: 'one payout', expected: 1, saw: 1, pass: true }],
    attachments: {},
    ...overrides,
  };
}

function facts(overrides: Partial<EvidenceFacts> = {}): EvidenceFacts {
  const lifecycle = lifecycleView(corridorConfig().corridors);
  return {
    meta: { commit: 'abc123', finished_at: '2026-12-01T10:01:00.000Z', hostname: 'ci' },
    status_model: statusModel(lifecycle),
    retry_rules: {
      queues: [{ queue: 'WebhookQueue', max_receive_count: 5, dead_letter_queue: 'WebhookDlq' }],
      consumers: [],
      limits: [{ limit: 'INBOX_RETENTION_SECONDS', value: 3_024_000 }],
      provider_windows: [{ provider: 'stripe', retries_for_seconds: 259_200 }],
    },
    webhook_catalog: webhookCatalog(lifecycle),
    exception_categories: exceptionCategories(),
    access_matrix: { actors: [{ actor: 'backend', scopes: ['payouts:write'] }] },
    corridors: corridorMatrix(),
    trace: { request: { payout_id: 'po_1', create_request_id: 'req-1' }, ledger_postings: [{ from: 'a', to: 'b' }] },
    drills: [drill()],
    ...overrides,
  };
}

describe('escapeHtml', () => {
  it.each([
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['&', '&amp;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['&lt;', '&amp;lt;'],
  ])('escapes %s', (raw, escaped) => expect(escapeHtml(raw)).toBe(escaped));
});

describe('renderEvidenceHtml', () => {
  it('has a table of contents linking every section, and every section once', () => {
    const html = renderEvidenceHtml(facts());
    expect(html).toContain('<nav id="toc">');
    for (const id of PACK_SECTION_IDS) {
      expect(html).toContain(`<a href="#${id}">`);
      expect(html.split(`<section id="${id}">`)).toHaveLength(2);
    }
    expect(sectionsOf(facts()).map((s) => s.id)).toEqual([...PACK_SECTION_IDS]);
  });

  it('escapes every text that came from a drill or the twin', () => {
    const hostile = drill({
      drill: HOSTILE,
      steps: [HOSTILE],
      checks: [{ what: HOSTILE, expected: HOSTILE, saw: { [HOSTILE]: HOSTILE }, pass: false }],
      attachments: { sla: [{ [HOSTILE]: HOSTILE }] },
      error: HOSTILE,
    });
    const html = renderEvidenceHtml(
      facts({ drills: [hostile], meta: { commit: HOSTILE }, corridors: [{ x: HOSTILE }] }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  it('loads nothing from outside the page', () => {
    const html = renderEvidenceHtml(facts());
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it.each([
    ['every drill passed', [drill(), drill({ drill: 'incident' })], 'PASS'],
    ['one drill failed', [drill(), drill({ drill: 'incident', passed: false })], 'FAIL'],
    ['no drill ran', [], 'FAIL'],
  ])('gate verdict when %s', (_case, drills, verdict) => {
    const html = renderEvidenceHtml(facts({ drills }));
    expect(html).toMatch(new RegExp(`Gate: <span class="\\w+">${verdict}</span>`));
  });

  it('says so when no payout was traced', () => {
    expect(renderEvidenceHtml(facts({ trace: null }))).toContain('no payout was traced');
  });

  it('renders each drill: steps, expected, saw, PASS or FAIL', () => {
    const failed = drill({
      drill: 'incident',
      passed: false,
      checks: [{ what: 'resolved within SLA', expected: true, saw: false, pass: false }],
    });
    const html = renderEvidenceHtml(facts({ drills: [failed] }));
    expect(html).toContain('<section id="drill-incident">');
    expect(html).toContain('POST /payouts twice');
    expect(html).toMatch(/resolved within SLA<\/td><td>true<\/td><td>false<\/td><td>FAIL/);
  });

  it("shows a drill's attached rows under it, one row each (compliance-hold's two cases)", () => {
    const cases = [
      {
        case: 'screening hit',
        payout_id: 'po_screened',
        hold_kind: 'screening',
        cleared_by: 'bob',
        final_status: 'paid',
      },
      { case: 'missing W-8BEN', payout_id: 'po_taxed', hold_kind: 'tax_form', released_at: '2026-12-01T10:00:02Z' },
    ];
    const html = renderEvidenceHtml(
      facts({ drills: [drill({ drill: 'compliance-hold', attachments: { compliance_cases: cases } })] }),
    );
    const section = html.slice(html.indexOf('<section id="drill-compliance-hold">'));
    expect(section).toContain('<h4>compliance_cases</h4>');
    // One header over both rows: the second row's own field is a column, the first row's cell for it empty.
    expect(section).toMatch(/<th>case<\/th><th>payout_id<\/th><th>hold_kind<\/th><th>cleared_by<\/th>/);
    expect(section).toContain('<th>released_at</th>');
    expect(section).toMatch(/<td>screening hit<\/td><td>po_screened<\/td><td>screening<\/td><td>bob<\/td>/);
    expect(section).toMatch(/<td>missing W-8BEN<\/td><td>po_taxed<\/td><td>tax_form<\/td><td><span class="none">/);
  });
});

describe('corridor launch matrix (issue 15)', () => {
  const section = () => sectionsOf(facts()).find((s) => s.id === 'corridors')!.html;

  it('shows each corridor with state, provider, cut-off, ETA, enablement and requirements', () => {
    const rows = corridorMatrix();
    const paypal = rows.find((r) => r['corridor'] === 'US/USD/paypal')!;
    expect(paypal).toMatchObject({ state: 'enabled', provider: 'paypal', account_enablement_required: true });
    expect(paypal['tax_form']).toBe('not_required');
    const html = section();
    for (const column of ['corridor', 'state', 'provider', 'cutoff', 'eta', 'support_tier', 'onboarding', 'unverified'])
      expect(html).toContain(`<th>${column}</th>`);
    expect(html).toContain('<th>account_enablement_required</th>');
    expect(html).toContain('IN/INR/imps');
  });

  it('lists every evidence page as a link with its retrieval date and what it states', () => {
    const html = section();
    const pages = corridorMatrix().flatMap((r) => r['evidence'] as { url: string; retrieved: string }[]);
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      expect(html).toContain(`<a href="${escapeHtml(page.url)}">`);
      expect(page.retrieved).toBe('2026-12-02');
    }
    expect(html).toContain('https://docs.adyen.com/payouts/payout-service/payout-to-users');
    expect(html).toContain('US payout item is limited to $20,000.00 USD');
  });

  it('links only https pages, and escapes what a page states', () => {
    const corridors = [
      {
        corridor: 'X/EUR/x',
        evidence: [{ url: 'javascript:alert(1)', title: HOSTILE, retrieved: '2026-12-02', states: HOSTILE }],
      },
    ];
    const html = sectionsOf(facts({ corridors })).find((s) => s.id === 'corridors')!.html;
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('<script>');
  });
});

describe('table', () => {
  it('takes its columns from every row, so a field added to the API shows up by itself', () => {
    const html = table([{ status: 'paid' }, { status: 'pending', status_copy: 'Still on its way' }]);
    expect(html).toContain('<th>status</th><th>status_copy</th>');
    expect(html).toContain('Still on its way');
  });
  it('says none for no rows', () => expect(table([])).toContain('none'));
  it('shows one wide row as field/value pairs, and every table scrolls in its own box', () => {
    const wide = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => [k, `${k}-value`]));
    const html = table([wide]);
    expect(html).toContain('<tr><th scope="row">g</th><td>g-value</td></tr>');
    expect(html).not.toContain('<thead>');
    expect(html.startsWith('<div class="scroll">')).toBe(true);
    expect(table([{ status: 'paid' }]).startsWith('<div class="scroll"><table><thead>')).toBe(true);
  });
});

describe('facts', () => {
  it('forbidden transitions are every other ordered pair of statuses', () => {
    const lifecycle = lifecycleView(corridorConfig().corridors);
    const forbidden = forbiddenTransitions(lifecycle);
    const pairs = PAYOUT_STATUSES.length * (PAYOUT_STATUSES.length - 1);
    expect(forbidden.length + lifecycle.transitions.length).toBe(pairs);
    expect(forbidden).toContainEqual({ from: 'paid', to: 'pending' });
    expect(forbidden).not.toContainEqual({ from: 'pending', to: 'paid' });
  });

  it("the webhook catalog is the providers' own mapping joined with the lifecycle", () => {
    const catalog = webhookCatalog(lifecycleView(corridorConfig().corridors));
    expect(catalog).toContainEqual(
      expect.objectContaining({ provider: 'sandbox', event_type: 'payout.returned', our_event: 'provider_reversed' }),
    );
    expect(catalog).toContainEqual(
      expect.objectContaining({ provider: 'stripe', event_type: 'payout.created', our_event: null }),
    );
    const paid = catalog.find((row) => row['provider'] === 'stripe' && row['event_type'] === 'payout.paid');
    expect(String(paid?.['moves'])).toContain('pending→paid');
  });

  it('lists every exception category with an owner and an SLA', () => {
    const rows = exceptionCategories();
    expect(rows.map((r) => r['category'])).toEqual([...EXCEPTION_CATEGORIES]);
    for (const row of rows) expect(row['sla_seconds']).toBeGreaterThan(0);
  });
});
