import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Secure, reproducible defaults for every Lambda (DESIGN §2: Node 24, esbuild ESM bundles,
// Powertools bundled rather than layered).

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Graviton: cheaper per GB-second and every dependency we bundle is pure JavaScript. */
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;
/** Lambda's own limits on memory (MB) and timeout (s). */
export const LAMBDA_MEMORY_SIZE_MB_MIN = 128;
export const LAMBDA_MEMORY_SIZE_MB_MAX = 10_240;
export const LAMBDA_TIMEOUT_SECONDS_MAX = 900;
/** Lambda's limits on /tmp (MiB). */
export const LAMBDA_EPHEMERAL_STORAGE_MIB_MIN = 512;
export const LAMBDA_EPHEMERAL_STORAGE_MIB_MAX = 10_240;
/** esbuild target; must match the runtime above. */
export const ESBUILD_TARGET = 'node24';

/**
 * ESM bundles of the AWS SDK call `require` for node builtins; without this banner they fail at
 * import with "Dynamic require of node:https is not supported" (DESIGN §7).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Bundle budgets (bytes, minified, as written to cdk.out), held by test/infra/bundle-sizes.test.ts:
 * import time is cold-start time. The pre-token trigger runs on every token and needs one read.
 */
export const BUNDLE_BYTES_MAX = 700_000;
export const PRE_TOKEN_BUNDLE_BYTES_MAX = 150_000;

/**
 * The SDK's default credential chain, swapped in the bundles for the environment link alone
 * (functions/wiring/lambda-credentials.ts says why); a path, not an import: lib runs no runtime code.
 */
export const LAMBDA_CREDENTIALS_MODULE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../functions/wiring/lambda-credentials.ts',
);

export function defaultBundlingOptions(): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: ESBUILD_TARGET,
    minify: true,
    sourceMap: true,
    // Source maps without embedded sources: stack traces still map, bundles stay small.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_MODULE },
    // Bundle everything, the AWS SDK v3 included, so the versions pinned in package-lock.json are
    // the versions that run (the runtime's built-in SDK moves under us).
    externalModules: [],
    bundleAwsSDK: true,
    // esbuild is a local devDependency; bundling must work without Docker.
    forceDockerBundling: false,
  };
}

/** A function whose bundle needs native (.node) packages, shipped as installed beside the bundle. */
export interface NativeModules {
  /** The architecture the installed binaries were built for. */
  readonly architecture: lambda.Architecture;
  /** Packages copied from node_modules into the asset's node_modules, dependencies included. */
  readonly packages: readonly string[];
}

/**
 * DuckDB's Node API (the reconcile engine). esbuild cannot bundle a `.node` binary, so these stay
 * external and are copied, as npm installed them, into the function's asset: synth stays offline
 * (no npm install in bundling, unlike `nodeModules`). npm installs only the binding of the machine
 * it runs on, linux-x64 on the build machines and CI, so the function runs on x86_64; the binding
 * is ~70 MB of the 250 MB Lambda allows unzipped.
 */
export const DUCKDB_NATIVE_MODULES: NativeModules = {
  architecture: lambda.Architecture.X86_64,
  packages: ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-linux-x64', 'detect-libc'],
};

/** The bundling options with `native.packages` external and copied into the asset after bundling. */
export function withNativeModules(options: nodejs.BundlingOptions, native: NativeModules): nodejs.BundlingOptions {
  const copy = (inputDir: string, outputDir: string): string[] =>
    native.packages.map(
      (name) =>
        `mkdir -p "${outputDir}/node_modules/${name}" && ` +
        `cp -R "${inputDir}/node_modules/${name}/." "${outputDir}/node_modules/${name}/"`,
    );
  return {
    ...options,
    externalModules: [...(options.externalModules ?? []), ...native.packages],
    commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: copy },
  };
}

/** Environment every function gets, whatever it does. */
export function defaultEnvironment(): Record<string, string> {
  return {
    // Stack traces point at TypeScript lines, not minified bundle offsets.
    NODE_OPTIONS: '--enable-source-maps',
  };
}
