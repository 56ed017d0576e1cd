import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_SECRETS } from './secrets';

// Issue 14: credentials never appear in logs. Runs every provider's conformance suite in a child vitest,
// with every console line shown (--silent=false) and the verbose reporter, and greps all of it for each secret.
const SELF = new Set(['secrets-in-logs.test.ts', 'provider-check.test.ts', 'live.test.ts']);
const suites = readdirSync('test/conformance')
  .filter((name) => name.endsWith('.test.ts') && !SELF.has(name))
  .map((name) => `test/conformance/${name}`);

describe('credentials in the conformance suite output', () => {
  it('no secret appears anywhere in the output of every provider suite', { timeout: 300_000 }, () => {
    expect(suites.length).toBeGreaterThanOrEqual(2);
    const run = spawnSync(
      'nice',
      ['-n', '10', 'npx', 'vitest', 'run', ...suites, '--silent=false', '--reporter=verbose'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output.slice(-2_000)).toBe(0);
    expect(output).toContain('provider conformance: stripe');
    for (const [name, secret] of Object.entries(CONFORMANCE_SECRETS)) expect(output.includes(secret), name).toBe(false);
  });
});
