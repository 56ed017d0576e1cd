import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/names';

// Issue 14: `npm run provider-check -- <provider>` without credentials says so in one line and exits 0.
describe('npm run provider-check', () => {
  it.each([
    ['stripe', [ENV.stripeSandboxSecretKey, ENV.stripeSandboxAccount]],
    ['paypal', [ENV.paypalSandboxClientId, ENV.paypalSandboxClientSecret]],
    ['adyen', [ENV.adyenSandboxApiKey, ENV.adyenSandboxBalanceAccount]],
  ])('%s without sandbox credentials: one line, exit 0, no network', (provider, variables) => {
    const env = { ...process.env };
    for (const name of variables) delete env[name];
    const run = spawnSync('npx', ['tsx', 'bin/provider-check.ts', provider], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `provider-check ${provider}: skipped, no sandbox credentials (set ${variables.join(', ')})`,
    ]);
  });

  it('an unknown provider is a usage error', () => {
    const run = spawnSync('npx', ['tsx', 'bin/provider-check.ts', 'nope'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run provider-check -- <');
  });
});
