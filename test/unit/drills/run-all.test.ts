// The gate's runner against drill processes of its own (fixtures/): a drill's structured result is
// collected; a mismatch, a drill that checked nothing, a crash without a result and a thrown error
// are each a FAIL; the gate passes only when every drill did.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../drills/_gate/drill-result';
import { gatePassed, runOneDrill, waitUntilTwinMints } from '../../../drills/_gate/run-all';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NO_TWIN = { stateDir: undefined };
/** Each case spawns a node process with tsx: a few seconds on a loaded 2-core machine. */
const DRILL_PROCESS_MS_MAX = 60_000;

async function run(drill: string): Promise<{ result: DrillResult; output: string }> {
  let output = '';
  const result = await runOneDrill(drill, NO_TWIN, (chunk) => (output += chunk), FIXTURES);
  return { result, output };
}

describe('runOneDrill', () => {
  it(
    'collects a passing drill: its steps, its checks, PASS',
    async () => {
      const { result, output } = await run('passing');
      expect(result).toMatchObject({
        drill: 'passing',
        passed: true,
        exit_code: 0,
        steps: ['one step'],
        checks: [{ what: 'one and one', expected: 2, saw: 2, pass: true }],
      });
      expect(output).toContain('✔ one and one'); // the human checklist is still printed
      expect(output).toContain('passing: PASS');
    },
    DRILL_PROCESS_MS_MAX,
  );

  it.each([
    ['mismatch', 1, { checks: [{ what: 'the answer', expected: 42, saw: 41, pass: false }] }],
    ['unchecked', 1, { checks: [] }],
    ['throwing', 1, { steps: ['first step'], error: expect.stringContaining('the twin went away') }],
    ['crashing', 3, { error: expect.stringContaining('• about to crash') }],
  ])(
    '%s is a FAIL (exit %i)',
    async (drill, exitCode, expected) => {
      const { result } = await run(drill);
      expect(result).toMatchObject({ drill, passed: false, exit_code: exitCode, ...expected });
    },
    DRILL_PROCESS_MS_MAX,
  );
});

describe('gatePassed', () => {
  const result = (passed: boolean) => ({ passed }) as DrillResult;
  it.each([
    ['every drill passed', [result(true), result(true)], true],
    ['one drill failed', [result(true), result(false)], false],
    ['no drill ran', [], false],
  ])('%s → %s', (_case, results, passed) => expect(gatePassed(results)).toBe(passed));
});

describe('waitUntilTwinMints', () => {
  const twinFailing = (failures: number) => {
    let calls = 0;
    return {
      token: async () => {
        calls++;
        if (calls <= failures) throw new Error('the twin answered 500');
        return 'token';
      },
      calls: () => calls,
    };
  };

  it(
    'retries until the issuer mints a tenant and an operator token',
    async () => {
      const twin = twinFailing(1);
      const lines: string[] = [];
      await waitUntilTwinMints(twin, (line) => lines.push(line));
      expect(twin.calls()).toBe(3);
      expect(lines[0]).toContain('the twin answered 500');
    },
    DRILL_PROCESS_MS_MAX,
  );

  it('gives up after its wait with the last error as the cause', async () => {
    const failure = waitUntilTwinMints(twinFailing(Number.MAX_SAFE_INTEGER), () => undefined, 1);
    await expect(failure).rejects.toThrow('the twin minted no token within 0.001 s');
    await expect(failure).rejects.toMatchObject({ cause: { message: 'the twin answered 500' } });
  });
});
