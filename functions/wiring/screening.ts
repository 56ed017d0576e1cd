import { ulid } from 'ulidx';
import { dynamoDocumentClient, requiredEnv, sqsClient } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { PayoutHoldSignals, payoutsOfRecipientVia } from '../adapters/compliance/hold-signals';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { placeHold, releaseHold } from '../adapters/payout-holds';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { LocalListScreeningProvider } from '../adapters/screening/local-list-provider';
import { ScreeningCasesRepository } from '../adapters/screening/screening-cases-repository';
import { loadSdnListFromDirectory, loadSdnListFromS3 } from '../adapters/screening/sdn-list-sources';
import { WatchmanScreeningProvider } from '../adapters/screening/watchman-provider';
import { credentialsFromEnv } from '../adapters/sigv4-request';
import { s3EndpointFromEnv, signedGetObject, type GetObject } from '../adapters/signed-get-object';
import { submissionEnqueuer } from '../adapters/submission-queue';
import type { ScreeningDeps } from '../app/compliance/screening-deps';
import type { ScreeningProvider } from '../domain/compliance/screening-port';
import type { ScreeningList } from '../domain/compliance/sdn-list';
import { ENV } from '../shared/names';

/**
 * Composition root of screening (docs/screening.md) for any Lambda that screens or decides: recipients-api and
 * create-payout (screen on creation and change), screening-api (compliance's decisions), rescreen (a list change).
 * lib/screening-access.ts sets the variables below and grants what these adapters touch.
 */

/**
 * A container keeps the list it loaded this long: OFAC publishes at most a few times a week, and the rescreen job
 * (which loads afresh, `freshList`) reaches every recipient when it does; past this a warm container reloads, so a
 * recipient created after a list change is screened against it within the TTL even before the rescreen gets there.
 */
export const SCREENING_LIST_CACHE_TTL_SECONDS = 900;

/** The variables screeningDepsFromEnv reads; lib/screening-access.ts sets them, the twin resolves them. */
export const SCREENING_ENV = [
  ENV.recipientsTable,
  ENV.operationsTable,
  ENV.auditTable,
  ENV.payoutsTable,
  ENV.ledgerTable,
  ENV.submissionQueueUrl,
] as const;

/** Where the list comes from, as the environment says: Watchman, a directory, or S3 (in that order). */
export type ScreeningListSource =
  | { kind: 'watchman'; baseUrl: string }
  | { kind: 'directory'; directory: string }
  | { kind: 's3'; bucket: string; prefix: string };

export function screeningListSource(env: NodeJS.ProcessEnv = process.env): ScreeningListSource {
  const set = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const watchman = set(ENV.watchmanUrl);
  if (watchman !== undefined) return { kind: 'watchman', baseUrl: watchman };
  const directory = set(ENV.screeningListDirectory);
  if (directory !== undefined) return { kind: 'directory', directory };
  const bucket = set(ENV.screeningListBucket);
  if (bucket !== undefined) return { kind: 's3', bucket, prefix: env[ENV.screeningListPrefix] ?? '' };
  throw new Error(
    `screening needs a list: set ${ENV.watchmanUrl}, ${ENV.screeningListDirectory} or ${ENV.screeningListBucket}`,
  );
}

function listLoader(source: Exclude<ScreeningListSource, { kind: 'watchman' }>): () => Promise<ScreeningList> {
  return source.kind === 'directory'
    ? () => loadSdnListFromDirectory(source.directory)
    : () => loadSdnListFromS3(signedObjectReaderFromEnv(), source.bucket, source.prefix);
}

/**
 * S3 reads signed by hand rather than through the S3 client (adapters/signed-get-object.ts): the list's four
 * reads, and process-batch's ranged read of a chunk (adapters/batch-item-ranges.ts).
 */
export function signedObjectReaderFromEnv(env: NodeJS.ProcessEnv = process.env): GetObject {
  const region = requiredEnv('AWS_REGION');
  return signedGetObject({
    region,
    endpoint: s3EndpointFromEnv(env, region),
    forcePathStyle: env[ENV.s3ForcePathStyle] === 'true',
    credentials: credentialsFromEnv(env),
  });
}

/**
 * The local list provider, rebuilt after SCREENING_LIST_CACHE_TTL_SECONDS (LocalListScreeningProvider itself keeps
 * its one load for good). A failed load is not kept (the provider drops it), so the next call retries.
 */
export function cachedListProvider(
  load: () => Promise<ScreeningList>,
  nowMs: () => number = Date.now,
  ttlSeconds: number = SCREENING_LIST_CACHE_TTL_SECONDS,
): ScreeningProvider {
  let current: { provider: LocalListScreeningProvider; builtAtMs: number } | undefined;
  const provider = (): LocalListScreeningProvider => {
    if (current === undefined || nowMs() - current.builtAtMs >= ttlSeconds * 1000) {
      current = { provider: new LocalListScreeningProvider(load), builtAtMs: nowMs() };
    }
    return current.provider;
  };
  return {
    name: 'local_list',
    listVersion: () => provider().listVersion(),
    screen: (subject) => provider().screen(subject),
  };
}

let cachedProvider: { key: string; provider: ScreeningProvider } | undefined;

function providerFor(source: ScreeningListSource, freshList: boolean): ScreeningProvider {
  if (source.kind === 'watchman') return new WatchmanScreeningProvider({ baseUrl: source.baseUrl, fetch });
  if (freshList) return new LocalListScreeningProvider(listLoader(source));
  const key = JSON.stringify(source);
  if (cachedProvider?.key !== key) cachedProvider = { key, provider: cachedListProvider(listLoader(source)) };
  return cachedProvider.provider;
}

/** What screeningDepsFromEnv builds: ScreeningDeps, with the whole cases repository (list, scan) for the API and job. */
export type ScreeningWiring = ScreeningDeps & { cases: ScreeningCasesRepository };

/**
 * Builds the screening dependencies from the environment. `freshList`: load the list now, not the container's cached
 * copy (the rescreen job, run because the list changed).
 */
export function screeningDepsFromEnv(options: { freshList?: boolean } = {}): ScreeningWiring {
  const client = dynamoDocumentClient();
  const audit = new AuditTrail(client, requiredEnv(ENV.auditTable));
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const payouts = new PayoutsRepository({
    client,
    payoutsTable,
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable: requiredEnv(ENV.auditTable),
  });
  const enqueue = submissionEnqueuer(sqsClient(), requiredEnv(ENV.submissionQueueUrl));
  return {
    provider: providerFor(screeningListSource(), options.freshList ?? false),
    cases: new ScreeningCasesRepository(client, requiredEnv(ENV.recipientsTable), audit),
    exceptions: new ExceptionsRepository(client, requiredEnv(ENV.operationsTable), {
      audit,
      onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
    }),
    holds: new PayoutHoldSignals({
      payoutsOfRecipient: payoutsOfRecipientVia((query) => payouts.listPayouts(query)),
      placeHold: (change) => placeHold(payouts, change),
      releaseHold: (change) => releaseHold(payouts, change),
      getPayoutById: (payoutId) => payouts.getPayoutById(payoutId),
      enqueue,
    }),
    nowMs: () => Date.now(),
    newCaseId: () => ulid(),
  };
}
