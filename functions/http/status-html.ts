import { createHash } from 'node:crypto';
import type { IncidentView } from './incident-requests';
import type { StatusResponse } from './status-schemas';

/**
 * GET /status.html: the public status page as HTML, rendered from the same answer as GET /status.
 * No script at all: a meta refresh reloads it every STATUS_HTML_REFRESH_SECONDS, so the CSP forbids
 * every script and allows only the one inline style by its hash. Every text that came from data
 * (incident titles and messages are typed by operators) goes through `escapeHtml`.
 */
export const STATUS_HTML_REFRESH_SECONDS = 60;

const STYLE = [
  'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}',
  '.banner{padding:1rem;border-radius:.4rem;font-weight:600}',
  '.operational{background:#e6f4ea}.degraded{background:#fff4d6}.outage{background:#fde2e1}',
  'ul{padding:0;list-style:none}li{padding:.4rem .6rem;margin:.2rem 0;border-radius:.3rem}',
  '.incident{border:1px solid #ccc;border-radius:.4rem;padding:.6rem 1rem;margin:.6rem 0}',
  '.update{white-space:pre-wrap;margin:.3rem 0}time{color:#555;font-size:.9em}',
].join('');

const BANNER: Readonly<Record<StatusResponse['state'], string>> = {
  operational: 'All systems operational',
  degraded: 'Some systems are degraded',
  outage: 'Some systems are down',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function incidentHtml(incident: IncidentView): string {
  const updates = incident.updates
    .map(
      (u) =>
        `<p class="update"><time datetime="${escapeHtml(u.at)}">${escapeHtml(u.at)}</time> ` +
        `<strong>${escapeHtml(u.state)}</strong>: ${escapeHtml(u.message)}</p>`,
    )
    .join('');
  return (
    `<article class="incident ${escapeHtml(incident.state)}" data-incident="${escapeHtml(incident.incident_id)}">` +
    `<h3>${escapeHtml(incident.title)}</h3>` +
    `<p>Impact: ${escapeHtml(incident.impact)} · ${incident.components.map(escapeHtml).join(', ')}</p>` +
    `${updates}</article>`
  );
}

/** `3 h 12 min`, `2 d 4 h`: the console's wording (console/src/format.ts), for people. */
export function ageWords(seconds: number): string {
  const [minute, hour, day] = [60, 3_600, 86_400];
  if (seconds < minute) return `${Math.floor(seconds)} s`;
  if (seconds < hour) return `${Math.floor(seconds / minute)} min`;
  if (seconds < day) return `${Math.floor(seconds / hour)} h ${Math.floor((seconds % hour) / minute)} min`;
  return `${Math.floor(seconds / day)} d ${Math.floor((seconds % day) / hour)} h`;
}

/** The two backlog figures (domain/backlog-lag.ts): delays of the platform, not failed payouts. */
function backlogHtml(status: StatusResponse): string {
  const payout = status.reconciliation.oldest_unreconciled_payout;
  const payoutAge =
    payout.age_seconds === null ? 'none' : `${payout.may_be_older ? 'at least ' : ''}${ageWords(payout.age_seconds)}`;
  const webhookAge =
    status.webhook_backlog.age_seconds === null ? 'none' : ageWords(status.webhook_backlog.age_seconds);
  return (
    '<h2>Backlog and lag</h2><ul id="backlog">' +
    `<li data-figure="oldest-unreconciled">Oldest payout waiting for reconciliation: <strong>${payoutAge}</strong></li>` +
    `<li data-figure="webhook-backlog">Oldest webhook waiting to be applied: <strong>${webhookAge}</strong></li></ul>`
  );
}

export function renderStatusHtml(status: StatusResponse): { html: string; csp: string } {
  const components = status.components
    .map(
      (c) =>
        `<li class="${escapeHtml(c.state)}" data-component="${escapeHtml(c.component)}">` +
        `${escapeHtml(c.component)}: <strong>${escapeHtml(c.state)}</strong></li>`,
    )
    .join('');
  const list = (incidents: readonly IncidentView[], none: string) =>
    incidents.length === 0 ? `<p>${none}</p>` : incidents.map(incidentHtml).join('');
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="refresh" content="${STATUS_HTML_REFRESH_SECONDS}">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Payout platform status</title>' +
    `<style>${STYLE}</style></head><body><h1>Payout platform status</h1>` +
    `<p class="banner ${escapeHtml(status.state)}" id="banner">${BANNER[status.state]}</p>` +
    `<h2>Components</h2><ul id="components">${components}</ul>` +
    backlogHtml(status) +
    `<h2>Open incidents</h2><section id="open">${list(status.incidents.open, 'No open incidents.')}</section>` +
    '<h2>Recently resolved</h2>' +
    `<section id="resolved">${list(status.incidents.recently_resolved, 'None in the last day.')}</section>` +
    `<p><time datetime="${escapeHtml(status.updated_at)}">Updated ${escapeHtml(status.updated_at)}</time></p>` +
    '</body></html>';
  const styleHash = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;
  const csp = [
    "default-src 'none'",
    "script-src 'none'",
    `style-src ${styleHash}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return { html, csp };
}
