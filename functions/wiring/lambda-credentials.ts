import { fromEnv } from '@aws-sdk/credential-provider-env';

// Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias,
// lib/defaults/lambda-defaults.ts), so no function carries the whole default chain: SSO, STS web
// identity, ini files, process, IMDS and the nested STS/SSO clients, about 90 KB of every bundle
// (issue 12). Lambda hands a function its execution role's credentials in AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and the twin sets local ones, so the chain always
// stopped at its first link here. Only the bundles use it: code run from source (tests, CLIs)
// keeps the full chain.

type EnvInit = Parameters<typeof fromEnv>[0];

export const defaultProvider = (init?: EnvInit) => fromEnv(init);
