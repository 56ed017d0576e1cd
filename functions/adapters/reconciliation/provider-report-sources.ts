import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { rawReportFileName, REPORT_FORMAT_OF, type ReportFormat } from '../../domain/reconciliation/provider-report';
import type { ProviderName } from '../../shared/names';
import { fetchSandboxReport, REPORT_FETCH_TIMEOUT_MS } from './sandbox-report';

/**
 * Where each provider's daily report comes from (docs/reconciliation.md, "Each provider's report").
 *
 * - sandbox: its own HTTP endpoint (SANDBOX_PROVIDER_URL), in the twin and in AWS.
 * - stripe, paypal, adyen in AWS: the report as the provider delivered it, in the evidence bucket under
 *   `provider-deliveries/<provider>/date=YYYY-MM-DD/<raw name>`. What puts it there is the operator's
 *   wiring, not this code: Stripe's Report Run API (`payouts.itemized.3`, then its file's URL), PayPal's
 *   SFTP drop of the TRR (e.g. through AWS Transfer Family), Adyen's report download on its
 *   `balancePlatform.report.created` webhook. A report not delivered fails the run (retryable): a day is
 *   never reconciled as if the provider had reported nothing.
 * - stripe, paypal, adyen in the twin: the provider's stand-in renders the day from its own state, at the
 *   stand-in's `base_url` (PROVIDER_CREDENTIALS_FILE) and STAND_IN_REPORT_PATHS.
 */
/** One provider's report for a day, in the format its provider publishes (REPORT_FORMAT_OF). */
export interface ProviderReportSource {
  readonly provider: string;
  readonly format: ReportFormat;
  fetchReport(date: string): Promise<AsyncIterable<Uint8Array>>;
}

export const DELIVERY_PREFIX = 'provider-deliveries/';
export const deliveryKey = (provider: string, date: string): string =>
  `${DELIVERY_PREFIX}${provider}/date=${date}/${rawReportFileName(REPORT_FORMAT_OF[provider as ProviderName])}`;

/** Each stand-in's report endpoint (`?date=YYYY-MM-DD`): local/providers/<provider>/server.ts. */
export const STAND_IN_REPORT_PATHS: Readonly<Record<Exclude<ProviderName, 'sandbox'>, string>> = {
  stripe: '/v1/test/reports/payouts_itemized',
  paypal: '/v1/test/reports/trr',
  adyen: '/v1/test/reports/balanceplatform_accounting_report',
};

/** A provider's report is not where it should be yet: retryable (the delivery may be late). */
export class ProviderReportMissingError extends Error {
  readonly code = 'provider_report_missing';
  readonly category = 'retryable';
  constructor(
    readonly provider: string,
    readonly date: string,
    where: string,
  ) {
    super(`the ${provider} report for ${date} is not at ${where}`);
    this.name = 'ProviderReportMissingError';
  }
}

export interface ReportSourcesConfig {
  readonly providers: readonly ProviderName[];
  readonly sandboxUrl: string;
  /** The twin's credentials file: when set, stand-ins serve the reports; else the evidence bucket's deliveries. */
  readonly credentialsFile?: string;
  readonly s3: S3Client;
  readonly evidenceBucket: string;
}

export function providerReportSources(config: ReportSourcesConfig): ProviderReportSource[] {
  const standIns = config.credentialsFile === undefined ? undefined : standInUrls(config.credentialsFile);
  return config.providers.map((provider): ProviderReportSource => {
    const format = REPORT_FORMAT_OF[provider];
    if (provider === 'sandbox')
      return { provider, format, fetchReport: (date) => fetchSandboxReport(config.sandboxUrl, date) };
    if (standIns !== undefined) {
      const standIn = standIns[provider];
      if (standIn === undefined)
        throw new Error(`the twin's credentials file has no ${provider} base_url for its report`);
      const at = { ...standIn, url: `${standIn.url}${STAND_IN_REPORT_PATHS[provider]}` };
      return { provider, format, fetchReport: (date) => fetchStandInReport(provider, at, date) };
    }
    return { provider, format, fetchReport: (date) => readDelivery(config.s3, config.evidenceBucket, provider, date) };
  });
}

/** Each stand-in's base URL and, where its API wants one, the bearer key of the twin's example credentials. */
function standInUrls(file: string): Partial<Record<ProviderName, StandIn>> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
  const urls: Partial<Record<ProviderName, StandIn>> = {};
  for (const [provider, entry] of Object.entries(parsed)) {
    if (typeof entry?.['base_url'] !== 'string') continue;
    const key = entry['secret_key'];
    urls[provider as ProviderName] = {
      url: entry['base_url'].replace(/\/$/, ''),
      ...(typeof key === 'string' ? { bearer: key } : {}),
    };
  }
  return urls;
}

type StandIn = { readonly url: string; readonly bearer?: string };

async function fetchStandInReport(
  provider: string,
  { url, bearer }: StandIn,
  date: string,
): Promise<AsyncIterable<Uint8Array>> {
  const response = await fetch(`${url}?date=${encodeURIComponent(date)}`, {
    signal: AbortSignal.timeout(REPORT_FETCH_TIMEOUT_MS),
    ...(bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } }),
  });
  if (response.status === 404) throw new ProviderReportMissingError(provider, date, url);
  if (!response.ok || response.body === null)
    throw new Error(`${provider} report for ${date}: HTTP ${response.status}`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

async function readDelivery(
  s3: S3Client,
  bucket: string,
  provider: string,
  date: string,
): Promise<AsyncIterable<Uint8Array>> {
  const key = deliveryKey(provider, date);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return object.Body as Readable;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
      throw new ProviderReportMissingError(provider, date, `s3://${bucket}/${key}`);
    throw error;
  }
}
