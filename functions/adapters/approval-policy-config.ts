import raw from '../../config/approval-policy.json';
import { parseApprovalPolicies, type ApprovalPolicies } from '../domain/approval';

/**
 * The tenants' approval policies (config/approval-policy.json: the defaults and any tenant's own
 * thresholds), bundled into create-payout the way the corridor matrix is, so the twin and AWS read
 * the same file; validated once per cold start, so a malformed file fails the first create loudly.
 */
let policies: ApprovalPolicies | undefined;

export function approvalPolicies(): ApprovalPolicies {
  policies ??= parseApprovalPolicies(raw);
  return policies;
}
