import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { runReconciliation, type RunDependencies } from '../../../functions/app/reconciliation/run';
import { payoutItem } from '../../../functions/adapters/payout-items';
import type { Payout } from '../../../functions/domain/payout';
import type { ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import { ENV } from '../../../functions/shared/names';
import { auditHashOf, type AuditRecord } from '../../../functions/domain/audit';
import { createHash } from 'node:crypto';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { DATE, bytesOf, csvObjects, payout, reportCsv, rowFor } from '../../support/reconciliation-fixtures';
import { exceptionItems as exceptionItemsOf, runDependenciesOn } from './run-harness';

// A whole run on DynamoDB Local + fauxqs S3: exceptions opened once, files byte-identical on a
// re-run, a malformed report failing loudly without touching the published export.

let emulators: StartedEmulators;
let deps: RunDependencies;
let report: string;
let clock = Date.parse(`${DATE}T00:00:00.000Z`) + 3 * 86_400_000;
const nextDay = new Date(Date.parse(`${DATE}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
// Issue 10: audit.jsonl (the day's audit trail) is published with the other files.
const files = ['reconciliation.csv', 'exceptions.csv', 'summary.json', 'manifest.json', 'audit.jsonl'];

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

beforeAll(async () => {
  emulators = await startEmulators();
  const env = emulators.env;
  const client = emulators.clients.documentClient;
  const payouts = [
    payout(1),
    payout(2),
    payout(3, { status: 'pending' }),
    payout(4),
    payout(5, { providerReference: undefined }),
  ];
  for (const p of payouts)
    await client.send(new PutCommand({ TableName: env[ENV.payoutsTable]!, Item: payoutItem(asPayout(p)) }));
  // Two audit records on DATE (and one the day after, which its export must not hold).
  const trail = new AuditTrail(client, env[ENV.auditTable]!);
  for (const [n, at] of [
    [1, `${DATE}T08:00:00.000Z`],
    [2, `${DATE}T23:59:59.999Z`],
    [3, `${nextDay}T00:00:00.000Z`],
  ] as const) {
    await trail.append({
      at,
      actor: { type: 'operator', id: 'ada', role: 'ops', tenant: null },
      action: 'dlq.redrive',
      subject: { type: 'queue', id: 'webhook' },
      tenant_id: null,
      request_id: `req-audit-${n}`,
      outcome: 'dry_run',
      details: { n },
    });
  }
  report = reportCsv([
    rowFor(payouts[0]!),
    rowFor(payouts[1]!, { feeMinor: 99 }),
    rowFor(payouts[2]!, { status: 'paid' }),
    rowFor(payouts[4]!, { providerReference: 'sbx_x' }),
    rowFor(payout(77), { payoutId: undefined, providerReference: 'sbx_stranger' }),
  ]);
  deps = runDependenciesOn(emulators, {
    fetchReport: async () => bytesOf(report, 4096),
    now: () => new Date((clock += 1_000)),
  });
});
afterAll(async () => emulators?.stop());

const exceptionItems = () => exceptionItemsOf(emulators);
const published = async () => Promise.all(files.map((name) => deps.store.readExportFile(DATE, name)));

describe('reconciliation run on the emulators', () => {
  it('publishes the export, opens each exception once, and re-runs byte-identically', async () => {
    const first = await runReconciliation(deps, DATE, 'cli');
    expect(first.state).toBe('succeeded');
    expect(first.counts).toMatchObject({ reportRows: 5, payouts: 5, exceptions: 5, matched: 1 });
    const filesAfterFirst = await published();
    const rows = csvObjects(filesAfterFirst[0]!.toString('utf8'));
    expect(Object.fromEntries(rows.map((r) => [r.payout_id || r.provider_reference, r.mismatch_category]))).toEqual({
      po_000001: '',
      po_000002: 'fee_mismatch',
      po_000003: 'status_mismatch',
      po_000004: 'missing_at_provider',
      po_000005: 'missing_provider_reference',
      sbx_stranger: 'missing_internally',
    });
    const exceptionsAfterFirst = await exceptionItems();
    expect(exceptionsAfterFirst).toHaveLength(5);
    const manifest = JSON.parse(filesAfterFirst[3]!.toString('utf8'));
    expect(manifest.inputs[0]).toMatchObject({
      role: 'provider_settlement_report',
      key: `provider-reports/sandbox/date=${DATE}/settlement.csv`,
    });
    expect(manifest.inputs[0].etag).toMatch(/\S/);
    // The day's audit records (UTC day of `at`), one canonical line each, in (at, audit_id) order,
    // with the file's SHA-256 in the manifest; a line re-hashes to its own hash with nothing else.
    const auditFile = filesAfterFirst[4]!;
    const lines = auditFile
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    expect(lines.map((r) => r.request_id)).toEqual(['req-audit-1', 'req-audit-2']);
    for (const record of lines) expect(auditHashOf(record)).toBe(record.hash);
    expect(manifest.files.find((f: { name: string }) => f.name === 'audit.jsonl')).toEqual({
      name: 'audit.jsonl',
      rows: 2,
      bytes: auditFile.length,
      sha256: createHash('sha256').update(auditFile).digest('hex'),
      content_type: 'application/x-ndjson; charset=utf-8',
    });
    expect(manifest.inputs).toContainEqual({
      role: 'audit_trail',
      source: `dynamodb:${emulators.env[ENV.auditTable]}`,
      rows: 2,
    });

    const second = await runReconciliation(deps, DATE, 'cli');
    expect(second.runId).not.toBe(first.runId);
    const filesAfterSecond = await published();
    filesAfterSecond.forEach((bytes, i) => expect(bytes.equals(filesAfterFirst[i]!), files[i]).toBe(true));
    const exceptionsAfterSecond = await exceptionItems();
    expect(exceptionsAfterSecond.map((e) => e['exceptionId']).sort()).toEqual(
      exceptionsAfterFirst.map((e) => e['exceptionId']).sort(),
    );
    expect(exceptionsAfterSecond.every((e) => e['occurrences'] === 2)).toBe(true);
    expect((await deps.runs.lastSuccess())?.runId).toBe(second.runId);
  });

  it('fails loudly on a malformed report: named line, run failed, export untouched, retryable', async () => {
    const before = await published();
    const good = report;
    report = good.replace('100.01', '100.0x');
    await expect(runReconciliation(deps, DATE, 'cli')).rejects.toMatchObject({ name: 'ReportFormatError', line: 2 });
    const run = await deps.runs.get(DATE);
    expect(run).toMatchObject({ state: 'failed', error: { code: 'report_bad_amount', line: 2 } });
    const after = await published();
    after.forEach((bytes, i) => expect(bytes.equals(before[i]!), files[i]).toBe(true));
    const malformed = (await exceptionItems()).filter((e) => e['category'] === 'report_malformed');
    expect(malformed).toHaveLength(1);
    expect(String((malformed[0]!['evidence'] as { message: string }).message)).toContain('line 2');
    report = good;
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
  });

  // The run itself is the last guard against a day not ended, whichever entry point called it.
  it('refuses a day that has not ended before it records or writes anything', async () => {
    const today = new Date(clock).toISOString().slice(0, 10);
    for (const date of [today, '9999-12-31']) {
      await expect(runReconciliation(deps, date, 'cli')).rejects.toMatchObject({
        name: 'InvalidRunDateError',
        code: 'date_not_ended',
      });
      expect(await deps.runs.get(date)).toBeUndefined();
      expect(await deps.store.readManifest(date)).toBeUndefined();
    }
  });
});
