// Facts → one self-contained HTML page (no scripts, no external assets): a table of contents and
// one section per fact of the launch evidence pack. Pure: no I/O, no clock. Every piece of text
// comes from a drill or the twin, so every piece is escaped.
import type { DrillResult } from './drill-result.js';
import type { EvidenceFacts, Row } from './facts.js';

export interface PackSection {
  id: string;
  title: string;
  html: string;
}

/** The sections every pack holds, in order (the e2e test and the unit test both check these ids). */
export const PACK_SECTION_IDS = [
  'run',
  'drills',
  'status-model',
  'retry-rules',
  'webhook-catalog',
  'exceptions',
  'access-matrix',
  'corridors',
  'trace',
] as const;

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '<span class="none">—</span>';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return escapeHtml(value.join(', '));
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}

/** One row of more columns than this reads better as a list of fields than as one wide line. */
const WIDE_ROW_COLUMNS_MAX = 6;

/**
 * A table whose columns are the union of the rows' keys, in first-seen order (new fields show up by
 * themselves); one wide row is shown as field/value pairs. Tables scroll inside their own box, so a
 * wide one never pushes the page past the window.
 */
export function table(rows: readonly Row[]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  if (rows.length === 1 && Object.keys(rows[0]!).length > WIDE_ROW_COLUMNS_MAX) {
    const pairs = Object.entries(rows[0]!).map(
      ([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`,
    );
    return `<div class="scroll"><table class="fields"><tbody>\n${pairs.join('\n')}\n</tbody></table></div>`;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${columns.map((c) => `<td>${cell(row[c])}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

const verdict = (passed: boolean) => (passed ? '<span class="pass">PASS</span>' : '<span class="fail">FAIL</span>');

function drillHtml(result: DrillResult): string {
  const steps = result.steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('');
  const checks = result.checks.map((c) => ({ check: c.what, expected: c.expected, saw: c.saw, result: c.pass }));
  const extra = Object.entries(result.attachments)
    .filter(([name]) => name !== 'trace')
    .map(([name, value]) => `<h4>${escapeHtml(name)}</h4>${Array.isArray(value) ? table(value as Row[]) : cell(value)}`)
    .join('');
  const error = result.error === undefined ? '' : `<pre class="fail">${escapeHtml(result.error)}</pre>`;
  return `<section id="drill-${escapeHtml(result.drill)}"><h3>${escapeHtml(result.drill)} ${verdict(result.passed)}</h3>
<p>${escapeHtml(`${result.started_at} · ${(result.duration_ms / 1000).toFixed(1)} s`)}</p>
<details><summary>steps (${result.steps.length})</summary><ol>${steps}</ol></details>
${table(checks.map((c) => ({ ...c, result: c.result ? 'PASS' : 'FAIL' })))}${extra}${error}</section>`;
}

function drillsSection(drills: readonly DrillResult[]): string {
  const summary = drills.map((d) => ({
    drill: d.drill,
    result: d.passed ? 'PASS' : 'FAIL',
    checks: `${d.checks.filter((c) => c.pass).length}/${d.checks.length}`,
    seconds: Math.round(d.duration_ms / 100) / 10,
  }));
  return table(summary) + drills.map(drillHtml).join('\n');
}

function traceSection(trace: unknown): string {
  if (trace === null || trace === undefined) return '<p class="fail">no payout was traced (see the drills)</p>';
  const record = trace as Record<string, unknown>;
  return Object.entries(record)
    .map(([name, value]) => {
      const body = Array.isArray(value) ? table(value as Row[]) : table([{ [name]: value }].map(flatten));
      return `<h3>${escapeHtml(name)}</h3>${body}`;
    })
    .join('\n');
}

const flatten = (row: Row): Row => {
  const only = Object.values(row)[0];
  return only !== null && typeof only === 'object' && !Array.isArray(only) ? (only as Row) : row;
};

export function sectionsOf(facts: EvidenceFacts): PackSection[] {
  const passed = facts.drills.filter((d) => d.passed).length;
  const model = facts.status_model;
  return [
    { id: 'run', title: 'Run: commit, time, machine', html: table([facts.meta]) },
    { id: 'drills', title: `Drills (${passed}/${facts.drills.length} PASS)`, html: drillsSection(facts.drills) },
    {
      id: 'status-model',
      title: 'Status model',
      html: `<h3>Statuses</h3>${table(model.statuses)}<h3>Events and their channels</h3>${table(model.events)}
<h3>Allowed transitions (by webhook, or by polling only)</h3>${table(model.transitions)}
<h3>Forbidden transitions (refused, logged, an exception)</h3>${table(model.forbidden)}`,
    },
    {
      id: 'retry-rules',
      title: 'Retry rules',
      html: `<h3>Queues (synthesized template)</h3>${table(facts.retry_rules.queues)}
<h3>Consumers</h3>${table(facts.retry_rules.consumers)}<h3>Named limits</h3>${table(facts.retry_rules.limits)}
<h3>Provider webhook retry windows</h3>${table(facts.retry_rules.provider_windows)}`,
    },
    { id: 'webhook-catalog', title: 'Webhook catalog', html: table(facts.webhook_catalog) },
    { id: 'exceptions', title: 'Exception categories: owner and SLA', html: table(facts.exception_categories) },
    { id: 'access-matrix', title: 'Access matrix', html: accessMatrixHtml(facts.access_matrix) },
    { id: 'corridors', title: 'Corridor launch matrix', html: corridorsHtml(facts.corridors) },
    { id: 'trace', title: 'One payout traced end to end', html: traceSection(facts.trace) },
  ];
}

/**
 * The launch matrix, then every page it rests on: corridor, link, retrieval date, what the page
 * states and the claims it backs. Only an https URL becomes a link; anything else stays text.
 */
function corridorsHtml(rows: readonly Row[]): string {
  const matrix = rows.map(({ evidence, ...row }) => ({
    ...row,
    evidence: Array.isArray(evidence) ? `${evidence.length} page(s)` : evidence,
  }));
  const pages = rows.flatMap((row) =>
    (Array.isArray(row['evidence']) ? (row['evidence'] as Row[]) : []).map((page) => {
      const url = String(page['url'] ?? '');
      const title = escapeHtml(String(page['title'] ?? url));
      const link = url.startsWith('https://') ? `<a href="${escapeHtml(url)}">${title}</a>` : title;
      const cells = [cell(row['corridor']), `${link}<br><code>${escapeHtml(url)}</code>`, cell(page['retrieved'])];
      return `<tr>${[...cells, cell(page['states']), cell(page['supports'])].map((c) => `<td>${c}</td>`).join('')}</tr>`;
    }),
  );
  const head = ['corridor', 'page', 'retrieved', 'states', 'backs'].map((c) => `<th>${c}</th>`).join('');
  const evidence =
    pages.length === 0
      ? '<p class="none">none</p>'
      : `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${pages.join('\n')}\n</tbody></table></div>`;
  return `${table(matrix)}<h3>Evidence: the pages each corridor rests on</h3>${evidence}`;
}

function accessMatrixHtml(matrix: unknown): string {
  if (matrix === null || typeof matrix !== 'object') return cell(matrix);
  return Object.entries(matrix as Record<string, unknown>)
    .map(([name, value]) => {
      const rows = Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object');
      return `<h3>${escapeHtml(name)}</h3>${rows ? table(value as Row[]) : `<p>${cell(value)}</p>`}`;
    })
    .join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:90rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px}th,td{border:1px solid #ccc;padding:.2rem .45rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}code{font-size:12px;word-break:break-all}
.pass{color:#0a7a2f;font-weight:600}.fail{color:#b00020;font-weight:600}.none{color:#888}
nav ol{columns:2}section{margin-bottom:2rem}.scroll{overflow-x:auto;max-width:100%}`;

export function renderEvidenceHtml(facts: EvidenceFacts): string {
  const sections = sectionsOf(facts);
  const allPassed = facts.drills.length > 0 && facts.drills.every((d) => d.passed);
  const toc = sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('');
  const body = sections.map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`);
  const commit = escapeHtml(String(facts.meta['commit'] ?? 'unknown'));
  const finishedAt = escapeHtml(String(facts.meta['finished_at'] ?? ''));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Launch evidence pack ${commit}</title>
<style>${STYLE}</style></head>
<body><h1>Launch evidence pack</h1>
<p>Gate: ${verdict(allPassed)} · commit <code>${commit}</code> · ${finishedAt}</p>
<nav id="toc"><h2>Contents</h2><ol>${toc}</ol></nav>
${body.join('\n')}
</body></html>
`;
}
