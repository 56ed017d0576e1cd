import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderStatusHtml } from '../../../functions/http/status-html';
import type { StatusResponse } from '../../../functions/http/status-schemas';

const AT = '2026-12-01T10:00:00.000Z';
const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
const STATUS: StatusResponse = {
  state: 'degraded',
  components: [{ component: 'api', state: 'degraded', reasons: ['an open incident posted by ops'] }],
  reconciliation: {
    last_success_at: AT,
    seconds_since_last_success: 0,
    oldest_unreconciled_payout: {
      created_at: null,
      age_seconds: null,
      examined_from: '2026-11-18',
      may_be_older: false,
    },
  },
  webhook_backlog: { oldest_received_at: null, age_seconds: null },
  incidents: {
    open: [
      {
        incident_id: 'inc_1',
        title: HOSTILE,
        impact: 'degraded',
        components: ['api'],
        state: 'open',
        opened_at: AT,
        resolved_at: null,
        updates: [{ at: AT, state: 'open', message: HOSTILE }],
      },
    ],
    recently_resolved: [],
  },
  updated_at: AT,
};

describe('the HTML status page', () => {
  it.each([
    {
      payout: null,
      mayBeOlder: false,
      webhook: null,
      shows: ['reconciliation: <strong>none', 'applied: <strong>none'],
    },
    { payout: 97_200, mayBeOlder: false, webhook: 59, shows: ['<strong>1 d 3 h</strong>', '<strong>59 s</strong>'] },
    { payout: 3_720, mayBeOlder: true, webhook: 600, shows: ['<strong>at least 1 h 2 min', '<strong>10 min'] },
  ])('shows the backlog figures: $payout s (may be older: $mayBeOlder), webhook $webhook s', (row) => {
    const { html } = renderStatusHtml({
      ...STATUS,
      reconciliation: {
        ...STATUS.reconciliation,
        oldest_unreconciled_payout: {
          created_at: row.payout === null ? null : AT,
          age_seconds: row.payout,
          examined_from: '2026-11-18',
          may_be_older: row.mayBeOlder,
        },
      },
      webhook_backlog: { oldest_received_at: row.webhook === null ? null : AT, age_seconds: row.webhook },
    });
    for (const text of row.shows) expect(html).toContain(text);
  });

  it.each([
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['&', '&amp;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['plain', 'plain'],
  ])('escapes %s as %s', (raw, escaped) => {
    expect(escapeHtml(raw)).toBe(escaped);
  });

  it('carries no markup from data, no script, and a CSP that allows only its own style', () => {
    const { html, csp } = renderStatusHtml(STATUS);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    const style = /<style>(.*?)<\/style>/s.exec(html)![1]!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(csp).toBe(
      `default-src 'none'; script-src 'none'; style-src 'sha256-${hash}'; frame-ancestors 'none'; ` +
        "base-uri 'none'; form-action 'none'",
    );
  });
});
