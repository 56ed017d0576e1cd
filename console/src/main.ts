// The ops console's entry: sign-in, then the views behind hash links (#overview, #dlq, …) so
// every view has a URL an operator can paste into the incident channel. A view that needs a scope
// is shown only to a token that holds it (the server enforces the same on every call).
import { ApiClient } from './api';
import { completeHostedUiSignIn, currentToken, decodeClaims, forgetToken, hostedUiSignOutUrl } from './auth';
import { apiBasePath, readConfig } from './config';
import { alertRegion, showFailure, type ViewContext } from './context';
import { byId, h, replace } from './dom';
import { AUDIT_SCOPE, CORRECTIONS_SCOPE } from './contract';
import { OPS_READ_SCOPE } from './batch-contract';
import { mountAudit } from './views/audit';
import { mountBatch } from './views/batch';
import { mountCorrections } from './views/corrections';
import { mountDlq } from './views/dlq';
import { mountExceptions } from './views/exceptions';
import { mountHolds } from './views/holds';
import { mountOverview } from './views/overview';
import { mountPayoutLookup } from './views/payout';
import { mountReplay } from './views/replay';
import { mountSignIn } from './views/sign-in';

/** Name, label, mount, and the scope the view needs to be shown (null: every operator). */
const VIEWS = [
  ['overview', 'Overview', mountOverview, null],
  ['dlq', 'Dead-letter queue', mountDlq, null],
  ['exceptions', 'Exceptions', mountExceptions, null],
  // Issue 15: every operator role reads every owner's holds (exceptions:read).
  ['holds', 'Before funds move', mountHolds, null],
  ['replay', 'Replay', mountReplay, null],
  ['payout', 'Payout timeline', mountPayoutLookup, null],
  // Any tenant's batch through the operator routes (ops:read): the batch page of issue 13.
  ['batch', 'Batches', mountBatch, OPS_READ_SCOPE],
  ['corrections', 'Corrections', mountCorrections, CORRECTIONS_SCOPE],
  ['audit', 'Audit trail', mountAudit, AUDIT_SCOPE],
] as const;
type ViewName = (typeof VIEWS)[number][0];
/** The views the signed-in token may use: its scopes, read for display (the server decides). */
let allowed: ReadonlySet<ViewName> = new Set();

const config = readConfig();
const redirectUri = location.origin + location.pathname;
const statusLine = byId('status');
const announce = (message: string): void => {
  statusLine.textContent = message;
};
const api = new ApiClient(apiBasePath(location.pathname), currentToken, () => {
  forgetToken();
  showSignIn();
});
const context: ViewContext = {
  api,
  announce,
  principal: () => {
    const token = currentToken();
    return (token ? decodeClaims(token)?.principal : undefined) ?? '';
  },
  role: () => {
    const token = currentToken();
    return (token ? decodeClaims(token)?.role : undefined) ?? '';
  },
  scopes: () => {
    const token = currentToken();
    return (token ? decodeClaims(token)?.scopes : undefined) ?? [];
  },
};
const refreshers = new Map<ViewName, () => Promise<void>>();

function showSignIn(): void {
  byId('nav').hidden = true;
  replace(byId('identity'));
  for (const [name] of VIEWS) byId(`view-${name}`).hidden = true;
  const section = byId('signin');
  section.hidden = false;
  mountSignIn(section, config, redirectUri, showConsole);
}

function showConsole(): void {
  byId('signin').hidden = true;
  const token = currentToken();
  const claims = token ? decodeClaims(token) : null;
  const signOut = h('button', { type: 'button', id: 'signout' }, 'Sign out');
  signOut.addEventListener('click', () => {
    forgetToken();
    const url = hostedUiSignOutUrl(config, redirectUri);
    if (url) location.assign(url);
    else showSignIn();
  });
  replace(
    byId('identity'),
    h('span', { class: 'who' }, `${claims?.subject ?? 'operator'} · ${claims?.role ?? '—'}`),
    h(
      'span',
      { class: 'scopes', title: 'Scopes of your token; the server enforces them' },
      (claims?.scopes ?? []).join(' '),
    ),
    signOut,
  );
  const scopes = claims?.scopes ?? [];
  allowed = new Set(VIEWS.filter(([, , , scope]) => scope === null || scopes.includes(scope)).map(([name]) => name));
  replace(
    byId('nav'),
    h(
      'ul',
      {},
      ...VIEWS.filter(([name]) => allowed.has(name)).map(([name, label]) =>
        h('li', {}, h('a', { href: `#${name}` }, label)),
      ),
    ),
  );
  for (const [name, , mount] of VIEWS) {
    if (allowed.has(name) && !refreshers.has(name)) refreshers.set(name, mount(byId(`view-${name}`), context));
  }
  byId('nav').hidden = false;
  void route();
}

async function route(): Promise<void> {
  if (!currentToken()) return;
  // `#batch/bat_…`: the view, then what it shows (the view reads the rest of the hash itself).
  const wanted = location.hash.replace(/^#/, '').split('/')[0] as ViewName;
  const active: ViewName = allowed.has(wanted) ? wanted : 'overview';
  for (const [name] of VIEWS) {
    byId(`view-${name}`).hidden = name !== active;
    const link = document.querySelector(`#nav a[href="#${name}"]`);
    if (name === active) link?.setAttribute('aria-current', 'page');
    else link?.removeAttribute('aria-current');
  }
  document.title = `${VIEWS.find(([name]) => name === active)?.[1]} · Payout ops (${config.stage})`;
  await refreshers.get(active)?.();
}

async function start(): Promise<void> {
  byId('stage').textContent = config.stage;
  window.addEventListener('hashchange', () => void route());
  try {
    if (config.mode === 'cognito') await completeHostedUiSignIn(config, redirectUri);
  } catch (error) {
    const region = alertRegion('boot-error');
    byId('main').prepend(region);
    showFailure(region, error);
  }
  if (currentToken()) showConsole();
  else showSignIn();
}

void start();
