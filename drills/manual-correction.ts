// Drill: one manual correction (DESIGN §6, issue 10). A payout whose paid webhook never arrives (the
// sandbox's `pending` test IBAN: accepted → in_transit, never settles) is marked paid by operators:
// alice (ops) proposes it with a provider statement as evidence, cannot approve her own, and carol
// (compliance) approves it; it is applied in one transaction — the payout paid with source operator,
// the ledger balanced (in_transit → settled), the audit written. Then a signed provider event
// saying the payout failed arrives late: it opens a `correction_contradicted` exception and does
// not override the correction.
//
//   npm run drill -- manual-correction
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { advanceSandboxClock } from '../local/sandbox/client.js';
import { ibanFor } from '../test/support/sandbox-client.js';
import { deliverSandbox, twinNowSeconds } from './_webhooks.js';
import { connectTwin, report, runDrill } from './_twin.js';

const TENANT = 'drill';
const AMOUNT_MINOR = 31_415;
const CURRENCY = 'EUR';
const EVIDENCE = { type: 'provider_statement', reference: `stmt_${new Date().toISOString().slice(0, 10)}#drill` };
const PENDING_WAIT_MS_MAX = 60_000;
const EXCEPTION_WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
/** The sandbox moves one state every 5 s on its clock: past accepted → in_transit. */
const SANDBOX_ADVANCE_SECONDS = 15;

const log = (line: string) => console.log(`• ${line}`);

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const tokens = {
      backend: await twin.token({ tenant: TENANT, role: 'backend' }),
      alice: await twin.token({ operator: 'drill-alice', role: 'ops' }),
      carol: await twin.token({ operator: 'drill-carol', role: 'compliance' }),
      finance: await twin.token({ operator: 'drill-finance', role: 'finance' }),
    };
    const call = async (who: keyof typeof tokens, method: string, path: string, body?: unknown, key?: string) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${tokens[who]}`,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      };
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    log(
      `POST /payouts (tenant ${TENANT}): ${AMOUNT_MINOR} ${CURRENCY} minor units to the sandbox's pending IBAN — its paid webhook never comes`,
    );
    const created = await call(
      'backend',
      'POST',
      '/payouts',
      {
        amount: AMOUNT_MINOR,
        currency: CURRENCY,
        destination: { country: 'DE', method: 'sepa', iban: ibanFor('pending') },
        recipient: { name: 'Drill Recipient' },
        description: 'manual-correction drill',
      },
      `drill-${ulid()}`,
    );
    const payoutId = String(created.body['payout_id']);
    log(`  → ${created.status}, payout ${payoutId}`);
    let status = '';
    let providerReference = '';
    for (const deadline = Date.now() + PENDING_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
      await advanceSandboxClock(twin.sandboxProviderUrl, SANDBOX_ADVANCE_SECONDS).catch(() => []);
      const read = await call('backend', 'GET', `/payouts/${payoutId}`);
      status = String(read.body['status']);
      providerReference = String(read.body['provider_reference'] ?? '');
      if (status === 'pending') break;
    }
    log(`  → status ${status} (provider reference ${providerReference}); no paid webhook will follow`);

    log(
      `alice: POST /ops/payouts/${payoutId}/corrections {kind: status, target_status: paid, evidence ${EVIDENCE.reference}}`,
    );
    const proposed = await call(
      'alice',
      'POST',
      `/ops/payouts/${payoutId}/corrections`,
      {
        kind: 'status',
        target_status: 'paid',
        reason: 'The provider statement lists this payout paid; its webhook never arrived.',
        evidence: EVIDENCE,
      },
      `drill-${ulid()}`,
    );
    const correctionId = String(proposed.body['correction_id']);
    log(`  → ${proposed.status} ${proposed.body['state']} ${correctionId}`);
    const beforeApproval = (await call('alice', 'GET', `/ops/payouts?payout_id=${payoutId}`)).body['data']?.[0]?.[
      'status'
    ];

    log(`alice: POST /ops/corrections/${correctionId}/approve (her own proposal)`);
    const self = await call('alice', 'POST', `/ops/corrections/${correctionId}/approve`, {}, `drill-${ulid()}`);
    log(`  → ${self.status} ${self.body['error']?.['code']}`);
    log(`carol: POST /ops/corrections/${correctionId}/approve without an Idempotency-Key`);
    const keyless = await call('carol', 'POST', `/ops/corrections/${correctionId}/approve`, {});
    log(`  → ${keyless.status} ${keyless.body['error']?.['code']}`);

    log(`carol: POST /ops/corrections/${correctionId}/approve`);
    const approved = await call(
      'carol',
      'POST',
      `/ops/corrections/${correctionId}/approve`,
      { note: 'statement line checked' },
      `drill-${ulid()}`,
    );
    log(`  → ${approved.status} ${approved.body['state']}, approved by ${approved.body['approved_by']}`);

    const payout = (await call('alice', 'GET', `/ops/payouts?payout_id=${payoutId}`)).body['data']?.[0] ?? {};
    const timeline = ((await call('alice', 'GET', `/ops/payouts/${payoutId}/events`)).body['data'] ?? []) as Array<
      Record<string, any>
    >;
    const corrected = timeline.find((e) => e['event'] === 'status_corrected');
    log(
      `GET /ops/payouts/${payoutId}/events → ${corrected?.['event']} ${corrected?.['from']} → ${corrected?.['to']} by ${corrected?.['source']}`,
    );
    const balances = (await call('finance', 'GET', `/ledger/balances?currency=${CURRENCY}&tenant_id=${TENANT}`)).body;
    log(`GET /ledger/balances?currency=${CURRENCY}&tenant_id=${TENANT} → sum ${balances['sum']}`);
    const journal = await twin.documentClient.send(
      new QueryCommand({
        TableName: twin.tables.ledger,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `JOURNAL#${payoutId}` },
        ConsistentRead: true,
      }),
    );
    const bookings = (journal.Items ?? []).map(
      (e) =>
        `${e['event']}: ${(e['postings'] as Array<Record<string, unknown>>).map((p) => `${p['from']}→${p['to']} ${p['amountMinor']}`).join(', ')}`,
    );
    log(`journal of ${payoutId}: ${bookings.join(' | ')}`);
    // The audit trail through GET /audit (compliance holds audit:read): the payout's own chain.
    const auditOf = async () =>
      ((await call('carol', 'GET', `/audit?subject=${encodeURIComponent(`payout:${payoutId}`)}&limit=100`)).body[
        'data'
      ] ?? []) as Array<Record<string, any>>;
    const auditTrail = (await auditOf())
      .filter((a) => String(a['action']).startsWith('correction.'))
      .map((a) => `${a['action']} by ${a['actor']?.['type']} ${a['actor']?.['id']}`)
      .sort();
    log(`audit: ${auditTrail.join(', ')}`);

    const lateEventId = `msg_drill_late_${ulid()}`;
    log(`a late provider event: a signed sandbox payout.failed for ${payoutId} (${lateEventId})`);
    const late = await deliverSandbox(twin.url, lateEventId, {
      type: 'payout.failed',
      timestamp: new Date((await twinNowSeconds(twin.url)) * 1000).toISOString(),
      data: {
        payout_id: payoutId,
        provider_reference: providerReference,
        status: 'failed',
        previous_status: 'in_transit',
        amount: AMOUNT_MINOR,
        currency: CURRENCY,
        failure_code: 'account_closed',
      },
    });
    log(`  → intake ${late.status}`);
    let exceptions: Array<Record<string, any>> = [];
    for (
      const deadline = Date.now() + EXCEPTION_WAIT_MS_MAX;
      Date.now() < deadline && exceptions.length === 0;
      await sleep(POLL_MS)
    ) {
      const listed = await call('alice', 'GET', '/exceptions?category=correction_contradicted&limit=200');
      exceptions = ((listed.body['data'] ?? []) as Array<Record<string, any>>).filter(
        (e) => e['payout_id'] === payoutId,
      );
    }
    log(
      `GET /exceptions?category=correction_contradicted → ${exceptions.length} for ${payoutId}, owner ${exceptions[0]?.['owner']}`,
    );
    const afterLate = (await call('alice', 'GET', `/ops/payouts?payout_id=${payoutId}`)).body['data']?.[0] ?? {};
    const lateEntry = (
      (await call('alice', 'GET', `/ops/payouts/${payoutId}/events`)).body['data'] as Array<Record<string, any>>
    ).find((e) => e['source_ref'] === lateEventId);
    const lateAudit = (await auditOf()).find((a) => a['details']?.['source_ref'] === lateEventId);
    log(
      `audit of the late event: ${lateAudit?.['action']} ${lateAudit?.['outcome']} (correction ${lateAudit?.['details']?.['correction_id']})`,
    );

    return report([
      {
        what: 'payout created, its webhook stops at pending',
        expected: [201, 'pending'],
        saw: [created.status, status],
      },
      {
        what: 'alice proposed "paid" with evidence; nothing moved yet',
        expected: [201, 'proposed', EVIDENCE.reference, 'pending'],
        saw: [proposed.status, proposed.body['state'], proposed.body['evidence']?.['reference'], beforeApproval],
      },
      {
        what: 'alice cannot approve her own proposal',
        expected: [403, 'self_approval_forbidden'],
        saw: [self.status, self.body['error']?.['code']],
      },
      {
        what: 'an approval without an Idempotency-Key is refused',
        expected: [400, 'idempotency_key_missing'],
        saw: [keyless.status, keyless.body['error']?.['code']],
      },
      {
        what: 'carol (a second operator) approved: applied',
        expected: [200, 'applied', 'drill-carol'],
        saw: [approved.status, approved.body['state'], approved.body['approved_by']],
      },
      {
        what: 'the payout shows paid, set by an operator',
        expected: ['paid', 'operator_correction'],
        saw: [payout['status'], payout['status_reason']],
      },
      {
        what: 'its timeline: status_corrected pending → paid, source operator',
        expected: ['pending', 'paid', 'operator'],
        saw: [corrected?.['from'], corrected?.['to'], corrected?.['source']],
      },
      { what: "the ledger balanced (the tenant's accounts sum to zero)", expected: 0, saw: balances['sum'] },
      {
        what: 'the correction booked in_transit → settled',
        expected: true,
        saw: bookings.some((b) => b === `status_corrected: in_transit→settled ${AMOUNT_MINOR}`),
      },
      {
        what: 'the audit trail: proposed by alice, applied by carol (operators)',
        expected: ['correction.applied by operator drill-carol', 'correction.proposed by operator drill-alice'],
        saw: auditTrail,
      },
      { what: 'the late failed event was accepted at intake', expected: 202, saw: late.status },
      {
        what: 'it opened exactly one correction_contradicted exception, owned by ops',
        expected: [1, 'ops', correctionId],
        saw: [exceptions.length, exceptions[0]?.['owner'], exceptions[0]?.['evidence']?.['correction_id']],
      },
      {
        what: 'and did not override the correction',
        expected: ['paid', 'contradicted'],
        saw: [afterLate['status'], lateEntry?.['outcome']],
      },
      {
        what: 'the late event is in the audit trail as contradicted, naming the correction',
        expected: ['payout.provider_failed', 'contradicted', correctionId],
        saw: [lateAudit?.['action'], lateAudit?.['outcome'], lateAudit?.['details']?.['correction_id']],
      },
    ]);
  } finally {
    await twin.stop();
  }
}

runDrill('manual-correction', main);
