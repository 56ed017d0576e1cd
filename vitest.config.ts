import { defineConfig } from 'vitest/config';

// One runner for every layer of tests. Integration and e2e suites start their own emulators
// (DynamoDB Local, fauxqs) on free loopback ports, so they run in separate forks and never
// share state with each other.
export default defineConfig({
  test: {
    projects: [
      // Unit tests are fast, but a few spawn a CLI (Redocly, the drill runner): 5 s failed them on a
      // loaded 2-core machine. A hang guard, not a speed goal.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      // The provider conformance suite (issue 14): loopback stand-ins only, seconds per provider.
      { extends: true, test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 60_000 } },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 300_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      // The seeded simulation (docs/simulation.md): in memory, but 10,000 histories take minutes.
      { extends: true, test: { name: 'sim', include: ['test/sim/**/*.test.ts'], testTimeout: 900_000 } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 400_000,
          // A browser waiting on the twin answers in well under a second on an idle machine and in
          // several on a loaded 2-core CI runner; expect.poll's 1 s default made those tests flaky.
          expect: { poll: { timeout: 20_000, interval: 100 } },
        },
      },
    ],
    globalSetup: ['test/global-setup.ts'],
    // Lambda log lines belong to the test that caused them: shown when it fails, dropped when it
    // passes. In-process handlers log through the global console under POWERTOOLS_DEV; the twin's
    // workers are piped through it (TWIN_FUNCTION_OUTPUT, local/aws/lambda-runtime.ts).
    silent: 'passed-only',
    env: { POWERTOOLS_DEV: 'true', TWIN_FUNCTION_OUTPUT: 'console' },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
