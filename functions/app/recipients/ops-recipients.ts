import { complianceOf } from '../../adapters/recipients/compliance-source';
import { RecipientVersionConflictError } from '../../adapters/recipients/recipients-repository';
import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import type { AuditAction, AuditEntry, AuditOutcome } from '../../domain/audit';
import { onboardingTransition } from '../../domain/compliance/onboarding';
import { parseJsonBody } from '../../http/body';
import type { ApiEvent } from '../../http/http-handler';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { complianceRecipientView } from '../../http/ops-recipient-view';
import {
  onboardingDecisionBodySchema,
  opsRecipientQuerySchema,
  type OnboardingDecision,
} from '../../http/recipient-requests';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { requestErrorOf } from '../../http/request-errors';
import { json, type HttpResult } from '../../http/response';
import { RECIPIENT_ROUTES, recipientRouteKey, type RecipientRoute } from '../../shared/recipient-routes';
import { notFound } from '../../http/api-error';
import { recordRead } from '../audit/audited-read';
import { deciderIsCreator, onboardingRefused, recipientChanged, recipientNotFound } from './recipient-errors';
import { isoNow, todayOf, type OpsRecipientsDeps } from './recipients-deps';
import { recipientIdOf, viewOf } from './recipient-reads';

/**
 * The compliance routes (compliance:review, an operator's token):
 *   GET  /ops/recipients/{recipientId}?tenant_id=   the one view with account numbers and TINs in clear;
 *        recorded in the audit trail (`recipient.read`, or `not_found`) before it is answered
 *   POST /ops/recipients/{recipientId}/onboarding   verify | reject | reopen, with a reason; the move and
 *        its audit record in one transaction; never by the principal that created the recipient
 * A recipient id is per tenant (its key names the tenant), so the operator names the tenant too.
 */
const DECISION_ACTIONS: Record<OnboardingDecision['decision'], AuditAction> = {
  verify: 'recipient.verified',
  reject: 'recipient.rejected',
  reopen: 'recipient.reopened',
};

const OPS_ROUTES = new Map<string, RecipientRoute>(
  RECIPIENT_ROUTES.filter((route) => route.principal === 'operator').map((route) => [recipientRouteKey(route), route]),
);

export async function opsRecipientsApi(
  deps: OpsRecipientsDeps,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  const route = OPS_ROUTES.get(event.routeKey);
  if (route === undefined) throw notFound(`route ${event.routeKey}`);
  // API Gateway enforced the scope; checked again so a mis-wired route cannot widen access.
  const operator = operatorOf(event);
  requireScope(operator, route.scope);
  const recipientId = recipientIdOf(event);
  if (route.name === 'ops_get') {
    const query = parseQuery(opsRecipientQuerySchema, event.queryStringParameters);
    return json(200, await complianceRead(deps, operator, query.tenant_id, recipientId, requestId), requestId);
  }
  parseQuery(noQuerySchema, event.queryStringParameters);
  const raw = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX });
  const parsed = onboardingDecisionBodySchema.safeParse(raw);
  if (!parsed.success) throw requestErrorOf(parsed.error.issues, raw, { kind: 'body' });
  return json(200, await decide(deps, operator, { recipientId, requestId, ...parsed.data }), requestId);
}

async function complianceRead(
  deps: OpsRecipientsDeps,
  operator: Operator,
  tenant: string,
  recipientId: string,
  requestId: string,
) {
  const item = await deps.recipients.get(tenant, recipientId);
  const entry = auditEntry(deps, operator, { tenant, recipientId, requestId }, 'recipient.read');
  if (item === undefined) {
    await recordRead(deps.audit, { ...entry, outcome: 'not_found' });
    throw recipientNotFound();
  }
  // Opened before the record is written, so a key that will not open is a 5xx with nothing audited as read.
  const destinations = await deps.recipients.openDestinations(item);
  const forms = await deps.recipients.taxForms(tenant, recipientId);
  const taxForms = await Promise.all(forms.map(async (form) => ({ form, tin: await deps.recipients.openTin(form) })));
  await recordRead(deps.audit, { ...entry, details: { tax_forms: forms.length } });
  return complianceRecipientView({
    tenantId: tenant,
    view: viewOf(deps, item),
    destinations,
    taxForms,
    screening: item.screening ?? { state: 'unscreened' },
    ...(item.createdBy === undefined ? {} : { createdBy: item.createdBy }),
    ...(item.onboardingDecidedBy === undefined ? {} : { onboardingDecidedBy: item.onboardingDecidedBy }),
  });
}

async function decide(
  deps: OpsRecipientsDeps,
  operator: Operator,
  call: OnboardingDecision & { recipientId: string; requestId: string },
) {
  const item = await deps.recipients.get(call.tenant_id, call.recipientId);
  if (item === undefined) throw recipientNotFound();
  if (item.createdBy !== undefined && item.createdBy === operator.subject) throw deciderIsCreator();
  const compliance = complianceOf(item, deps.corridors, todayOf(deps));
  const requirements = compliance.onboarding.requirements;
  const outcome = onboardingTransition(item.onboarding.state, call.decision);
  if (outcome.kind === 'refused')
    throw onboardingRefused(
      'onboarding_transition_refused',
      `cannot ${call.decision} a ${item.onboarding.state} recipient: ${outcome.reason}`,
    );
  // A repeated decision changes nothing and is answered as a success (the audit has the first).
  if (outcome.kind === 'unchanged') return viewOf(deps, item);
  if (call.decision === 'verify' && requirements.length > 0)
    throw onboardingRefused('requirements_missing', `cannot verify: still missing ${requirements.join(', ')}`);
  const at = isoNow(deps);
  const onboarding = { state: outcome.to, requirements };
  const entry = auditEntry(deps, operator, { tenant: call.tenant_id, ...call }, DECISION_ACTIONS[call.decision]);
  const audit = await deps.audit.prepare({
    ...entry,
    at,
    outcome: 'applied',
    details: { from: item.onboarding.state, to: outcome.to, reason: call.reason },
  });
  try {
    await deps.recipients.decideOnboarding(
      call.tenant_id,
      call.recipientId,
      item.version,
      { onboarding, at, decidedBy: operator.subject },
      audit.items,
    );
  } catch (error) {
    if (error instanceof RecipientVersionConflictError) throw recipientChanged();
    throw error;
  }
  const decided: RecipientItem = { ...item, onboarding, updatedAt: at, version: item.version + 1 };
  return viewOf(deps, { ...decided, onboardingDecidedBy: operator.subject });
}

function auditEntry(
  deps: OpsRecipientsDeps,
  operator: Operator,
  target: { tenant: string; recipientId: string; requestId: string },
  action: AuditAction,
): AuditEntry & { outcome: AuditOutcome } {
  return {
    at: isoNow(deps),
    actor: operatorAuditActor(operator),
    action,
    subject: { type: 'recipient', id: target.recipientId },
    tenant_id: target.tenant,
    request_id: target.requestId,
    outcome: 'read',
    details: {},
  };
}
