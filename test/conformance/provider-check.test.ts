import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/names';

// Issue 14: `npm run provider-check -- <provider>` without credentials says so in one line and exits 0.
describe('npm run provider-check', () => {
  it.each(['stripe'])('%s without sandbox credentials: one line, exit 0, no network', (provider) => {
    const env = { ...process.env };
    delete env[ENV.stripeSandboxSecretKey];
    delete env[ENV.stripeSandboxAccount];
    const run = spawnSync('npx', ['tsx', 'bin/provider-check.ts', provider], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `provider-check ${provider}: skipped, no sandbox credentials (set ${ENV.stripeSandboxSecretKey}, ${ENV.stripeSandboxAccount})`,
    ]);
  });

  it('an unknown provider is a usage error', () => {
    const run = spawnSync('npx', ['tsx', 'bin/provider-check.ts', 'nope'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run provider-check -- <');
  });
});
