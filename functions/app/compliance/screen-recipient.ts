import { assertNever } from '../../domain/assert-never';
import type { AuditEntry } from '../../domain/audit';
import type { Hold, ScreeningSnapshot } from '../../domain/compliance/contract';
import { SCREENING_CASE_ID_PREFIX, snapshotOfCase, type ScreeningCase } from '../../domain/compliance/screening-case';
import type { ScreeningMatch } from '../../domain/compliance/screening-match';
import type { ScreeningResult } from '../../domain/compliance/screening-port';
import { exceptionIdFor, openException } from '../../domain/exceptions';
import type { ScreenableRecipient, ScreeningDeps } from './screening-deps';

/** The job actor of every screening write: not a person, so the trail names the use case. */
export const SCREENING_JOB_ID = 'screening';

export interface ScreenOptions {
  /**
   * List entries compliance already cleared for this recipient (the rescreen job passes those of its last cleared
   * case): a list update that changes nothing about them must not reopen the same case.
   */
  exemptSourceIds?: ReadonlySet<string>;
}

/**
 * Screens one recipient (on creation and on change: the recipients' create/update path calls this; and on a list
 * change: rescreen-recipients.ts). A confirmed match is never rescreened (it blocks for good), and a recipient with an
 * undecided case keeps it (the follow-ups are re-driven, so a crash between the case and its exception heals).
 * Otherwise: no match → the snapshot says clear; a match → a case with its evidence, the snapshot, an exception owned
 * by compliance and the holds' signal.
 */
export async function screenRecipient(
  deps: ScreeningDeps,
  recipient: ScreenableRecipient,
  options: ScreenOptions = {},
): Promise<ScreeningSnapshot> {
  const current = recipient.screening;
  if (current?.state === 'confirmed_match') return current;
  if (current?.state === 'potential_match' && current.caseId !== undefined) {
    const pending = await deps.cases.getCase(current.caseId);
    if (pending !== undefined && (pending.state === 'open' || pending.state === 'clear_proposed')) {
      await followUp(deps, pending);
      return current;
    }
  }
  return recordVerdict(deps, recipient, await screeningVerdict(deps, recipient, options));
}

/**
 * What the list says of a recipient, with nothing written: a clear snapshot, or the matches a case would keep. Split
 * from its recording so a record not yet written (a first-paid inline recipient, app/payouts/payout-recipient.ts) is
 * written once with its clear snapshot instead of written, then updated.
 */
export type ScreeningVerdict =
  | { kind: 'clear'; snapshot: ScreeningSnapshot }
  | { kind: 'matches'; result: ScreeningResult & { matches: ScreeningMatch[] }; at: string };

export async function screeningVerdict(
  deps: Pick<ScreeningDeps, 'provider' | 'nowMs'>,
  recipient: Omit<ScreenableRecipient, 'screeningVersion'>,
  options: ScreenOptions = {},
): Promise<ScreeningVerdict> {
  const result = await deps.provider.screen({
    name: recipient.name,
    kind: recipient.kind,
    ...(recipient.country === undefined ? {} : { country: recipient.country }),
    ...(recipient.dateOfBirth === undefined ? {} : { dateOfBirth: recipient.dateOfBirth }),
  });
  const matches = result.matches.filter((match) => !(options.exemptSourceIds?.has(match.sourceId) ?? false));
  const at = new Date(deps.nowMs()).toISOString();
  if (matches.length === 0)
    return { kind: 'clear', snapshot: { state: 'clear', listVersion: result.listVersion, screenedAt: at } };
  return { kind: 'matches', result: { ...result, matches }, at };
}

/**
 * Writes a verdict on a written record: a clear snapshot alone, or a case with its evidence, the snapshot, an
 * exception owned by compliance and the holds' signal. Each write is conditioned on the screening version read
 * (ScreeningSnapshotChangedError when another screening came first).
 */
export async function recordVerdict(
  deps: ScreeningDeps,
  recipient: ScreenableRecipient,
  verdict: ScreeningVerdict,
): Promise<ScreeningSnapshot> {
  switch (verdict.kind) {
    case 'clear':
      await deps.cases.recordClear(recipient, verdict.snapshot);
      return verdict.snapshot;
    case 'matches': {
      const screeningCase = newCase(deps, recipient, verdict.result, verdict.at);
      const snapshot = snapshotOfCase(screeningCase, verdict.at);
      await deps.cases.openCase(recipient, screeningCase, snapshot, openedEntry(screeningCase));
      await followUp(deps, screeningCase);
      return snapshot;
    }
    default:
      return assertNever(verdict);
  }
}

function newCase(
  deps: ScreeningDeps,
  recipient: ScreenableRecipient,
  result: ScreeningResult & { matches: ScreeningMatch[] },
  at: string,
): ScreeningCase {
  const caseId = `${SCREENING_CASE_ID_PREFIX}${deps.newCaseId()}`;
  const { tenantId, recipientId } = recipient;
  return {
    tenantId,
    recipientId,
    caseId,
    state: 'open',
    provider: result.provider,
    listVersion: result.listVersion,
    score: Math.max(...result.matches.map((match) => match.score)),
    matches: result.matches,
    exceptionId: exceptionIdFor({ category: 'screening_potential_match', tenantId, recipientId, caseId }),
    openedAt: at,
    version: 1,
  };
}

/** The exception and the holds' signal: both idempotent, so a retry (or the next screening) may repeat them. */
async function followUp(deps: ScreeningDeps, screeningCase: ScreeningCase): Promise<void> {
  const { tenantId, recipientId, caseId } = screeningCase;
  const best = screeningCase.matches[0];
  const evidence = {
    caseId,
    tenantId,
    recipientId,
    score: screeningCase.score,
    listVersion: screeningCase.listVersion,
    provider: screeningCase.provider,
    sourceList: best?.sourceList ?? '',
    sourceId: best?.sourceId ?? '',
    listedName: best?.listedName ?? '',
    matchedName: best?.matchedName ?? '',
  };
  await deps.exceptions.openOrUpdate({
    ...openException(
      { category: 'screening_potential_match', tenantId, recipientId, caseId },
      { evidence: { ...evidence, matches: screeningCase.matches }, seenAt: screeningCase.openedAt },
    ),
    actor: { kind: 'system', id: SCREENING_JOB_ID },
  });
  await deps.holds.screeningMatched(tenantId, recipientId, holdEvidence(screeningCase), screeningCase.openedAt);
}

/**
 * The hold's evidence, snake_case like every hold's (domain/compliance/gates.ts): screeningMatchHold keys the hold by
 * `case_id`, so two cases on one recipient are two holds, and clearing one releases only its own.
 */
export function holdEvidence(screeningCase: ScreeningCase): Hold['evidence'] {
  const best = screeningCase.matches[0];
  return {
    screening_state: 'potential_match',
    case_id: screeningCase.caseId,
    score: screeningCase.score,
    list_version: screeningCase.listVersion,
    provider: screeningCase.provider,
    source_list: best?.sourceList ?? '',
    source_id: best?.sourceId ?? '',
    listed_name: best?.listedName ?? '',
    matched_name: best?.matchedName ?? '',
  };
}

function openedEntry(screeningCase: ScreeningCase): AuditEntry {
  return {
    at: screeningCase.openedAt,
    actor: { type: 'job', id: SCREENING_JOB_ID, role: 'jobs', tenant: null },
    action: 'screening.opened',
    subject: { type: 'screening_case', id: screeningCase.caseId },
    tenant_id: screeningCase.tenantId,
    request_id: null,
    outcome: 'applied',
    details: {
      recipient_id: screeningCase.recipientId,
      score: screeningCase.score,
      list_version: screeningCase.listVersion,
      provider: screeningCase.provider,
      source_ids: screeningCase.matches.map((match) => match.sourceId),
    },
  };
}
