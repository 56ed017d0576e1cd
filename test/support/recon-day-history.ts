import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runEngine } from '../../functions/adapters/reconciliation/engine';
import { journalWrites } from '../../functions/adapters/ledger-writes';
import { ledgerCopyAtCreation, ledgerEntryCopy } from '../../functions/adapters/ledger-copy';
import { payoutItem } from '../../functions/adapters/payout-items';
import type { Payout } from '../../functions/domain/payout';
import type { ReconPayout } from '../../functions/domain/reconciliation/matching-types';
import { dayWindow, type ReconciliationPayouts } from '../../functions/adapters/reconciliation/payouts-source';
import { bytesOf, payout, reportCsv, rowFor } from './reconciliation-fixtures';

/**
 * Days of payout history in DynamoDB Local for the O(day) reads (integration test and the
 * `recon-day` bench): each payout with the journal entry of its submission, every `settleEvery`-th
 * also with a fee entry booked the next day (an entry outside its creation day), and a counter of
 * the items each read returns, per table.
 */
const BATCH_WRITE_ITEMS_MAX = 25;
const BATCH_WRITES_IN_FLIGHT = 8;

export interface HistoryTables {
  readonly payoutsTable: string;
  readonly ledgerTable: string;
}

export const dayOf = (first: string, offset: number): string =>
  new Date(Date.parse(`${first}T00:00:00.000Z`) + offset * 86_400_000).toISOString().slice(0, 10);

function asPayout(p: ReconPayout): Payout {
  return {
    ...p,
    tenantId: `tenant-${p.payoutId.charCodeAt(p.payoutId.length - 1) % 3}`,
    version: 2,
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'R' },
    requestIds: ['req-1'],
  } as Payout;
}

const journalInput = (tables: HistoryTables, p: ReconPayout, version: number, recordedAt: string, fee: boolean) => ({
  ledgerTable: tables.ledgerTable,
  tenantId: 'tenant-h',
  payoutId: p.payoutId,
  currency: p.currency,
  version,
  event: fee ? 'paid' : 'submitted',
  postings: fee
    ? [{ from: 'in_transit', to: 'fees', amountMinor: p.feeMinor ?? 0 } as const]
    : [{ from: 'available', to: 'in_transit', amountMinor: p.amountMinor } as const],
  recordedAt,
  sourceRef: `seed:${p.payoutId}:${version}`,
});

/** The payouts of `days` × `perDay` (ids numbered across days), each day's list in order. */
export function historyPayouts(days: readonly string[], perDay: number): ReconPayout[][] {
  return days.map((day, d) =>
    Array.from({ length: perDay }, (_, i) => {
      const at = new Date(Date.parse(`${day}T00:00:00.000Z`) + Math.floor((i * 86_400_000) / perDay));
      return payout(d * perDay + i + 1, { createdAt: at.toISOString(), lastEventAt: at.toISOString() });
    }),
  );
}

/**
 * Writes the history. With `ledgerCopy` (the default) each payout item carries the copy of its
 * journal entries the writers now put there in the entries' own transactions (ledger-copy.ts); without
 * it the items are as written before the copy existed, and reconciliation Queries their journals.
 */
export async function seedHistory(
  client: DynamoDBDocumentClient,
  tables: HistoryTables,
  byDay: readonly ReconPayout[][],
  settleEvery = 4,
  options: { ledgerCopy?: boolean } = {},
): Promise<void> {
  const writes: { table: string; item: Record<string, unknown> }[] = [];
  byDay.flat().forEach((p, n) => {
    const entries = [journalInput(tables, p, 1, p.createdAt, false)];
    if (n % settleEvery === 0) {
      const nextDay = new Date(Date.parse(p.createdAt) + 86_400_000).toISOString();
      entries.push(journalInput(tables, p, 2, nextDay, true));
    }
    const copy =
      options.ledgerCopy === false
        ? {}
        : { ...ledgerCopyAtCreation(entries[0]!), ledgerEntries: entries.map(ledgerEntryCopy) };
    writes.push({ table: tables.payoutsTable, item: { ...payoutItem(asPayout(p)), ...copy } });
    for (const entry of entries) writes.push({ table: tables.ledgerTable, item: journalWrites(entry)[0]!.Put!.Item! });
  });
  const batches: (typeof writes)[] = [];
  for (let i = 0; i < writes.length; i += BATCH_WRITE_ITEMS_MAX)
    batches.push(writes.slice(i, i + BATCH_WRITE_ITEMS_MAX));
  for (let i = 0; i < batches.length; i += BATCH_WRITES_IN_FLIGHT)
    await Promise.all(batches.slice(i, i + BATCH_WRITES_IN_FLIGHT).map((batch) => writeAll(client, batch)));
}

async function writeAll(client: DynamoDBDocumentClient, batch: { table: string; item: Record<string, unknown> }[]) {
  let requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {};
  for (const { table, item } of batch) (requests[table] ??= []).push({ PutRequest: { Item: item } });
  while (Object.keys(requests).length > 0) {
    const out = await client.send(new BatchWriteCommand({ RequestItems: requests }));
    requests = (out.UnprocessedItems ?? {}) as typeof requests;
  }
}

/** Items read (Scan/Query ScannedCount, BatchGet/Get items) and items updated, per table. */
export interface ReadCounter {
  readonly read: Map<string, number>;
  readonly updated: Map<string, number>;
  reset(): void;
}

export function countReads(client: DynamoDBDocumentClient, name = 'reconReadCounter'): ReadCounter {
  const counter: ReadCounter = {
    read: new Map(),
    updated: new Map(),
    reset: () => (counter.read.clear(), counter.updated.clear()),
  };
  const add = (map: Map<string, number>, table: string, n: number) => map.set(table, (map.get(table) ?? 0) + n);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { TableName?: string };
      const output = result.output as Record<string, any>;
      const command = String(context.commandName ?? '');
      if (command.startsWith('Query') || command.startsWith('Scan'))
        add(counter.read, input.TableName!, Number(output['ScannedCount'] ?? 0));
      else if (command.startsWith('GetItem') && output['Item'] !== undefined) add(counter.read, input.TableName!, 1);
      else if (command.startsWith('BatchGetItem'))
        for (const [table, items] of Object.entries(output['Responses'] ?? {}))
          add(counter.read, table, (items as unknown[]).length);
      else if (command.startsWith('UpdateItem')) add(counter.updated, input.TableName!, 1);
      return result;
    },
    { step: 'initialize', name, override: true },
  );
  return counter;
}

/** One day reconciled by the engine against a report that agrees with every payout of the day. */
export async function reconcileDay(source: ReconciliationPayouts, date: string, dayPayouts: readonly ReconPayout[]) {
  const out = mkdtempSync(join(tmpdir(), 'recon-day-'));
  try {
    const window = dayWindow(date);
    const result = await runEngine(
      {
        date,
        report: bytesOf(reportCsv(dayPayouts.map((p) => rowFor(p))), 1 << 16),
        payouts: source.payoutsCreatedIn(window),
        ledger: source.ledgerFactsFrom(window),
        outputDir: out,
      },
      {
        openException: async (row) => `exc_${row.payout?.payoutId ?? row.report?.line}`,
        lookupPayouts: (ids) => source.lookup(ids),
        onMatched: (ids) => source.markReconciled(ids, `${dayOf(date, 2)}T02:30:00.000Z`),
      },
    );
    const bytes = Object.fromEntries(result.files.map((f) => [f.name, readFileSync(f.path, 'utf8')]));
    return { result, bytes };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
