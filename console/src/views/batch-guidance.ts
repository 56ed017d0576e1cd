// What a batch's failures mean at 3 a.m.: per failure source, who owns it and what to do next.
// The owners are the server's (functions/domain/exceptions.ts); the words are the console's.
import type { BatchGroupSummary } from '../batch-contract';

const SOURCE_LABELS: Record<string, string> = {
  recipient: 'Recipient details',
  provider: 'Provider',
  compliance: 'Compliance',
  platform: 'Our platform',
};

const SOURCE_ADVICE: Record<string, (tenantId: string) => string> = {
  recipient: (tenant) =>
    `The recipients' details are wrong (an IBAN, an account number): only tenant ${tenant} can correct them. ` +
    'Tell them which items (the list below); they resubmit the corrected items in a new batch.',
  provider: (tenant) =>
    'The provider refused or failed these items: check the provider status and incidents first. Once it ' +
    `recovers, tenant ${tenant}'s batch operator retries the batch (only retryable items move).`,
  compliance: () => 'A compliance check stopped these items: compliance reviews each hold before anything moves.',
  platform: (tenant) =>
    'Our platform failed these items: on-call investigates (logs by request id, the DLQ view). When fixed, ' +
    `tenant ${tenant}'s batch operator retries the batch.`,
};

export const sourceLabel = (source: string): string => SOURCE_LABELS[source] ?? (source || 'Unknown source');

export function sourceAdvice(source: string, tenantId: string): string {
  return SOURCE_ADVICE[source]?.(tenantId) ?? 'Unknown failure source: read the items and the evidence.';
}

/** One sentence: how many items failed, from where, owned by whom. Empty when nothing is open. */
export function failureHeadline(groups: readonly BatchGroupSummary[], itemCount: number): string {
  const open = groups.filter((g) => g.state !== 'resolved' && g.itemCount > 0);
  if (open.length === 0) return '';
  const failed = open.reduce((sum, g) => sum + g.itemCount, 0);
  const parts = open.map((g) => `${g.itemCount} ${sourceLabel(g.failureSource).toLowerCase()} (owner: ${g.owner})`);
  return `${failed} of ${itemCount} items failed: ${parts.join(', ')}.`;
}
