import type { AuditEntry } from '../../domain/audit';
import {
  decideScreeningCase,
  snapshotOfCase,
  type ScreeningCase,
  type ScreeningDecisionKind,
} from '../../domain/compliance/screening-case';
import { DomainError } from '../../domain/domain-error';
import { ScreeningSnapshotChangedError } from '../../adapters/screening/screening-cases-repository';
import type { ScreeningDeps } from './screening-deps';

/** The deciding compliance operator, as the HTTP edge read it from the token. */
export interface ScreeningDecider {
  subject: string;
  role: string;
}

export interface ScreeningDecisionInput {
  caseId: string;
  kind: ScreeningDecisionKind;
  operator: ScreeningDecider;
  note: string;
  requestId: string;
}

export class ScreeningCaseNotFoundError extends DomainError {
  constructor(caseId: string) {
    super('screening_case_not_found', 'terminal', `no screening case ${caseId}`, { param: 'caseId' });
    this.name = 'ScreeningCaseNotFoundError';
  }
}

/** Another decision (or a screening) won the race: read the case again and decide on what it says now. */
export class ScreeningCaseChangedError extends DomainError {
  constructor(caseId: string, options?: { cause?: unknown }) {
    super(
      'screening_case_changed',
      'retryable',
      `screening case ${caseId} changed while it was being decided`,
      options,
    );
    this.name = 'ScreeningCaseChangedError';
  }
}

/**
 * POST /ops/screening/{caseId}/clear|confirm (docs/screening.md): the decision, its audit record and the recipient's
 * snapshot in one transaction; then the exception is resolved and, on a clear, the holds are told.
 */
export async function decideScreening(deps: ScreeningDeps, input: ScreeningDecisionInput): Promise<ScreeningCase> {
  const current = await deps.cases.getCase(input.caseId);
  if (current === undefined) throw new ScreeningCaseNotFoundError(input.caseId);
  const recipient = await deps.cases.getRecipient(current.tenantId, current.recipientId);
  if (recipient === undefined) throw new ScreeningCaseNotFoundError(input.caseId);
  const at = new Date(deps.nowMs()).toISOString();
  const { next, action } = decideScreeningCase(current, input.kind, input.operator.subject, at, input.note);
  const entry: AuditEntry = {
    at,
    actor: { type: 'operator', id: input.operator.subject, role: input.operator.role, tenant: null },
    action,
    subject: { type: 'screening_case', id: current.caseId },
    tenant_id: current.tenantId,
    request_id: input.requestId,
    outcome: 'applied',
    details: {
      recipient_id: current.recipientId,
      score: current.score,
      note: input.note,
      from: current.state,
      to: next.state,
    },
  };
  try {
    await deps.cases.decide(recipient, current, next, snapshotOfCase(next, at), entry);
  } catch (error) {
    if (error instanceof ScreeningSnapshotChangedError)
      throw new ScreeningCaseChangedError(current.caseId, { cause: error });
    throw error;
  }
  if (next.state === 'cleared' || next.state === 'confirmed') await afterDecision(deps, next, input, at);
  return next;
}

async function afterDecision(deps: ScreeningDeps, decided: ScreeningCase, input: ScreeningDecisionInput, at: string) {
  await deps.exceptions.resolve({
    exceptionId: decided.exceptionId,
    note: `screening case ${decided.state}: ${input.note}`,
    actor: { kind: 'operator', id: input.operator.subject, role: input.operator.role },
    requestId: input.requestId,
    now: at,
  });
  // A confirmed match keeps its holds: the recipient is blocked for good (the holds read `confirmed_match`).
  if (decided.state === 'cleared') {
    await deps.holds.screeningCleared(
      decided.tenantId,
      decided.recipientId,
      decided.caseId,
      input.operator.subject,
      at,
    );
  }
}
