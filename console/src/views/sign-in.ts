// Sign-in. AWS: one button to the Cognito hosted UI; the user's Cognito group (ops, finance or
// compliance) decides the token's scopes. Twin: ask the twin's issuer for an operator token of a
// role, or paste one printed by the token CLI.
import { OPERATOR_ROLES } from '../../../functions/shared/access-matrix';
import { requestTwinToken, startHostedUiSignIn, storeToken } from '../auth';
import type { ConsoleConfig } from '../config';
import { alertRegion, showFailure } from '../context';
import { field, h, replace, select } from '../dom';

/**
 * What the twin form asks for: who you are and your role. The scopes are the role's row of the
 * access matrix (GET /access-matrix); the server checks each route's scope and your principal.
 * No role holds payouts:read: the timeline uses the operator routes, since an operator is no tenant.
 */
const OPERATOR_NAME_DEFAULT = 'operator';

export function mountSignIn(
  section: HTMLElement,
  config: ConsoleConfig,
  redirectUri: string,
  onSignedIn: () => void,
): void {
  const failure = alertRegion('signin-error');
  if (config.mode === 'cognito') {
    const button = h(
      'button',
      { type: 'button', class: 'primary', id: 'signin-hosted-ui' },
      'Sign in with your operator account',
    );
    button.addEventListener(
      'click',
      () => void startHostedUiSignIn(config, redirectUri).catch((error) => showFailure(failure, error)),
    );
    replace(
      section,
      h('h2', { id: 'signin-heading' }, 'Sign in'),
      h('p', {}, 'You will be sent to the sign-in page (with MFA) and brought back here.'),
      failure,
      button,
    );
    return;
  }

  const operator = h('input', {
    id: 'signin-operator',
    name: 'operator',
    value: OPERATOR_NAME_DEFAULT,
    required: true,
    autocomplete: 'off',
  });
  const role = select(
    'signin-role',
    'role',
    OPERATOR_ROLES.map((name) => [name, name] as const),
  );
  const twinForm = h(
    'form',
    { id: 'signin-twin', 'aria-labelledby': 'signin-twin-heading' },
    h('h3', { id: 'signin-twin-heading' }, 'Local twin'),
    h('p', {}, "Ask the twin's issuer for an operator token of your role; the access matrix decides its scopes."),
    field('Operator', operator),
    field('Role', role),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in with the twin')),
  );
  const pasted = h('textarea', {
    id: 'signin-token',
    name: 'token',
    rows: 4,
    required: true,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const pasteForm = h(
    'form',
    { id: 'signin-paste', 'aria-labelledby': 'signin-paste-heading' },
    h('h3', { id: 'signin-paste-heading' }, 'Paste a token'),
    h('p', {}, 'Print one with:'),
    h('pre', { class: 'command' }, config.tokenCommand),
    field('Bearer token', pasted),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Use this token')),
  );
  twinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await requestTwinToken(operator.value.trim(), role.value);
    if ('error' in answer) {
      showFailure(failure, `${answer.error} You can paste a token from the command below.`);
      pasted.focus();
      return;
    }
    storeToken(answer.token);
    onSignedIn();
  });
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (pasted.value.trim().split('.').length !== 3) {
      showFailure(failure, 'That does not look like a JWT (three dot-separated parts).');
      return;
    }
    storeToken(pasted.value);
    onSignedIn();
  });
  replace(
    section,
    h('h2', { id: 'signin-heading' }, 'Sign in'),
    failure,
    h('div', { class: 'signin-options' }, twinForm, pasteForm),
  );
}
