/**
 * Layering rules (DESIGN §4), enforced by a tool instead of by review.
 * Run: `npm run lint:layers`; test/infra/layering.test.ts runs the same rules.
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** Every npm dependency type dependency-cruiser distinguishes. */
const NPM_DEPENDENCY_TYPES = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycles anywhere: a cycle means two files are one module in disguise, and it breaks the reading order.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'handlers-are-entries-only',
      comment:
        'functions/handlers/ holds Lambda entries and nothing else: wiring plus one call into a use case. No subfolders (use cases live in functions/app/).',
      severity: 'error',
      from: { path: '^functions/handlers/[^/]+/' },
      to: {},
    },
    {
      name: 'no-handler-imports-a-handler',
      comment: 'An entry never imports another entry (or anything imports an entry): bundles stay one function each.',
      severity: 'error',
      from: { path: '^(functions|console)/' },
      to: { path: '^functions/handlers/' },
    },
    {
      name: 'app-not-edge-of-wiring',
      comment:
        'Use cases (functions/app) take their dependencies injected: they never build AWS clients (adapters/aws-clients.ts is wiring, for handlers only).',
      severity: 'error',
      from: { path: '^functions/app/' },
      to: { path: '^functions/adapters/aws-clients\\.ts$' },
    },
    {
      name: 'wiring-for-entries-only',
      comment: 'functions/wiring builds clients and adapters from the environment; only Lambda entries use it.',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/(handlers|wiring)/' },
      to: { path: '^functions/wiring/' },
    },
    {
      name: 'lower-layers-not-app',
      comment: 'functions/app is the middle floor: the HTTP edge, domain and shared names never import a use case.',
      severity: 'error',
      from: { path: '^functions/(http|domain|shared)/' },
      to: { path: '^functions/app/' },
    },
    {
      name: 'adapters-implement-app-ports-only',
      comment:
        'An adapter may implement a port that a use case declares (a type-only import), and never calls into a use case.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/app/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-are-io-only',
      comment:
        "functions/adapters does I/O for the layers above it: it never imports the HTTP edge (errors there are the callers' to map).",
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/http/' },
    },
    {
      name: 'console-is-a-browser-app',
      comment:
        'console/ is built for the browser: it imports nothing from functions/ but the shared names, nor any Node builtin.',
      severity: 'error',
      from: { path: '^console/src/' },
      to: { path: '^(functions/(?!shared/)|lib/|local/|bin/)' },
    },
    {
      name: 'domain-imports-only-domain',
      comment:
        'functions/domain is pure TypeScript: it imports only other functions/domain files and the agreed names (functions/shared/names.ts, ids.ts: constants such as the provider names); no adapters, handlers, env reading (shared/env.ts), lib or twin code.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['local'], pathNot: '^functions/(domain/|shared/(names|ids)\\.ts$)' },
    },
    {
      name: 'domain-npm-allowlist',
      comment:
        'functions/domain may use zod (pure schemas, no I/O; the corridor matrix and OpenAPI share them) and nothing else from npm: no AWS SDK, no Powertools, no clients.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: NPM_DEPENDENCY_TYPES, pathNot: '^node_modules/zod/' },
    },
    {
      name: 'domain-builtin-allowlist',
      comment:
        'functions/domain may use node:crypto (HMAC signatures and hashes are pure functions of their input) and no other builtin: no fs, net, http, process or timers.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'lib-imports-only-shared-runtime',
      comment:
        'The CDK app (lib/, bin/app.ts) may import functions/shared (agreed names) and nothing else from the runtime.',
      severity: 'error',
      from: { path: '^(lib/|bin/app\\.ts$)' },
      to: { path: '^functions/', pathNot: '^functions/shared/' },
    },
    {
      name: 'lib-not-twin-or-tests',
      comment: 'The CDK app never depends on the twin or on tests.',
      severity: 'error',
      from: { path: '^(lib/|bin/app\\.ts$)' },
      to: { path: '^(local|test)/' },
    },
    {
      name: 'openapi-document-without-aws-sdk',
      comment:
        'GET /openapi.json is built from the schemas and limits alone (functions/http): get-openapi reaches no AWS SDK module. Handlers import the schemas, never the reverse (when they did, its bundle carried the SDK clients: 1 MB instead of 0.5).',
      severity: 'error',
      from: { path: '^functions/handlers/get-openapi\\.ts$' },
      to: { path: '(^|/)node_modules/(@aws-sdk|@smithy)/', reachable: true },
    },
    {
      name: 'functions-not-infra-twin-tests',
      comment: 'Lambda code never imports the CDK app, the twin, CLIs or tests: it must bundle and run alone.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(lib|local|test|bin)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out|\\.local|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
