// Sanctions screening on DynamoDB Local (issue 15, docs/screening.md): a recipient screened against the fictional
// SDN list (fixtures/screening) is clear or opens a case with its evidence, the recipient's snapshot (conditioned on
// screeningVersion), a compliance exception and the holds' signal; compliance decides the case (four-eyes for a
// strong clear, the proposer refused, a confirm for good), each decision audited; a new list version rescreens
// every recipient, page by page, without reopening what compliance cleared.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { LocalListScreeningProvider } from '../../../functions/adapters/screening/local-list-provider';
import {
  recipientPk,
  ScreeningCasesRepository,
  ScreeningSnapshotChangedError,
} from '../../../functions/adapters/screening/screening-cases-repository';
import { loadSdnListFromDirectory } from '../../../functions/adapters/screening/sdn-list-sources';
import { decideScreening } from '../../../functions/app/compliance/decide-screening-case';
import { rescreenRecipients, type RescreenDeps } from '../../../functions/app/compliance/rescreen-recipients';
import { screenRecipient } from '../../../functions/app/compliance/screen-recipient';
import type { RecipientHoldSignals } from '../../../functions/domain/compliance/contract';
import type { ScreeningList } from '../../../functions/domain/compliance/sdn-list';
import { ScreeningDecisionError } from '../../../functions/domain/compliance/screening-case';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

let emulators: StartedEmulators;
let table: string;
let auditTable: string;
let cases: ScreeningCasesRepository;
let exceptions: ExceptionsRepository;
let list: ScreeningList;
const signals: { kind: 'matched' | 'cleared'; args: unknown[] }[] = [];
const holds: RecipientHoldSignals = {
  screeningMatched: async (...args) => void signals.push({ kind: 'matched', args }),
  screeningCleared: async (...args) => void signals.push({ kind: 'cleared', args }),
};

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  table = emulators.names.tables['RecipientsTable']!;
  auditTable = emulators.names.tables['AuditTable']!;
  const audit = new AuditTrail(client, auditTable);
  cases = new ScreeningCasesRepository(client, table, audit);
  exceptions = new ExceptionsRepository(client, emulators.names.tables['OperationsTable']!, { audit });
  list = await loadSdnListFromDirectory('fixtures/screening');
}, 300_000);
afterAll(async () => emulators?.stop());

function deps(screeningList: ScreeningList = list): RescreenDeps {
  return {
    provider: new LocalListScreeningProvider(async () => screeningList),
    cases,
    exceptions,
    holds,
    nowMs: () => Date.now(),
    newCaseId: () => ulid(),
  };
}

/** A recipient item as the recipients adapters write it (their create path is another branch's). */
async function putRecipient(fields: {
  name: string;
  kind?: 'individual' | 'business';
  country?: string;
  dob?: string;
}) {
  const tenantId = `t-${ulid().toLowerCase()}`;
  const recipientId = `rcp_${ulid()}`;
  await emulators.clients.documentClient.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: recipientPk(tenantId, recipientId),
        sk: 'RECIPIENT',
        tenantId,
        recipientId,
        kind: fields.kind ?? 'individual',
        name: fields.name,
        ...(fields.country === undefined ? {} : { country: fields.country }),
        ...(fields.dob === undefined ? {} : { dateOfBirth: fields.dob }),
      },
    }),
  );
  return (await cases.getRecipient(tenantId, recipientId))!;
}

async function item(pk: string, sk: string) {
  const out = await emulators.clients.documentClient.send(new GetCommand({ TableName: table, Key: { pk, sk } }));
  return out.Item;
}

async function auditActions(caseId: string): Promise<string[]> {
  const out = await emulators.clients.documentClient.send(
    new QueryCommand({
      TableName: auditTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#screening_case#${caseId}` },
    }),
  );
  return (out.Items ?? []).filter((i) => typeof i.action === 'string').map((i) => i.action as string);
}

const compliance = (subject: string) => ({ subject, role: 'compliance' });

describe('screening a recipient', () => {
  it('no match: the snapshot says clear against the list version; no case, no exception', async () => {
    const recipient = await putRecipient({ name: 'Jane Doe', country: 'GB' });
    const snapshot = await screenRecipient(deps(), recipient);
    expect(snapshot).toMatchObject({ state: 'clear', listVersion: list.version });
    const stored = await item(recipientPk(recipient.tenantId, recipient.recipientId), 'RECIPIENT');
    expect(stored).toMatchObject({ screening: snapshot, screeningVersion: 1, name: 'Jane Doe' });
  });

  it('a potential match: the case with its evidence, the snapshot, a compliance exception, the holds told', async () => {
    const recipient = await putRecipient({ name: 'Ivan Zarkov', country: 'RU' });
    signals.length = 0;
    const snapshot = await screenRecipient(deps(), recipient);
    expect(snapshot).toMatchObject({ state: 'potential_match', listVersion: list.version });
    const pk = recipientPk(recipient.tenantId, recipient.recipientId);
    const stored = await item(pk, `SCREENING#${snapshot.caseId}`);
    expect(stored).toMatchObject({ state: 'open', listVersion: list.version, score: snapshot.score });
    expect(stored!.matches[0]).toMatchObject({
      sourceList: 'us_ofac',
      sourceId: '9001',
      listedName: 'ZARKOV, Ivan Petrovich',
    });
    expect(await item(pk, 'RECIPIENT')).toMatchObject({ screening: snapshot, screeningVersion: 1 });
    const exception = await exceptions.get(stored!.exceptionId);
    expect(exception).toMatchObject({ category: 'screening_potential_match', owner: 'compliance', state: 'open' });
    expect(exception!.evidence).toMatchObject({ caseId: snapshot.caseId, sourceId: '9001', listVersion: list.version });
    expect(signals).toEqual([
      {
        kind: 'matched',
        args: [
          recipient.tenantId,
          recipient.recipientId,
          expect.objectContaining({ source_id: '9001', case_id: snapshot.caseId }),
          expect.any(String),
        ],
      },
    ]);
    expect(await auditActions(snapshot.caseId!)).toEqual(['screening.opened']);
    // Screened again (a retry, a change): the undecided case stays the one case; its follow-ups are repeated, idempotent.
    const again = await screenRecipient(deps(), (await cases.getRecipient(recipient.tenantId, recipient.recipientId))!);
    expect(again.caseId).toBe(snapshot.caseId);
  });

  it('a stale screeningVersion writes nothing', async () => {
    const recipient = await putRecipient({ name: 'Ivan Zarkov' });
    await screenRecipient(deps(), recipient);
    const stale = { ...recipient, name: 'Élodie Moreau' }; // read before the first screening: version 0
    await expect(screenRecipient(deps(), stale)).rejects.toBeInstanceOf(ScreeningSnapshotChangedError);
    const stored = await cases.getRecipient(recipient.tenantId, recipient.recipientId);
    expect(stored!.screeningVersion).toBe(1);
  });
});

describe('deciding a case', () => {
  it('a strong clear takes two operators; the proposer is refused; each step audited; the holds released', async () => {
    const recipient = await putRecipient({ name: 'Ivan Petrovich Zarkov' }); // score 1: four-eyes
    const { caseId } = await screenRecipient(deps(), recipient);
    const request = {
      caseId: caseId!,
      kind: 'clear' as const,
      note: 'namesake, other DOB on passport',
      requestId: 'r1',
    };
    const proposed = await decideScreening(deps(), { ...request, operator: compliance('alice') });
    expect(proposed.state).toBe('clear_proposed');
    expect((await cases.getRecipient(recipient.tenantId, recipient.recipientId))!.screening!.state).toBe(
      'potential_match',
    );
    const refused = await decideScreening(deps(), { ...request, operator: compliance('alice') }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ScreeningDecisionError);
    expect(refused).toMatchObject({ code: 'screening_proposer_cannot_decide', httpStatus: 403 });
    expect((await cases.getCase(caseId!))!.version).toBe(proposed.version); // nothing written
    signals.length = 0;
    const cleared = await decideScreening(deps(), { ...request, operator: compliance('bob') });
    expect(cleared).toMatchObject({
      state: 'cleared',
      proposal: { by: 'alice' },
      decision: { by: 'bob', outcome: 'cleared' },
    });
    const snapshot = (await cases.getRecipient(recipient.tenantId, recipient.recipientId))!.screening!;
    expect(snapshot).toMatchObject({ state: 'clear', caseId });
    expect((await exceptions.get(cleared.exceptionId))!.state).toBe('resolved');
    expect(signals).toEqual([
      { kind: 'cleared', args: [recipient.tenantId, recipient.recipientId, caseId, 'bob', expect.any(String)] },
    ]);
    expect(await auditActions(caseId!)).toEqual(['screening.opened', 'screening.clear_proposed', 'screening.cleared']);
  });

  it('a weaker match is cleared by one operator', async () => {
    const recipient = await putRecipient({ name: 'Anna Kowalski' });
    const { caseId, score } = await screenRecipient(deps(), recipient);
    expect(score).toBeLessThan(0.95);
    const cleared = await decideScreening(deps(), {
      caseId: caseId!,
      kind: 'clear',
      note: 'different person',
      requestId: 'r2',
      operator: compliance('alice'),
    });
    expect(cleared.state).toBe('cleared');
  });

  it('a confirmed match blocks for good: a later clear is 409 and a rescreen leaves it', async () => {
    const recipient = await putRecipient({ name: 'Omar Fictivi', country: 'SY' });
    const { caseId } = await screenRecipient(deps(), recipient);
    const base = { caseId: caseId!, note: 'passport matches', requestId: 'r3', operator: compliance('carol') };
    await decideScreening(deps(), { ...base, kind: 'confirm' });
    const blocked = (await cases.getRecipient(recipient.tenantId, recipient.recipientId))!;
    expect(blocked.screening!.state).toBe('confirmed_match');
    const later = await decideScreening(deps(), { ...base, kind: 'clear', operator: compliance('dave') }).catch(
      (e: unknown) => e,
    );
    expect(later).toMatchObject({ code: 'screening_case_confirmed', httpStatus: 409 });
    expect(await screenRecipient(deps(), blocked)).toEqual(blocked.screening);
    expect(await auditActions(caseId!)).toEqual(['screening.opened', 'screening.confirmed']);
  });

  it('an unknown case is screening_case_not_found', async () => {
    await expect(
      decideScreening(deps(), {
        caseId: 'scr_NOPE',
        kind: 'clear',
        note: 'x',
        requestId: 'r',
        operator: compliance('a'),
      }),
    ).rejects.toMatchObject({ code: 'screening_case_not_found' });
  });
});

describe('a new list version', () => {
  it('rescreens every recipient page by page, opens a case for a new hit, and does not reopen a cleared one', async () => {
    // Version 2 adds one (fictional) entry; the rest of the list is the same.
    const directory = await mkdtemp(join(tmpdir(), 'sdn-v2-'));
    await cp('fixtures/screening', directory, { recursive: true });
    const sdnV2 = `${(await import('node:fs')).readFileSync('fixtures/screening/sdn.csv', 'utf8').replace('\u001a', '')}${[
      '9007,"QUENTINOVA, Mireille","individual","FICTIONAL-B","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","FICTIONAL ENTRY FOR TESTS."',
    ].join('')}\r\n\u001a`;
    await writeFile(join(directory, 'sdn.csv'), sdnV2);
    await writeFile(join(directory, 'manifest.json'), '{ "publishDate": "2026-12-01" }');
    const v2 = await loadSdnListFromDirectory(directory);
    expect(v2.version).not.toBe(list.version);

    const newHit = await putRecipient({ name: 'Mireille Quentinova' });
    await screenRecipient(deps(), newHit); // clear against v1
    const cleared = await putRecipient({ name: 'Anna Kowalska' });
    const { caseId } = await screenRecipient(deps(), cleared);
    await decideScreening(deps(), {
      caseId: caseId!,
      kind: 'clear',
      note: 'other person',
      requestId: 'r4',
      operator: compliance('alice'),
    });

    const summary = await rescreenRecipients(deps(v2), { pageItems: 2 });
    expect(summary).toMatchObject({ listVersion: v2.version, complete: true, raced: 0 });
    expect(summary.scanned).toBeGreaterThanOrEqual(summary.screened + summary.current);
    const hit = (await cases.getRecipient(newHit.tenantId, newHit.recipientId))!.screening!;
    expect(hit).toMatchObject({ state: 'potential_match', listVersion: v2.version });
    const stillClear = (await cases.getRecipient(cleared.tenantId, cleared.recipientId))!.screening!;
    expect(stillClear).toMatchObject({ state: 'clear', listVersion: v2.version });

    // Run again: everything is current; nothing is screened twice.
    const rerun = await rescreenRecipients(deps(v2), { pageItems: 2 });
    expect(rerun.screened).toBe(0);
    expect(rerun.current + rerun.held).toBe(rerun.scanned);
  });
});
