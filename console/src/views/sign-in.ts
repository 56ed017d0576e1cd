// Sign-in. AWS: one button to the Cognito hosted UI. Twin: ask the twin's issuer for an operator
// token; if the twin offers no token endpoint, paste one printed by the token CLI.
import { requestTwinToken, startHostedUiSignIn, storeToken } from '../auth';
import type { ConsoleConfig } from '../config';
import { alertRegion, showFailure } from '../context';
import { field, h, replace } from '../dom';

/**
 * What an operator needs on the twin; the server still checks each route's scope. No payouts:read:
 * the timeline uses the operator routes (ops:read), since the operator is not the payout's tenant.
 */
export const OPERATOR_SCOPES = ['ops:read', 'ops:redrive', 'exceptions:write'] as const;
const OPERATOR_TENANT_DEFAULT = 'ops';

export function mountSignIn(section: HTMLElement, config: ConsoleConfig, redirectUri: string, onSignedIn: () => void): void {
  const failure = alertRegion('signin-error');
  if (config.mode === 'cognito') {
    const button = h('button', { type: 'button', class: 'primary', id: 'signin-hosted-ui' }, 'Sign in with your operator account');
    button.addEventListener('click', () => void startHostedUiSignIn(config, redirectUri).catch((error) => showFailure(failure, error)));
    replace(section, h('h2', { id: 'signin-heading' }, 'Sign in'), h('p', {}, 'You will be sent to the sign-in page (with MFA) and brought back here.'), failure, button);
    return;
  }

  const tenant = h('input', { id: 'signin-tenant', name: 'tenant', value: OPERATOR_TENANT_DEFAULT, required: true, autocomplete: 'off' });
  const twinForm = h(
    'form',
    { id: 'signin-twin', 'aria-labelledby': 'signin-twin-heading' },
    h('h3', { id: 'signin-twin-heading' }, 'Local twin'),
    h('p', {}, `Ask the twin's issuer for an operator token with ${OPERATOR_SCOPES.join(', ')}.`),
    field('Tenant', tenant),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in with the twin')),
  );
  const pasted = h('textarea', { id: 'signin-token', name: 'token', rows: 4, required: true, spellcheck: 'false', autocomplete: 'off' });
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
    const token = await requestTwinToken(tenant.value.trim(), [...OPERATOR_SCOPES]);
    if (!token) {
      showFailure(failure, 'The twin offered no token endpoint; paste a token from the command below.');
      pasted.focus();
      return;
    }
    storeToken(token);
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
  replace(section, h('h2', { id: 'signin-heading' }, 'Sign in'), failure, h('div', { class: 'signin-options' }, twinForm, pasteForm));
}
