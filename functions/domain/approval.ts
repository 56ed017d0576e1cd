import * as z from 'zod';
import { CURRENCY_EXPONENTS, type CurrencyCode } from './money';

/**
 * Four-eyes approval of large payouts (issue 10). Each tenant has a policy: per currency, an amount
 * in minor units at or above which a payout is created `requires_approval` and is not submitted
 * until a second principal of the tenant approves it. Pure: the policies come from config
 * (config/approval-policy.json through an adapter), the clock is passed in.
 *
 * Ledger: nothing is posted while a payout awaits approval (ledger.ts books `new → requires_approval`
 * as no postings, and `requires_approval → canceled` likewise). No reservation is booked either:
 * `available` is not a funded balance this platform checks (treasury books funding, and the account
 * may go negative as it is paid out), so a reservation would hold a number nothing reads, and every
 * way out of the approval (reject, expire, cancel) would need a release to get right. Approval
 * submits, and submission is the first posting (available → in_transit).
 */

/** An approval left open this long is canceled by the sweeper, with a tenant-owned exception. */
export const APPROVAL_EXPIRES_AFTER_SECONDS = 72 * 3_600;

/** Who acted, as the token said: the app client, and the subject (equal for client credentials). */
export interface PrincipalRef {
  readonly clientId: string;
  readonly subject: string;
}

/** Four eyes: the same client or the same subject is the same principal. */
export function samePrincipal(a: PrincipalRef, b: PrincipalRef): boolean {
  return a.clientId === b.clientId || a.subject === b.subject;
}

export type ApprovalDecision =
  | { readonly kind: 'approved'; readonly by: PrincipalRef; readonly at: string; readonly note?: string }
  | { readonly kind: 'rejected'; readonly by: PrincipalRef; readonly at: string; readonly reason: string }
  /** Nobody decided within APPROVAL_EXPIRES_AFTER_SECONDS: the sweeper canceled it. */
  | { readonly kind: 'expired'; readonly at: string };

/** The approval a payout was created with; stored on the payout item. */
export interface PayoutApproval {
  /** The policy's threshold that the amount met; null when the policy names none for the currency. */
  readonly thresholdMinor: number | null;
  readonly expiresAt: string;
  readonly decision?: ApprovalDecision;
}

// Built on the first parse, not at import: a schema built at module level is code esbuild must
// keep, and it pulled all of zod (96 KB) into bundles that import this module only for its rules
// (sweep, payout views). Only create-payout parses the file.
function buildApprovalPoliciesSchema() {
  const thresholdsSchema = z
    .partialRecord(
      z.enum(Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]]),
      z.number().int().positive(),
    )
    .describe('Per currency: the amount in minor units at or above which a payout needs approval');
  return z
    .object({
      version: z.literal(1),
      source: z.string().min(1),
      default: z.object({ thresholds_minor: thresholdsSchema }).strict(),
      tenants: z.record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]{1,62}$/),
        z.object({ thresholds_minor: thresholdsSchema }).strict(),
      ),
    })
    .strict();
}
let approvalPoliciesSchema: ReturnType<typeof buildApprovalPoliciesSchema> | undefined;
export type ApprovalPoliciesFile = z.infer<ReturnType<typeof buildApprovalPoliciesSchema>>;

export interface ApprovalPolicy {
  readonly thresholdsMinor: Readonly<Partial<Record<CurrencyCode, number>>>;
}

export interface ApprovalPolicies {
  readonly default: ApprovalPolicy;
  readonly tenants: Readonly<Record<string, ApprovalPolicy>>;
}

/** A malformed policy file is a deployment bug: it throws, and the first request fails loudly. */
export function parseApprovalPolicies(raw: unknown): ApprovalPolicies {
  approvalPoliciesSchema ??= buildApprovalPoliciesSchema();
  const file = approvalPoliciesSchema.parse(raw);
  return {
    default: { thresholdsMinor: file.default.thresholds_minor },
    tenants: Object.fromEntries(
      Object.entries(file.tenants).map(([tenant, policy]) => [tenant, { thresholdsMinor: policy.thresholds_minor }]),
    ),
  };
}

/** The tenant's thresholds over the defaults, currency by currency. */
export function policyFor(policies: ApprovalPolicies, tenantId: string): ApprovalPolicy {
  const own = policies.tenants[tenantId];
  return own === undefined
    ? policies.default
    : { thresholdsMinor: { ...policies.default.thresholdsMinor, ...own.thresholdsMinor } };
}

export type ApprovalRequirement =
  { readonly required: false } | { readonly required: true; readonly thresholdMinor: number | null };

/**
 * At or above the threshold → required. A currency the policy names no threshold for is required
 * too (fail closed): a new corridor must not open a path around four eyes because nobody wrote a
 * number for it (test/unit/domain/approval.test.ts holds every enabled corridor's currency named).
 */
export function approvalRequirement(
  policy: ApprovalPolicy,
  currency: CurrencyCode,
  amountMinor: number,
): ApprovalRequirement {
  const threshold = policy.thresholdsMinor[currency];
  if (threshold === undefined) return { required: true, thresholdMinor: null };
  return amountMinor >= threshold ? { required: true, thresholdMinor: threshold } : { required: false };
}

export function approvalExpiresAt(createdAtIso: string): string {
  return new Date(Date.parse(createdAtIso) + APPROVAL_EXPIRES_AFTER_SECONDS * 1_000).toISOString();
}

/** Why an approver's decision is refused; nothing is written for any of them. */
export type ApprovalRefusal = 'invalid_transition' | 'self_approval_forbidden' | 'approval_expired';

/**
 * The refusals of an approve or reject, in their order of precedence: the payout must await
 * approval (409 invalid_transition), the decider must not be its creator (403 — an unrecorded
 * creator is refused too: four eyes that cannot be proven are not four eyes), and the approval must
 * still be open (409 approval_expired: the sweeper may not have canceled it yet).
 */
export function approvalRefusal(
  payout: { readonly status: string; readonly approval?: PayoutApproval; readonly createdBy?: PrincipalRef },
  decider: PrincipalRef,
  nowIso: string,
): ApprovalRefusal | undefined {
  if (payout.status !== 'requires_approval' || payout.approval === undefined) return 'invalid_transition';
  if (payout.createdBy === undefined || samePrincipal(payout.createdBy, decider)) return 'self_approval_forbidden';
  if (nowIso >= payout.approval.expiresAt) return 'approval_expired';
  return undefined;
}

/** What GET /payouts/{id} shows of the approval. */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired';

export function approvalStateOf(approval: PayoutApproval): ApprovalState {
  return approval.decision === undefined ? 'pending' : approval.decision.kind;
}
