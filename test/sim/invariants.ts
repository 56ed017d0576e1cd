import { EXCEPTION_OWNERS, exceptionIdFor, isActive } from '../../functions/domain/exceptions';
import {
  isAwaitingProvider,
  isTerminal,
  isTransitionAllowed,
  type PayoutStatus,
} from '../../functions/domain/lifecycle';
import { EMPTY_CHAIN, headAfter, type AuditRecord } from '../../functions/domain/audit';
import { verifyChain } from '../../functions/domain/audit-verify';
import type { SandboxPayoutState } from '../../functions/domain/provider-status';
import { assertNever } from '../../functions/domain/assert-never';
import { approvalPolicies } from '../../functions/adapters/approval-policy-config';
import { approvalRequirement, policyFor, samePrincipal } from '../../functions/domain/approval';
import type { Payout } from '../../functions/domain/payout';
import { balanceKey } from './memory/payouts';
import { batchItemPaidTwice, failedBatchItemsUngrouped } from './batch-invariant';
import type { World } from './world';

/**
 * The invariant table. `always` invariants are checked after every step, faults and all; `quiet`
 * ones once the system is quiet (faults off, queues drained, webhooks delivered, sweeps run,
 * reconciliation done). Each returns the violations it found, one line each. A new control
 * (approvals, corrections, an audit trail) adds its promise as one more row.
 */
export interface Invariant {
  readonly name: string;
  readonly when: 'always' | 'quiet';
  check(world: World): string[];
}

const webhookKey = (provider: string, eventId: string) => `${provider}#${eventId}`;

/** Timeline entries provider events left, across all payouts, by event id (ids are unique across senders). */
function webhookEntries(world: World) {
  const byEvent = new Map<string, Array<{ payoutId: string; outcome: string }>>();
  for (const [payoutId, entries] of world.payouts.timeline) {
    for (const entry of entries) {
      if (entry.source !== 'provider_webhook') continue;
      const list = byEvent.get(entry.sourceRef);
      if (list === undefined) byEvent.set(entry.sourceRef, [{ payoutId, outcome: entry.outcome }]);
      else list.push({ payoutId, outcome: entry.outcome });
    }
  }
  return byEvent;
}

/** Dedup records by event id. */
function dedupByEvent(world: World) {
  return new Map([...world.payouts.dedup].map(([key, record]) => [key.slice(key.indexOf('#') + 1), { key, record }]));
}

/** Our status for a provider state (the lifecycle's mapping of the sandbox's states). */
function statusOfProviderState(state: SandboxPayoutState): PayoutStatus {
  switch (state) {
    case 'accepted':
      return 'accepted';
    case 'in_transit':
      return 'pending';
    case 'paid':
      return 'paid';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'returned':
      return 'reversed';
    default:
      return assertNever(state, 'sandbox state');
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Four eyes, judged from config/approval-policy.json itself (not from what the payout recorded):
 * a payout at or over its tenant's threshold needs an applied approval by a principal other than
 * its creator — on the payout and in its timeline — before the provider may hold it.
 */
function fourEyesViolation(world: World, payout: Payout): string | undefined {
  const policy = policyFor(approvalPolicies(), payout.tenantId);
  if (!approvalRequirement(policy, payout.currency, payout.amountMinor).required) return undefined;
  const what = `payout ${payout.payoutId} (${payout.amountMinor} ${payout.currency}, over its four-eyes threshold)`;
  const timeline = world.payouts.timeline.get(payout.payoutId) ?? [];
  const creator = timeline.find((e) => e.event === 'created')?.actor?.id;
  const approved = timeline.find((e) => e.event === 'approved' && e.outcome === 'applied');
  if (approved === undefined) return `${what} reached the provider without an applied approval`;
  if (approved.actor?.id === undefined || approved.actor.id === creator)
    return `${what} was approved by its creator ${creator}`;
  const decision = payout.approval?.decision;
  if (decision?.kind !== 'approved' || payout.createdBy === undefined || samePrincipal(decision.by, payout.createdBy))
    return `${what} holds no approval by another principal (${JSON.stringify(decision ?? null)})`;
  return undefined;
}

const activeExceptionOn = (world: World, payoutId: string) =>
  [...world.exceptions.exceptions.values()].some((e) => e.payoutId === payoutId && isActive(e.state));

export const INVARIANTS: readonly Invariant[] = [
  {
    name: 'one-payout-per-key',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      const byKey = new Map<string, string[]>();
      for (const p of world.payouts.payouts.values()) push(byKey, `${p.tenantId}/${p.idempotencyKey}`, p.payoutId);
      for (const [key, ids] of byKey)
        if (ids.length > 1) found.push(`(tenant, key) ${key} has ${ids.length} payouts: ${ids.join(', ')}`);
      const answered = new Map<string, Set<string>>();
      for (const c of world.clients) {
        if (c.payoutIds.length === 0) continue;
        const key = `${c.tenantId}/${c.idempotencyKey}`;
        const ids = answered.get(key) ?? new Set<string>();
        for (const id of c.payoutIds) ids.add(id);
        answered.set(key, ids);
      }
      for (const [key, ids] of answered)
        if (ids.size > 1)
          found.push(`(tenant, key) ${key} was answered with ${ids.size} payouts: ${[...ids].join(', ')}`);
      return found;
    },
  },
  {
    name: 'one-provider-payout-per-payout',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      const byKey = new Map<string, string[]>();
      for (const pp of world.provider.payouts.values()) {
        const ours = world.payouts.payouts.get(pp.payoutId);
        if (ours === undefined) {
          found.push(`the provider holds ${pp.reference} for payout ${pp.payoutId}, which we do not have`);
          continue;
        }
        const key = `${ours.tenantId}/${ours.idempotencyKey}`;
        push(byKey, key, pp.reference);
        if (ours.providerReference !== undefined && ours.providerReference !== pp.reference)
          found.push(`payout ${pp.payoutId} records reference ${ours.providerReference}, the provider ${pp.reference}`);
      }
      for (const [key, refs] of byKey)
        if (refs.length > 1)
          found.push(`(tenant, key) ${key} was submitted to the provider ${refs.length} times: ${refs.join(', ')}`);
      return found;
    },
  },
  // Issue 13 (batch-invariant.ts): one payout per batch item identity, one provider payout of it.
  { name: 'batch-item-paid-once', when: 'always', check: batchItemPaidTwice },
  { name: 'failed-batch-items-grouped', when: 'quiet', check: failedBatchItemsUngrouped },
  {
    name: 'four-eyes-before-provider',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      for (const atProvider of world.provider.payouts.values()) {
        const ours = world.payouts.payouts.get(atProvider.payoutId);
        const violation = ours === undefined ? undefined : fourEyesViolation(world, ours);
        if (violation !== undefined) found.push(violation);
      }
      return found;
    },
  },
  {
    // submit-one's skip rule, watched at the provider: a payout canceled, awaiting approval or past
    // submission when the submitter read it is never sent. (A cancel that lands after the read is
    // the submitter's race to undo: it asks the provider to cancel, and the quiet check below holds
    // the provider's state to ours.)
    name: 'submitted-when-read',
    when: 'always',
    check: (world) => world.submissionsNotSubmitted.splice(0),
  },
  {
    // Issue 15: every gate is a hold, and no payout reaches a provider with one open — checked as the
    // provider is asked, so a hold placed between the submitter's read and its call counts.
    name: 'no-provider-call-with-open-hold',
    when: 'always',
    check: (world) => world.submissionsWhileHeld.splice(0),
  },
  {
    name: 'ledger-balances-to-zero',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      const sums = new Map<string, number>();
      for (const [key, balance] of world.payouts.balances)
        sums.set(key.split('#')[0]!, (sums.get(key.split('#')[0]!) ?? 0) + balance);
      for (const [currency, sum] of sums) if (sum !== 0) found.push(`balances in ${currency} sum to ${sum}`);
      // The journal only grows (one entry per payout version, never rewritten): sum the new entries.
      const { journalSums } = world;
      const fromJournal = journalSums.byKey;
      let index = 0;
      for (const e of world.payouts.journal.values()) {
        if (index++ < journalSums.entries) continue;
        for (const p of e.postings) {
          fromJournal.set(
            balanceKey(e.currency, e.tenantId, p.from),
            (fromJournal.get(balanceKey(e.currency, e.tenantId, p.from)) ?? 0) - p.amountMinor,
          );
          fromJournal.set(
            balanceKey(e.currency, e.tenantId, p.to),
            (fromJournal.get(balanceKey(e.currency, e.tenantId, p.to)) ?? 0) + p.amountMinor,
          );
        }
      }
      journalSums.entries = index;
      for (const key of new Set([...fromJournal.keys(), ...world.payouts.balances.keys()])) {
        if ((fromJournal.get(key) ?? 0) !== (world.payouts.balances.get(key) ?? 0))
          found.push(
            `balance ${key} is ${world.payouts.balances.get(key) ?? 0}, its journal says ${fromJournal.get(key) ?? 0}`,
          );
      }
      return found;
    },
  },
  {
    name: 'ledger-follows-status',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      const positions = new Map<string, Record<string, number>>();
      for (const e of world.payouts.journal.values()) {
        const position = positions.get(e.payoutId) ?? { available: 0, in_transit: 0, settled: 0, fees: 0 };
        for (const p of e.postings) {
          position[p.from]! -= p.amountMinor;
          position[p.to]! += p.amountMinor;
        }
        positions.set(e.payoutId, position);
      }
      for (const p of world.payouts.payouts.values()) {
        const position = positions.get(p.payoutId) ?? { available: 0, in_transit: 0, settled: 0, fees: 0 };
        const inTransit = isAwaitingProvider(p.status) ? p.amountMinor : 0;
        const settled = p.status === 'paid' ? p.amountMinor : 0;
        if (position['in_transit'] !== inTransit || position['settled'] !== settled || position['fees']! < 0) {
          found.push(
            `payout ${p.payoutId} is ${p.status} (${p.amountMinor}) but its journal holds in_transit ${position['in_transit']}, settled ${position['settled']}, fees ${position['fees']}`,
          );
        }
      }
      return found;
    },
  },
  {
    name: 'lifecycle-forward-only',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      for (const p of world.payouts.payouts.values()) {
        let status: PayoutStatus | undefined;
        let applied = 0;
        for (const entry of world.payouts.timeline.get(p.payoutId) ?? []) {
          if (entry.event === 'created') {
            status = entry.to;
            continue;
          }
          if (entry.outcome !== 'applied') continue;
          applied += 1;
          if (entry.from !== status)
            found.push(
              `payout ${p.payoutId}: ${entry.event} applied from ${entry.from}, but it was ${status} (a lost update)`,
            );
          else if (!isTransitionAllowed(entry.from!, entry.to!))
            found.push(`payout ${p.payoutId}: forbidden move ${entry.from} → ${entry.to}`);
          status = entry.to;
        }
        if (status !== p.status) found.push(`payout ${p.payoutId} is ${p.status}, its timeline ends at ${status}`);
        if (p.version !== applied + 1)
          found.push(`payout ${p.payoutId} is at version ${p.version} after ${applied} transitions`);
      }
      return found;
    },
  },
  {
    // Independent of the lifecycle table: a table that let a terminal payout move would pass the
    // check above, and a store that overwrote a status without a timeline entry would too.
    name: 'terminal-payout-never-moves',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      for (const p of world.payouts.payouts.values()) {
        const seen = world.terminalSeen.get(p.payoutId);
        if (seen !== undefined && (seen.status !== p.status || seen.version !== p.version))
          found.push(
            `payout ${p.payoutId} was ${seen.status} (terminal, v${seen.version}), now ${p.status} v${p.version}`,
          );
        if (seen === undefined && isTerminal(p.status))
          world.terminalSeen.set(p.payoutId, { status: p.status, version: p.version });
        for (const entry of world.payouts.timeline.get(p.payoutId) ?? [])
          if (entry.outcome === 'applied' && entry.from !== undefined && isTerminal(entry.from))
            found.push(`payout ${p.payoutId}: ${entry.event} moved it out of ${entry.from} (terminal) to ${entry.to}`);
      }
      return found;
    },
  },
  {
    // docs/audit.md: a change and its record commit together. Each payout's applied and forbidden
    // timeline entries (and a tenant action's stale one) are its chain's records, in order; each exception write is one record (its
    // version counts them); every chain verifies with the real verifier, checked incrementally.
    name: 'every-change-audited',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      for (const p of world.payouts.payouts.values()) {
        const timeline = world.payouts.timeline.get(p.payoutId) ?? [];
        const records = world.audit.chainOf(`payout:${p.payoutId}`);
        const lengths = `${timeline.length}/${records.length}`;
        if (world.auditAgreed.get(p.payoutId) === lengths) continue;
        const before = found.length;
        // A stale entry is audited only when it is a caller's own action (api: it carried an action key).
        const audited = timeline.filter((e) => e.outcome !== 'stale' || e.source === 'api');
        if (records.length !== audited.length)
          found.push(`payout ${p.payoutId}: ${audited.length} audited changes, ${records.length} audit records`);
        for (const [i, entry] of audited.entries()) {
          const record = records[i];
          if (record === undefined) break;
          if (record.action !== `payout.${entry.event}` || record.outcome !== entry.outcome)
            found.push(
              `payout ${p.payoutId}: change ${i + 1} is ${entry.event}/${entry.outcome}, its record says ${record.action}/${record.outcome}`,
            );
        }
        if (found.length === before) world.auditAgreed.set(p.payoutId, lengths);
      }
      for (const e of world.exceptions.exceptions.values()) {
        const records = world.audit.chainOf(`exception:${e.exceptionId}`);
        if (records.length !== e.version)
          found.push(`exception ${e.exceptionId} is at version ${e.version} with ${records.length} audit records`);
      }
      for (const [chain, records] of world.audit.chains) {
        const from = world.auditVerified.get(chain) ?? 0;
        if (from === records.length) continue;
        const before: AuditRecord | undefined = records[from - 1];
        const verdict = verifyChain(records.slice(from), {
          chain,
          after: before === undefined ? EMPTY_CHAIN : headAfter(before),
        });
        if (!verdict.ok) found.push(`audit chain ${chain} breaks: ${verdict.break.reason}: ${verdict.break.message}`);
        else world.auditVerified.set(chain, records.length);
      }
      return found;
    },
  },
  {
    name: 'hostile-events-move-nothing',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      for (const entries of world.payouts.timeline.values()) {
        for (const e of entries)
          if (world.hostile.has(e.sourceRef))
            found.push(`hostile event ${e.sourceRef} left a ${e.outcome} ${e.event} on payout ${e.payoutId}`);
      }
      for (const [key] of world.payouts.dedup)
        if (world.hostile.has(key.slice(key.indexOf('#') + 1))) found.push(`hostile event ${key} left a dedup record`);
      return found;
    },
  },
  {
    name: 'webhook-applied-at-most-once',
    when: 'always',
    check: (world) => {
      const found: string[] = [];
      const entries = webhookEntries(world);
      const dedup = dedupByEvent(world);
      for (const [eventId, list] of entries) {
        const recorded = list.filter((e) => e.outcome !== 'forbidden');
        if (recorded.length > 1)
          found.push(
            `event ${eventId} was recorded ${recorded.length} times (${recorded.map((e) => e.outcome).join(', ')})`,
          );
        if (recorded.length === 1 && !dedup.has(eventId))
          found.push(`event ${eventId} was recorded (${recorded[0]!.outcome}) without its dedup record`);
      }
      for (const [eventId, { key, record }] of dedup) {
        if ((entries.get(eventId) ?? []).filter((e) => e.outcome !== 'forbidden').length === 0)
          found.push(`dedup record ${key} (${record.outcome}) without its timeline entry`);
      }
      return found;
    },
  },
  {
    name: 'operations-saw-nothing-wrong',
    when: 'always',
    check: (world) => world.violations.splice(0),
  },
  {
    name: 'acknowledged-webhooks-accounted-for',
    when: 'quiet',
    check: (world) => {
      const found: string[] = [];
      const entries = webhookEntries(world);
      const exceptionFor = (exceptionId: string) => world.exceptions.exceptions.get(exceptionId);
      // The payout a subject names is not part of these keys (exceptionDedupKey): any will do.
      const forbiddenId = (provider: string, providerEventId: string) =>
        exceptionIdFor({ category: 'forbidden_transition', provider, providerEventId, payoutId: '' });
      const ownershipId = (provider: string, providerEventId: string) =>
        exceptionIdFor({
          category: 'event_ownership_mismatch',
          provider,
          payoutId: '',
          via: { kind: 'webhook', providerEventId },
        });
      const deadLetterId = (provider: string, providerEventId: string) =>
        exceptionIdFor({ category: 'webhook_dead_lettered', message: { kind: 'event', provider, providerEventId } });
      const inDlq = (eventId: string) =>
        world.webhookDlq.messages.some((m) => m.body.includes(`"provider_event_id":"${eventId}"`));
      for (const delivery of world.provider.outbox) {
        if (!delivery.acked) continue;
        const key = webhookKey(delivery.sender, delivery.eventId);
        const stored = world.inbox.events.get(key);
        if (stored === undefined) {
          found.push(`acknowledged event ${key} is not in the inbox (lost)`);
          continue;
        }
        const recorded = (entries.get(delivery.eventId) ?? []).filter((e) => e.outcome !== 'forbidden').length;
        const forbidden =
          (entries.get(delivery.eventId) ?? []).some((e) => e.outcome === 'forbidden') &&
          exceptionFor(forbiddenId(delivery.sender, delivery.eventId)) !== undefined;
        const refused = exceptionFor(ownershipId(delivery.sender, delivery.eventId)) !== undefined;
        const deadLettered =
          inDlq(delivery.eventId) || exceptionFor(deadLetterId(delivery.sender, delivery.eventId)) !== undefined;
        if (delivery.hostile !== undefined) {
          if (!refused && !deadLettered)
            found.push(`hostile event ${key} (${delivery.hostile}) was acknowledged but opened no ownership exception`);
        } else if (recorded !== 1 && !forbidden && !deadLettered && stored.outcome !== 'ignored') {
          found.push(
            `acknowledged event ${key} was applied ${recorded} times, with no exception or DLQ message for it`,
          );
        }
      }
      return found;
    },
  },
  {
    name: 'failures-are-owned-exceptions',
    when: 'quiet',
    check: (world) => {
      const found: string[] = [];
      for (const e of world.exceptions.exceptions.values()) {
        if (!(EXCEPTION_OWNERS as readonly string[]).includes(e.owner) || e.slaDueAt === '')
          found.push(`exception ${e.exceptionId} (${e.category}) has no valid owner or SLA`);
      }
      for (const queue of [world.webhookDlq, world.submissionDlq]) {
        for (const m of queue.messages) {
          const covered = [...world.exceptions.exceptions.values()].some(
            (e) =>
              e.evidence['message_id'] === m.messageId ||
              (e.category === 'webhook_dead_lettered' &&
                m.body.includes(`"${String(e.evidence['provider_event_id'])}"`)),
          );
          if (!covered) found.push(`${queue.name} message ${m.messageId} has no exception`);
        }
      }
      return found;
    },
  },
  {
    name: 'final-state-matches-provider',
    when: 'quiet',
    check: (world) => {
      const found: string[] = [];
      for (const p of world.payouts.payouts.values()) {
        const atProvider = world.provider.payouts.get(p.payoutId);
        if (atProvider === undefined) {
          // Canceled before any submission: rejected, expired, or the tenant's cancel.
          if (p.status === 'canceled') continue;
          if (!activeExceptionOn(world, p.payoutId))
            found.push(`payout ${p.payoutId} (${p.status}) never reached the provider and no exception says so`);
          continue;
        }
        const expected = statusOfProviderState(atProvider.status);
        if (p.status !== expected && !activeExceptionOn(world, p.payoutId))
          found.push(
            `payout ${p.payoutId} is ${p.status}, the provider says ${atProvider.status}, and no exception is open on it`,
          );
      }
      return found;
    },
  },
  {
    name: 'reconciliation-ran-clean',
    when: 'quiet',
    check: (world) =>
      world.runs
        .filter((r) => r.state !== 'succeeded')
        .map((r) => `reconciliation of ${r.date} ended ${r.state}: ${r.error?.message ?? ''}`),
  },
];
