// held-payouts.csv on DynamoDB Local + fauxqs S3 through the real SDK (issue 15): a reconcile run reads
// the "before funds move" queue (Queries on its partitions, never a Scan), publishes the held payouts
// beside reconciliation.csv with the file's SHA-256 in the manifest, and re-runs byte-identically.
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HeldPayoutsSource,
  type HeldPayoutsReader,
} from '../../../functions/adapters/reconciliation/held-payouts-source';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { runReconciliation, type RunDependencies } from '../../../functions/app/reconciliation/run';
import type { Hold } from '../../../functions/domain/compliance/contract';
import type { Payout } from '../../../functions/domain/payout';
import { HELD_PAYOUTS_CSV_COLUMNS } from '../../../functions/domain/reconciliation/held-payouts';
import { ENV } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { DATE, bytesOf, csvObjects, reportCsv } from '../../support/reconciliation-fixtures';
import { samplePayout } from '../payouts/helpers';
import { runDependenciesOn } from './run-harness';

const FILE = 'held-payouts.csv';
// Created the day before DATE, so none of them is a row of DATE's reconciliation.csv: only the holds differ.
const CREATED_AT = '2026-11-23T08:00:00.000Z';

let emulators: StartedEmulators;
let repo: PayoutsRepository;
let deps: RunDependencies;
let clock = Date.parse(`${DATE}T00:00:00.000Z`) + 3 * 86_400_000;
/** The DynamoDB commands the listing sends, by name, for the run under way. */
const calls: string[] = [];

function taxFormHold(openedAt: string): Hold {
  return {
    holdId: 'tax_form',
    kind: 'tax_form',
    owner: 'tenant',
    openedAt,
    requirement: 'tax_form:W-8BEN',
    evidence: { form: 'W-8BEN' },
  };
}

async function created(overrides: Partial<Payout>): Promise<Payout> {
  const input = samplePayout({ createdAt: CREATED_AT, lastEventAt: CREATED_AT, ...overrides });
  expect((await repo.createPayout(input)).kind).toBe('created');
  return input.payout;
}

/** The listing on a client that records each command's name (a Scan would show here). */
function countingSource(client: DynamoDBDocumentClient, payoutsTable: string): HeldPayoutsReader {
  const counting = {
    send: (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      return client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return new HeldPayoutsSource({ client: counting, payoutsTable });
}

beforeAll(async () => {
  emulators = await startEmulators();
  const env = emulators.env;
  repo = new PayoutsRepository({
    client: emulators.clients.documentClient,
    payoutsTable: env[ENV.payoutsTable]!,
    ledgerTable: env[ENV.ledgerTable]!,
    auditTable: env[ENV.auditTable]!,
  });
  deps = {
    ...runDependenciesOn(emulators, {
      fetchReport: async () => bytesOf(reportCsv([]), 4096),
      now: () => new Date((clock += 1_000)),
    }),
    heldPayouts: countingSource(emulators.clients.documentClient, env[ENV.payoutsTable]!),
  };
});
afterAll(async () => emulators?.stop());

async function publishedFile(name: string): Promise<Buffer> {
  return deps.store.readExportFile(DATE, name);
}

describe('held-payouts.csv', () => {
  let held: Payout;
  let first: { file: Buffer; manifest: Buffer };

  it('lists exactly the held payout, and the manifest carries the file’s SHA-256', async () => {
    held = await created({
      recipientId: 'rcp_held',
      holds: { tax_form: taxFormHold(`${DATE}T10:00:00.000Z`) },
      openHoldCount: 1,
    });
    await created({ recipientId: 'rcp_free' });

    calls.length = 0;
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
    // One page per owner: the approver's one Query on gsi3, four shards each for the three others, and
    // one BatchGetItem for the owner whose page found entries (none for an empty page).
    expect(calls.filter((c) => c === 'ScanCommand')).toEqual([]);
    expect(calls.filter((c) => c === 'QueryCommand')).toHaveLength(1 + 3 * 4);
    expect(calls.filter((c) => c === 'BatchGetCommand')).toHaveLength(1);

    const file = await publishedFile(FILE);
    const text = file.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(HELD_PAYOUTS_CSV_COLUMNS.join(','));
    expect(csvObjects(text)).toEqual([
      {
        tenant_id: 'acme',
        payout_id: held.payoutId,
        currency: 'EUR',
        amount_minor: '12500',
        amount: '125.00',
        recipient_id: 'rcp_held',
        hold_id: 'tax_form',
        hold_kind: 'tax_form',
        hold_owner: 'tenant',
        hold_opened_at: `${DATE}T10:00:00.000Z`,
        hold_requirement: 'tax_form:W-8BEN',
        hold_open_seconds: String(14 * 3_600),
        as_of: '2026-11-25T00:00:00.000Z',
      },
    ]);

    const manifestBytes = await publishedFile('manifest.json');
    const manifest = JSON.parse(manifestBytes.toString('utf8'));
    expect(manifest.generator_version).toBe('1.6.0');
    expect(manifest.files.find((f: { name: string }) => f.name === FILE)).toEqual({
      name: FILE,
      rows: 1,
      bytes: file.length,
      sha256: createHash('sha256').update(file).digest('hex'),
      content_type: 'text/csv; charset=utf-8',
    });
    expect(manifest.inputs).toContainEqual({
      role: 'holds_queue',
      source: `dynamodb:${emulators.env[ENV.payoutsTable]}`,
      rows: 1,
    });
    first = { file, manifest: manifestBytes };
  });

  it('re-runs byte-identically, though a hold was placed after the day’s end and a payout awaits approval', async () => {
    // A hold opened after DATE ended is the next day's: DATE's file and manifest do not move for it.
    await created({ holds: { tax_form: taxFormHold('2026-11-25T01:00:00.000Z') }, openHoldCount: 1 });
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
    expect((await publishedFile(FILE)).equals(first.file)).toBe(true);
    expect((await publishedFile('manifest.json')).equals(first.manifest)).toBe(true);

    // The approver's queue (gsi3 APPROVAL) is read too: a payout awaiting approval since DATE is held.
    const awaiting = await created({
      createdAt: `${DATE}T20:00:00.000Z`,
      lastEventAt: `${DATE}T20:00:00.000Z`,
      status: 'requires_approval',
      approval: { thresholdMinor: 10_000, expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect((await runReconciliation(deps, DATE, 'cli')).state).toBe('succeeded');
    const rows = csvObjects((await publishedFile(FILE)).toString('utf8'));
    expect(rows.map((r) => [r.payout_id, r.hold_kind, r.hold_owner, r.hold_open_seconds])).toEqual(
      [
        [held.payoutId, 'tax_form', 'tenant', String(14 * 3_600)],
        [awaiting.payoutId, 'approval', 'approver', String(4 * 3_600)],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });
});
