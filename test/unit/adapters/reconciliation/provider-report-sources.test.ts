import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliveryKey,
  providerReportSources,
  ProviderReportMissingError,
} from '../../../../functions/adapters/reconciliation/provider-report-sources';

// Where each provider's report comes from: the sandbox and the twin's stand-ins over HTTP, AWS deliveries
// from the evidence bucket; a report not there is a retryable, named error, never an empty day.

const DATE = '2026-11-24';
const asked: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(req.url?.includes('missing') ? 404 : 200).end(`report of ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += Buffer.from(chunk).toString('utf8');
  return out;
}

function s3Holding(objects: Record<string, string>): { client: S3Client; keys: string[] } {
  const keys: string[] = [];
  const send = async (command: { input: { Key: string } }) => {
    keys.push(command.input.Key);
    const body = objects[command.input.Key];
    if (body === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: Readable.from([Buffer.from(body)]) };
  };
  return { client: { send } as unknown as S3Client, keys };
}

describe('provider report sources', () => {
  it('in the twin, each stand-in serves its day at its base_url; the sandbox at its own URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-sources-'));
    const credentialsFile = join(dir, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify({ stripe: { secret_key: 'sk_test_x', base_url: `${base}/` } }));
    const sources = providerReportSources({
      providers: ['sandbox', 'stripe'],
      sandboxUrl: base,
      credentialsFile,
      s3: s3Holding({}).client,
      evidenceBucket: 'evidence',
    });
    expect(sources.map((s) => [s.provider, s.format])).toEqual([
      ['sandbox', 'settlement'],
      ['stripe', 'stripe_payouts_itemized'],
    ]);
    expect(await text(await sources[1]!.fetchReport(DATE))).toBe(
      `report of /v1/test/reports/payouts_itemized?date=${DATE}`,
    );
    expect(await text(await sources[0]!.fetchReport(DATE))).toBe(`report of /v1/reports/settlement?date=${DATE}`);
    // The Stripe stand-in answers only its API key, as Stripe does (the 401 a twin run first met).
    expect(asked[0]).toBe(`/v1/test/reports/payouts_itemized?date=${DATE} Bearer sk_test_x`);
  });

  it('in AWS, reads the delivered report from the evidence bucket, and refuses a missing one', async () => {
    const s3 = s3Holding({ [deliveryKey('paypal', DATE)]: 'TRR bytes' });
    const sources = providerReportSources({
      providers: ['paypal', 'adyen'],
      sandboxUrl: base,
      s3: s3.client,
      evidenceBucket: 'evidence',
    });
    expect(await text(await sources[0]!.fetchReport(DATE))).toBe('TRR bytes');
    const missing = sources[1]!.fetchReport(DATE);
    await expect(missing).rejects.toBeInstanceOf(ProviderReportMissingError);
    await expect(missing).rejects.toMatchObject({ code: 'provider_report_missing', category: 'retryable' });
    expect(s3.keys).toEqual([
      `provider-deliveries/paypal/date=${DATE}/trr.csv`,
      `provider-deliveries/adyen/date=${DATE}/balanceplatform_accounting_report.csv`,
    ]);
  });

  it('a twin whose credentials file lacks a provider fails at wiring, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-sources-'));
    const credentialsFile = join(dir, 'credentials.json');
    writeFileSync(credentialsFile, '{}');
    const wire = () =>
      providerReportSources({
        providers: ['stripe'],
        sandboxUrl: base,
        credentialsFile,
        s3: s3Holding({}).client,
        evidenceBucket: 'e',
      });
    expect(wire).toThrow(/no stripe base_url/);
  });
});
