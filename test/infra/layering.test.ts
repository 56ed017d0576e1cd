import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the layering rules of .dependency-cruiser.cjs (DESIGN §4) over the code, and over a fixture
// that breaks them, so a rule that silently stopped matching would be noticed.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE_DIR = path.join(PROJECT_ROOT, 'test/infra/fixtures/layering');

let options: ICruiseOptions;

/** Rules a fixture cannot break on its own, with the reason. */
const RULES_WITHOUT_FIXTURE = new Map<string, string>([
  ['domain-npm-allowlist', 'needs an npm package installed in the fixture; the code run above holds it'],
  ['lib-not-twin-or-tests', 'needs local/ or test/ inside the fixture tree; the code run above holds it'],
  [
    'functions-not-infra-twin-tests',
    'likewise needs lib/local/test/bin inside functions/ reach; the code run above holds it',
  ],
]);

async function violationsIn(baseDir: string, roots: string[]): Promise<IViolation[]> {
  const cwd = process.cwd();
  // dependency-cruiser resolves start paths and rule paths relative to the working directory.
  process.chdir(baseDir);
  try {
    const result = await cruise(
      roots,
      options,
      {},
      { tsConfig: extractTSConfig(path.join(PROJECT_ROOT, 'tsconfig.json')) },
    );
    if (typeof result.output === 'string') throw new Error('expected a JSON cruise result');
    return result.output.summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

function describeViolation(violation: IViolation): string {
  return `${violation.rule.name}: ${violation.from} → ${violation.to}`;
}

beforeAll(async () => {
  const fromConfig = await extractDepcruiseOptions(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs'));
  // The config names tsconfig.json relative to the project root; pin it for the fixture run.
  options = { ...fromConfig, tsConfig: { fileName: path.join(PROJECT_ROOT, 'tsconfig.json') } };
});

describe('layering', () => {
  it('functions, lib, bin, local and console break no layering rule', async () => {
    const violations = await violationsIn(PROJECT_ROOT, ['functions', 'lib', 'bin', 'local', 'console']);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('every rule catches the fixture that breaks it', async () => {
    const violations = await violationsIn(FIXTURE_DIR, ['functions', 'lib', 'console']);
    expect(violations.map(describeViolation).sort()).toEqual(
      [
        'adapters-are-io-only: functions/adapters/leaky-adapter.ts → functions/http/edge.ts',
        'app-not-edge-of-wiring: functions/app/area/use-case.ts → functions/adapters/aws-clients.ts',
        'console-is-a-browser-app: console/src/view.ts → functions/adapters/io.ts',
        'domain-builtin-allowlist: functions/domain/leaky.ts → fs',
        'domain-imports-only-domain: functions/domain/leaky.ts → functions/adapters/io.ts',
        'handlers-are-entries-only: functions/handlers/nested/use-case.ts → functions/adapters/io.ts',
        'lib-imports-only-shared-runtime: lib/leaky.ts → functions/adapters/io.ts',
        'adapters-implement-app-ports-only: functions/adapters/calls-app.ts → functions/app/area/use-case.ts',
        'lower-layers-not-app: functions/http/edge.ts → functions/app/area/use-case.ts',
        'no-circular: functions/app/area/cycle-a.ts → functions/app/area/cycle-b.ts',
        'openapi-document-without-aws-sdk: functions/handlers/get-openapi.ts → ../../../../node_modules/@aws-sdk/client-sqs/dist-es/index.js',
        'no-handler-imports-a-handler: functions/handlers/entry.ts → functions/handlers/other-entry.ts',
        'wiring-for-entries-only: functions/adapters/leaky-adapter.ts → functions/wiring/wiring.ts',
      ].sort(),
    );
    // A rule no fixture breaks could have stopped matching without anyone noticing.
    const caught = new Set(violations.map((violation) => violation.rule.name));
    const configured = (options.ruleSet?.forbidden ?? []).map((rule) => rule.name ?? '(unnamed rule)');
    expect(configured.filter((name) => !caught.has(name) && !RULES_WITHOUT_FIXTURE.has(name))).toEqual([]);
  });
});
