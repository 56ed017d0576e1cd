import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutItem } from '../../../functions/adapters/payout-items';
import { PAYPAL_PATHS } from '../../../functions/adapters/providers/paypal-api';
import {
  ProviderReportMissingError,
  providerReportSources,
} from '../../../functions/adapters/reconciliation/provider-report-sources';
import { runReconciliation, type RunDependencies } from '../../../functions/app/reconciliation/run';
import type { ProviderReportSource } from '../../../functions/app/reconciliation/provider-reports';
import type { Payout } from '../../../functions/domain/payout';
import type { ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import type { ReportRow } from '../../../functions/domain/reconciliation/report';
import { renderStripeReport } from '../../../functions/domain/reconciliation/stripe-report';
import { ENV } from '../../../functions/shared/names';
import { renderAccountingReport } from '../../../local/providers/adyen/report';
import { startAdyenStandIn, type AdyenStandInServer } from '../../../local/providers/adyen/server';
import { renderPaypalReport } from '../../../local/providers/paypal/report';
import { startPaypalStandIn, type PaypalStandIn } from '../../../local/providers/paypal/server';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { DATE, bytesOf, csvObjects, payout, reportCsv, rowFor } from '../../support/reconciliation-fixtures';
import { exceptionItems, runDependenciesOn } from './run-harness';

// Issue 14: the nightly run reconciles each provider against its own report, in its own format, parsed by
// its own parser; a provider's row never matches another provider's payout, even when it echoes its id.

let emulators: StartedEmulators;
let deps: RunDependencies;
let clock = Date.parse(`${DATE}T00:00:00.000Z`) + 3 * 86_400_000;

const at = `${DATE}T10:00:00Z`;
const of = (n: number, provider: ReconPayout['provider'], reference: string, extra: Partial<ReconPayout> = {}) =>
  payout(n, { provider, providerReference: reference, createdAt: at, batchId: undefined, ...extra });
const PAYOUTS = {
  sandbox: [of(1, 'sandbox', 'sbx_000001'), of(2, 'sandbox', 'sbx_000002')],
  stripe: [of(11, 'stripe', 'po_S11'), of(12, 'stripe', 'acct_1Conn/po_S12')],
  paypal: [of(21, 'paypal', 'PPITEM21'), of(22, 'paypal', 'PPITEM22')],
  adyen: [of(31, 'adyen', 'ADYTR31')],
};
const row = (p: ReconPayout, overrides: Partial<Omit<ReportRow, 'line'>> = {}): Omit<ReportRow, 'line'> => ({
  ...rowFor(p, { batchId: undefined, batchStatus: undefined, createdAt: at, settledAt: at, ...overrides }),
});
// Stripe's report holds a row that echoes a PayPal payout's id: it is a payout Stripe has and we do not.
const STRANGER = row(PAYOUTS.paypal[0]!, { providerReference: 'po_Stranger' });

function asPayout(p: ReconPayout): Payout {
  return {
    ...p,
    tenantId: 'tenant-a',
    version: 1,
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'R' },
    requestIds: ['req-1'],
  } as Payout;
}

const source = (provider: ProviderReportSource['provider'], format: ProviderReportSource['format'], text: string) => ({
  provider,
  format,
  fetchReport: async () => bytesOf(text, 1024),
});

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  for (const p of Object.values(PAYOUTS).flat())
    await client.send(new PutCommand({ TableName: emulators.env[ENV.payoutsTable]!, Item: payoutItem(asPayout(p)) }));
  const reports: ProviderReportSource[] = [
    source('sandbox', 'settlement', reportCsv(PAYOUTS.sandbox.map((p) => row(p)))),
    source('stripe', 'stripe_payouts_itemized', renderStripeReport([...PAYOUTS.stripe.map((p) => row(p)), STRANGER])),
    source('paypal', 'paypal_trr', renderPaypalReport(PAYOUTS.paypal.map((p) => ({ line: 0, ...row(p) })))),
    source('adyen', 'adyen_accounting', renderAccountingReport(PAYOUTS.adyen.map((p) => row(p)))),
  ];
  deps = {
    ...runDependenciesOn(emulators, { fetchReport: async () => bytesOf(''), now: () => new Date((clock += 1_000)) }),
    reports,
  };
});
afterAll(async () => emulators?.stop());

describe('a day at four providers, each against its own report', () => {
  it('gives one result per provider and never matches a row against another provider’s payout', async () => {
    const run = await runReconciliation(deps, DATE, 'cli');
    expect(run.state).toBe('succeeded');
    expect(run.providers?.map((p) => [p.provider, p.reportFormat, p.reportRows, p.payouts, p.matched])).toEqual([
      ['sandbox', 'settlement', 2, 2, 2],
      ['stripe', 'stripe_payouts_itemized', 3, 2, 2],
      ['paypal', 'paypal_trr', 2, 2, 2],
      ['adyen', 'adyen_accounting', 1, 1, 1],
    ]);
    expect(run.providers?.find((p) => p.provider === 'stripe')).toMatchObject({ unmatched: 1, exceptions: 1 });
    expect(run.counts).toMatchObject({ reportRows: 8, payouts: 7, matched: 7, unmatched: 1, exceptions: 1 });

    const lines = csvObjects((await deps.store.readExportFile(DATE, 'reconciliation.csv')).toString('utf8'));
    // Provider by provider in the registry's order; within a provider, the engine's export order.
    expect(lines.map((l) => l.provider)).toEqual([
      ...['sandbox', 'sandbox'],
      ...['stripe', 'stripe', 'stripe'],
      ...['paypal', 'paypal', 'adyen'],
    ]);
    const cells = lines.map((l) => [l.provider, l.payout_id, l.match_status, l.mismatch_category].join(' '));
    expect(cells.sort()).toEqual([
      'adyen po_000031 matched ',
      'paypal po_000021 matched ',
      'paypal po_000022 matched ',
      'sandbox po_000001 matched ',
      'sandbox po_000002 matched ',
      'stripe po_000011 matched ',
      'stripe po_000012 matched ',
      'stripe po_000021 unmatched missing_internally',
    ]);
    const stranger = lines.find((l) => l.provider === 'stripe' && l.payout_id === 'po_000021')!;
    expect(stranger).toMatchObject({ provider_reference: 'po_Stranger', matched_by: 'none', our_status: '' });
    // The Stripe row's line in the translated report, which keeps its raw line (header + 2 rows before it).
    expect(stranger.report_line).toBe('4');

    const exceptions = await exceptionItems(emulators);
    expect(exceptions.map((e) => [e.category, e.evidence?.provider, e.evidence?.reportKey])).toEqual([
      ['missing_internally', 'stripe', `provider-reports/stripe/date=${DATE}/settlement.csv`],
    ]);
    const manifest = JSON.parse((await deps.store.readExportFile(DATE, 'manifest.json')).toString('utf8'));
    expect(manifest.provider).toBe('sandbox,stripe,paypal,adyen');
    expect(manifest.inputs.filter((i: { role: string }) => i.role === 'provider_settlement_report')).toEqual([
      expect.objectContaining({ key: `provider-reports/sandbox/date=${DATE}/settlement.csv`, rows: 2 }),
      expect.objectContaining({ key: `provider-reports/stripe/date=${DATE}/payouts_itemized.csv`, rows: 3 }),
      expect.objectContaining({ key: `provider-reports/paypal/date=${DATE}/trr.csv`, rows: 2 }),
      expect.objectContaining({
        key: `provider-reports/adyen/date=${DATE}/balanceplatform_accounting_report.csv`,
        rows: 1,
      }),
    ]);
    const summary = JSON.parse((await deps.store.readExportFile(DATE, 'summary.json')).toString('utf8'));
    expect(summary.rows).toBe(8);
    expect(summary.currencies.USD.matched).toBe(7);
  });

  it('reconciles a provider with payouts but no report against an empty report, never another’s', async () => {
    const run = await runReconciliation({ ...deps, reports: deps.reports!.slice(0, 2) }, DATE, 'cli');
    expect(run.providers?.map((p) => [p.provider, p.reportFormat, p.payouts, p.matched, p.unmatched])).toEqual([
      ['sandbox', 'settlement', 2, 2, 0],
      ['stripe', 'stripe_payouts_itemized', 2, 2, 1],
      ['paypal', 'none', 2, 0, 2],
      ['adyen', 'none', 1, 0, 1],
    ]);
    const lines = csvObjects((await deps.store.readExportFile(DATE, 'reconciliation.csv')).toString('utf8'));
    const paypal = lines.filter((l) => l.provider === 'paypal');
    expect(paypal.map((l) => [l.payout_id, l.mismatch_category])).toEqual([
      ['po_000021', 'missing_at_provider'],
      ['po_000022', 'missing_at_provider'],
    ]);
  });

  // A registered provider whose report is not delivered: no payouts of the day → skipped (a stack that pays
  // only through the sandbox must not fail every night on PayPal's report); payouts → the run waits for it.
  const undelivered = (provider: ProviderReportSource['provider'], format: ProviderReportSource['format']) => ({
    provider,
    format,
    fetchReport: async (): Promise<AsyncIterable<Uint8Array>> => {
      throw new ProviderReportMissingError(provider, DATE, `s3://evidence/provider-deliveries/${provider}/`);
    },
  });

  it('skips an undelivered report of a provider with no payouts that day, and waits for one that has some', async () => {
    const quietDay = '2026-11-23';
    const sources = [source('sandbox', 'settlement', reportCsv([])), undelivered('paypal', 'paypal_trr')];
    const quiet = await runReconciliation({ ...deps, reports: sources }, quietDay, 'cli');
    expect(quiet.state).toBe('succeeded');
    expect(quiet.providers?.map((p) => p.provider)).toEqual(['sandbox']);
    const late = runReconciliation(
      { ...deps, reports: [deps.reports![0]!, undelivered('stripe', 'stripe_payouts_itemized')] },
      DATE,
      'cli',
    );
    await expect(late).rejects.toMatchObject({
      code: 'provider_report_missing',
      provider: 'stripe',
      category: 'retryable',
    });
  });
});

// PayPal's TRR prints the item's transaction_id in PayPal Reference ID (docs/providers/paypal.md, "Report"): a
// PayPal payout that has learned it is matched on it; one that has not, on its payout_item_id; a row naming
// neither is found by payout id with a reference mismatch. Every other provider still matches on the stored
// reference, even if its payout carried a transaction id.
describe('a PayPal row names the item by its transaction id', () => {
  const DAY = '2026-11-21';
  const on = `${DAY}T10:00:00Z`;
  const paypal = (n: number, extra: Partial<ReconPayout>) =>
    payout(n, { provider: 'paypal', createdAt: on, batchId: undefined, ...extra });
  const OURS = {
    byTransaction: paypal(51, { providerReference: 'PPITEM51', providerTransactionId: 'PPTXN51' }),
    notLearned: paypal(52, { providerReference: 'PPITEM52' }),
    namesNeither: paypal(53, { providerReference: 'PPITEM53', providerTransactionId: 'PPTXN53' }),
    itemIdOnly: paypal(54, { providerReference: 'PPITEM54', providerTransactionId: 'PPTXN54' }),
    sandbox: payout(55, {
      providerReference: 'sbx_000055',
      providerTransactionId: 'sbx_txn_55',
      createdAt: on,
      batchId: undefined,
    }),
  };
  const dayRow = (p: ReconPayout, providerReference: string) =>
    rowFor(p, { providerReference, batchId: undefined, batchStatus: undefined, createdAt: on, settledAt: on });

  it('matches on the transaction id when the payout has one, on the item id when not, and flags a row naming neither', async () => {
    const client = emulators.clients.documentClient;
    for (const p of Object.values(OURS))
      await client.send(new PutCommand({ TableName: emulators.env[ENV.payoutsTable]!, Item: payoutItem(asPayout(p)) }));
    const trr = renderPaypalReport([
      { line: 0, ...dayRow(OURS.byTransaction, 'PPTXN51') },
      { line: 0, ...dayRow(OURS.notLearned, 'PPITEM52') },
      { line: 0, ...dayRow(OURS.namesNeither, 'PPTXN_OTHER') },
      { line: 0, ...dayRow(OURS.itemIdOnly, 'PPITEM54') },
    ]);
    const sources = [
      source('sandbox', 'settlement', reportCsv([dayRow(OURS.sandbox, 'sbx_000055')])),
      source('paypal', 'paypal_trr', trr),
    ];
    const run = await runReconciliation({ ...deps, reports: sources }, DAY, 'cli');
    expect(run.state).toBe('succeeded');
    const lines = csvObjects((await deps.store.readExportFile(DAY, 'reconciliation.csv')).toString('utf8'));
    const cells = lines.map((l) =>
      [l.provider, l.payout_id, l.provider_reference, l.matched_by, l.match_status, l.mismatch_category].join(' '),
    );
    expect(cells.sort()).toEqual([
      'paypal po_000051 PPTXN51 provider_reference matched ',
      'paypal po_000052 PPITEM52 provider_reference matched ',
      'paypal po_000053 PPTXN53 payout_id unmatched missing_provider_reference',
      'paypal po_000054 PPTXN54 payout_id unmatched missing_provider_reference',
      'sandbox po_000055 sbx_000055 provider_reference matched ',
    ]);
    const neither = lines.find((l) => l.payout_id === 'po_000053')!;
    expect(neither.detail).toBe('matched by payout id; our provider reference PPTXN53, provider PPTXN_OTHER');
    expect(run.providers?.map((p) => [p.provider, p.matched, p.unmatched])).toEqual([
      ['sandbox', 1, 0],
      ['paypal', 2, 2],
    ]);
  });
});

// The twin's reconciliation reads PayPal's and Adyen's day from their stand-ins (STAND_IN_REPORT_PATHS): each
// renders its own state in its own format, so a payout each paid matches its row instead of missing_at_provider.
describe('the PayPal and Adyen stand-ins serve the day’s report from their own state', () => {
  const DAY = '2026-11-25';
  const dayClockMs = Date.parse(`${DAY}T09:00:00Z`);
  let paypal: PaypalStandIn;
  let adyen: AdyenStandInServer;
  let paidAt: { paypal: { itemId: string; transactionId: string }; adyen: string };

  beforeAll(async () => {
    paypal = await startPaypalStandIn({
      clientId: 'cid',
      clientSecret: 'csecret',
      webhookId: 'WH-1',
      nowMs: () => dayClockMs,
    });
    adyen = await startAdyenStandIn({ apiKey: 'adyen-key', now: () => new Date(dayClockMs) });
    paidAt = {
      paypal: await paidAtPaypal(paypal, 'po_000041', '12.34'),
      adyen: paidAtAdyen(adyen, 'po_000042', 5_678),
    };
  });
  afterAll(async () => Promise.all([paypal?.close(), adyen?.close()]));

  it('matches a paid PayPal item and a booked Adyen transfer against their stand-ins’ rows', async () => {
    const client = emulators.clients.documentClient;
    const created = `${DAY}T09:00:00.000Z`;
    const ours = [
      payout(41, {
        provider: 'paypal',
        providerReference: paidAt.paypal.itemId,
        providerTransactionId: paidAt.paypal.transactionId,
        amountMinor: 1_234,
        feeMinor: 0,
      }),
      payout(42, { provider: 'adyen', providerReference: paidAt.adyen, amountMinor: 5_678, feeMinor: 0 }),
    ].map((p) => ({ ...p, createdAt: created, batchId: undefined }));
    for (const p of ours)
      await client.send(new PutCommand({ TableName: emulators.env[ENV.payoutsTable]!, Item: payoutItem(asPayout(p)) }));
    const credentialsFile = join(await mkdtemp(join(tmpdir(), 'stand-in-reports-')), 'credentials.json');
    await writeFile(
      credentialsFile,
      JSON.stringify({ paypal: { base_url: paypal.baseUrl }, adyen: { base_url: adyen.baseUrl } }),
    );
    const reports = providerReportSources({
      providers: ['paypal', 'adyen'],
      sandboxUrl: 'http://127.0.0.1:9',
      credentialsFile,
      s3: {} as S3Client,
      evidenceBucket: 'unused',
    });
    const run = await runReconciliation({ ...deps, reports }, DAY, 'cli');
    expect(run.state).toBe('succeeded');
    const lines = csvObjects((await deps.store.readExportFile(DAY, 'reconciliation.csv')).toString('utf8'));
    const cells = lines.map((l) => [l.provider, l.payout_id, l.provider_reference, l.match_status].join(' '));
    expect(cells.sort()).toEqual([
      `adyen po_000042 ${paidAt.adyen} matched`,
      // PayPal's TRR names the item by its transaction id (PayPal Reference ID), and so does the export.
      `paypal po_000041 ${paidAt.paypal.transactionId} matched`,
    ]);
    expect(run.providers?.filter((p) => p.provider !== 'sandbox' && p.provider !== 'stripe')).toEqual([
      expect.objectContaining({ provider: 'paypal', reportFormat: 'paypal_trr', reportRows: 1, matched: 1 }),
      expect.objectContaining({ provider: 'adyen', reportFormat: 'adyen_accounting', reportRows: 1, matched: 1 }),
    ]);
  });

  it('renders only the asked day, and refuses a date that is not one', async () => {
    const other = await fetch(`${paypal.baseUrl}/v1/test/reports/trr?date=2026-11-26`);
    expect((await other.text()).split('\r\n').filter((l) => l.startsWith('"SB"'))).toEqual([]);
    const adyenOther = await fetch(
      `${adyen.baseUrl}/v1/test/reports/balanceplatform_accounting_report?date=2026-11-26`,
    );
    expect((await adyenOther.text()).trim().split('\n')).toHaveLength(1);
    expect((await fetch(`${paypal.baseUrl}/v1/test/reports/trr?date=yesterday`)).status).toBe(400);
    expect((await fetch(`${adyen.baseUrl}/v1/test/reports/balanceplatform_accounting_report?date=x`)).status).toBe(422);
  });
});

/** Creates one item through the stand-in's API as our adapter does, then PayPal pays it: its two ids. */
async function paidAtPaypal(
  standIn: PaypalStandIn,
  payoutId: string,
  value: string,
): Promise<{ itemId: string; transactionId: string }> {
  const basic = Buffer.from('cid:csecret').toString('base64');
  const token = await fetch(`${standIn.baseUrl}${PAYPAL_PATHS.token}`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const auth = { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
  const created = await fetch(`${standIn.baseUrl}${PAYPAL_PATHS.payouts}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'paypal-request-id': payoutId },
    body: JSON.stringify({
      sender_batch_header: { sender_batch_id: payoutId },
      items: [
        {
          recipient_type: 'EMAIL',
          amount: { value, currency: 'USD' },
          receiver: 'r@example.com',
          sender_item_id: payoutId,
        },
      ],
    }),
  });
  const batchId = ((await created.json()) as { batch_header: { payout_batch_id: string } }).batch_header
    .payout_batch_id;
  const batch = await fetch(`${standIn.baseUrl}${PAYPAL_PATHS.batch(batchId)}`, { headers: auth });
  const item = ((await batch.json()) as { items: { payout_item_id: string; transaction_id: string }[] }).items[0]!;
  await standIn.controls.setState(item.payout_item_id, 'SUCCESS');
  return { itemId: item.payout_item_id, transactionId: item.transaction_id };
}

/** A bank transfer Adyen received, then booked: its transfer id. */
function paidAtAdyen(standIn: AdyenStandInServer, payoutId: string, valueMinor: number): string {
  const transfer = standIn.books.create(
    {
      amount: { currency: 'USD', value: valueMinor },
      balanceAccountId: 'BA00000000000000000000001',
      category: 'bank',
      counterparty: {
        bankAccount: {
          accountHolder: { fullName: 'R' },
          accountIdentification: { type: 'usLocal', accountNumber: '123456789', routingNumber: '011000015' },
        },
      },
      priority: 'regular',
      reference: payoutId,
    },
    payoutId,
  );
  standIn.books.setStatus(transfer.id, 'booked');
  return transfer.id;
}
