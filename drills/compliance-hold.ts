// Drill: a compliance hold (DESIGN §6, issue 15 "Drills"), through the twin's HTTP API only.
//
// 1. Screening hit. A tenant backend creates a payout whose inline recipient is named as the fixture
//    SDN list's entry 9001 ("ZARKOV, Ivan Petrovich"; paid in GB, the nationality does not fit: score
//    0.95, at SCREENING_CLEAR_FOUR_EYES_SCORE_MIN, so the clear takes two operators). The create screens
//    the new recipient record and the payout is created held (a screening hold owned by compliance);
//    the case is on GET /ops/screening and its screening_potential_match exception is compliance's.
//    The tenant cannot release the hold; the first compliance operator's clear is only a proposal, her
//    own second clear is refused, a second operator's clear releases the hold and the payout reaches
//    `paid` at the sandbox.
// 2. Tax form. A non-US recipient paid through a corridor whose `requirements.tax_form` is `required`
//    (config/corridors.json, as GET /corridors lists it) is held for its W-8BEN: the payout does not
//    move, the tenant's release is refused while the form is missing, POST /recipients/{id}/tax-forms
//    captures a valid W-8BEN (the form being the onboarding's last requirement, the recipient goes to
//    compliance's review and an operator verifies it), the releases then go through and the payout is
//    paid. The shipped matrix asks for one in IT/EUR/sepa. Should no corridor ask for a tax form (a
//    matrix edited to turn the policy off), the drill says so, shows the payout is not held, that the
//    form rules still apply at capture (a W-9 refused, a W-8BEN captured), and records the gate as not
//    shown in the evidence pack rather than pretending it was.
//
// Both recipients are inline: their records are made and screened by POST /payouts, the path most
// tenants take (POST /recipients screens the same way, handlers/recipients-api.ts). Each run pays
// fresh account numbers, so a rerun against a running twin makes new records
// (an inline recipient's id is its tenant, name and account) rather than finding last run's.
//
// 3. Finance. Both recipients are on the year's 1099-NEC / 1042-S readiness export
//    (GET /exports/tax-readiness, drills/_tax-readiness.ts): the W-8BEN one with its form on file, the
//    cleared one to collect a form before filing; a tenant backend is refused the export.
//
// The facts of both cases (payout ids, hold kinds, case id, who cleared, released_at, final status)
// are attached as `compliance_cases` for the evidence pack, the export's rows as `tax_readiness`.
//
//   npm run drill -- compliance-hold
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { defaultOwnerOf } from '../functions/domain/exceptions.js';
import { SCREENING_CLEAR_FOUR_EYES_SCORE_MIN } from '../functions/domain/compliance/screening-case.js';
import { SCREENING_LIST_LIMIT_MAX } from '../functions/http/screening-schemas.js';
import { sandboxPayoutsFor } from '../local/sandbox/client.js';
import { SANDBOX_GB_SORT_CODE, SANDBOX_US_ROUTING_NUMBER } from '../local/sandbox/triggers.js';
import { taxReadinessChecks } from './_tax-readiness.js';
import { attach, connectTwin, report, runDrill, type Check } from './_twin.js';

const TENANT = 'drill';
/** Fixture SDN entry 9001's name; an inline recipient states no birth date, its country (GB) is not the entry's. */
const LISTED_PERSON = { name: 'Ivan Petrovich Zarkov', sourceId: '9001' };
const SCREENING_CATEGORY = 'screening_potential_match';
const SCREENING_OWNER = defaultOwnerOf(SCREENING_CATEGORY);
/** A name no fixture entry comes near, so the tax-form case is screened clear and waits on its form only. */
const TAX_RECIPIENT = { name: 'Greta Lindqvist' };
/** The corridor the tax-form case falls back to when no corridor asks for a form: a sandbox EUR corridor. */
const TAX_FALLBACK_CORRIDOR = { country: 'DE', currency: 'EUR', method: 'sepa' };
const AMOUNT_MINOR = 12_500;
/** How long a held payout is watched to show it does not move (it would be at the sandbox in ~1 s). */
const HELD_WATCH_MS = 3_000;
const PAID_WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
/** Pages of GET /ops/screening read looking for the case (its largest page each): other runs' cases share it. */
const SCREENING_PAGES_MAX = 10;
/** Pages of GET /exceptions read while looking for the case's exception. */
const EXCEPTION_PAGES_MAX = 10;

const log = (line: string) => console.log(`• ${line}`);
const keyOf = (c: Json) => `${c['country']}/${c['currency']}/${c['method']}`;
const pageAfter = (cursor: string | undefined) => (cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`);

type Json = Record<string, any>;
type Who = 'backend' | 'complianceA' | 'complianceB' | 'finance';
const OPERATOR_A = 'drill-compliance-alice';
const OPERATOR_B = 'drill-compliance-bob';

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const tokens: Record<Who, string> = {
      backend: await twin.token({ tenant: TENANT, role: 'backend' }),
      complianceA: await twin.token({ operator: OPERATOR_A, role: 'compliance' }),
      complianceB: await twin.token({ operator: OPERATOR_B, role: 'compliance' }),
      finance: await twin.token({ operator: 'drill-finance', role: 'finance' }),
    };
    const call = async (who: Who, method: string, path: string, body?: unknown, key?: string) => {
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
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
    };
    const payoutOf = async (payoutId: string) => (await call('backend', 'GET', `/payouts/${payoutId}`)).body;
    const atSandbox = async (payoutId: string) => (await sandboxPayoutsFor(twin.sandboxProviderUrl, payoutId)).length;
    /** Watches a held payout for HELD_WATCH_MS: its status, and whether the sandbox ever saw it. */
    const watchHeld = async (payoutId: string) => {
      let status = '';
      let submissions = 0;
      for (const until = Date.now() + HELD_WATCH_MS; Date.now() < until; await sleep(POLL_MS)) {
        status = String((await payoutOf(payoutId))['status']);
        submissions = await atSandbox(payoutId);
      }
      return { status, submissions };
    };
    const waitPaid = async (payoutId: string) => {
      let payout = await payoutOf(payoutId);
      for (
        const deadline = Date.now() + PAID_WAIT_MS_MAX;
        payout['status'] !== 'paid' && Date.now() < deadline;
        await sleep(POLL_MS)
      )
        payout = await payoutOf(payoutId);
      return payout;
    };
    const holdRow = (hold: Json | undefined) => [hold?.['kind'], hold?.['owner'], hold?.['released_at'] === null];

    const checks: Check[] = [];
    const cases: Json[] = [];

    // ── 1. Screening hit ────────────────────────────────────────────────────────────────────────────
    const listedAccount = { sort_code: SANDBOX_GB_SORT_CODE, account_number: freshGbAccountNumber() };
    log(
      `POST /payouts (tenant ${TENANT}): ${AMOUNT_MINOR} GBP minor units to inline recipient "${LISTED_PERSON.name}" ` +
        `(account ${listedAccount.account_number}, which the sandbox pays) — SDN fixture entry ${LISTED_PERSON.sourceId}`,
    );
    const screenedPayout = await call(
      'backend',
      'POST',
      '/payouts',
      {
        amount: AMOUNT_MINOR,
        currency: 'GBP',
        destination: { country: 'GB', method: 'faster_payments', ...listedAccount },
        recipient: { name: LISTED_PERSON.name },
        description: 'compliance-hold drill: screening hit',
      },
      `drill-compliance-${ulid()}`,
    );
    const screenedId = String(screenedPayout.body['payout_id']);
    const heldView = await payoutOf(screenedId);
    const listedId = String(heldView['recipient_id']);
    log(`  → ${screenedPayout.status}, payout ${screenedId}, recipient record ${listedId}`);
    const screeningHold = ((heldView['holds'] ?? []) as Json[]).find((h) => h['kind'] === 'screening');
    const caseId = String(screeningHold?.['evidence']?.['case_id'] ?? '');
    log(
      `GET /payouts/${screenedId} → ${heldView['status']}, hold ${screeningHold?.['hold_id']} ` +
        `(${screeningHold?.['kind']}, owner ${screeningHold?.['owner']}, score ${screeningHold?.['evidence']?.['score']})`,
    );
    const listedRecord = (await call('backend', 'GET', `/recipients/${listedId}`)).body;
    log(`GET /recipients/${listedId} → origin inline, screening ${listedRecord['screening']?.['state']}`);
    const screenedWatch = await watchHeld(screenedId);
    log(
      `  → after ${HELD_WATCH_MS} ms: ${screenedWatch.status}, submissions at the sandbox: ${screenedWatch.submissions}`,
    );

    log(`${OPERATOR_A}: GET /ops/screening?state=open, looking for the case of ${listedId}`);
    let screeningCase: Json | undefined;
    let cursor: string | undefined;
    for (let page = 0; page < SCREENING_PAGES_MAX && screeningCase === undefined; page++) {
      const query = `state=open&limit=${SCREENING_LIST_LIMIT_MAX}${pageAfter(cursor)}`;
      const queue = await call('complianceA', 'GET', `/ops/screening?${query}`);
      screeningCase = ((queue.body['data'] ?? []) as Json[]).find((c) => c['recipient_id'] === listedId);
      cursor = queue.body['next_cursor'] ?? undefined;
      if (cursor === undefined || cursor === null) break;
    }
    const best = screeningCase?.['matches']?.[0];
    log(
      `  → case ${screeningCase?.['case_id']} (${screeningCase?.['state']}), score ${screeningCase?.['score']}, ` +
        `best match ${best?.['source_id']} "${best?.['listed_name']}", exception ${screeningCase?.['exception_id']}`,
    );
    const exceptionId = String(screeningCase?.['exception_id'] ?? '');
    const findException = async (state: string) => {
      let after: string | undefined;
      for (let page = 0; page < EXCEPTION_PAGES_MAX; page++) {
        const query = `category=${SCREENING_CATEGORY}&state=${state}&limit=200${pageAfter(after)}`;
        const listedExceptions = await call('complianceA', 'GET', `/exceptions?${query}`);
        const found = ((listedExceptions.body['data'] ?? []) as Json[]).find((e) => e['exception_id'] === exceptionId);
        if (found !== undefined) return found;
        after = listedExceptions.body['next_cursor'] ?? undefined;
        if (after === undefined || after === null) return undefined;
      }
      return undefined;
    };
    const openException = await findException('open');
    log(
      `GET /exceptions?category=${SCREENING_CATEGORY}&state=open → ${openException?.['exception_id']}, ` +
        `owner ${openException?.['owner']}`,
    );

    const holdId = String(screeningHold?.['hold_id'] ?? '');
    log(`tenant: POST /payouts/${screenedId}/holds/${holdId}/release (not the tenant's to release)`);
    const tenantRelease = await call('backend', 'POST', `/payouts/${screenedId}/holds/${holdId}/release`, {
      reason: 'the tenant tries to release a screening hold',
    });
    log(`  → ${tenantRelease.status} ${tenantRelease.body['error']?.['code']}`);

    const note = (who: string) => `${who}: date of birth and nationality checked against the passport copy`;
    log(`${OPERATOR_A}: POST /ops/screening/${caseId}/clear`);
    const proposed = await call('complianceA', 'POST', `/ops/screening/${caseId}/clear`, { note: note(OPERATOR_A) });
    log(`  → ${proposed.status} ${proposed.body['state']}, proposed by ${proposed.body['proposal']?.['by']}`);
    const afterProposal = await payoutOf(screenedId);
    const afterProposalHold = ((afterProposal['holds'] ?? []) as Json[]).find((h) => h['hold_id'] === holdId);
    log(`${OPERATOR_A}: POST /ops/screening/${caseId}/clear again (her own proposal)`);
    const selfDecision = await call('complianceA', 'POST', `/ops/screening/${caseId}/clear`, {
      note: note(OPERATOR_A),
    });
    log(`  → ${selfDecision.status} ${selfDecision.body['error']?.['code']}`);
    log(`${OPERATOR_B}: POST /ops/screening/${caseId}/clear`);
    const cleared = await call('complianceB', 'POST', `/ops/screening/${caseId}/clear`, { note: note(OPERATOR_B) });
    log(`  → ${cleared.status} ${cleared.body['state']}, decided by ${cleared.body['decision']?.['by']}`);

    const screenedPaid = await waitPaid(screenedId);
    const releasedHold = ((screenedPaid['holds'] ?? []) as Json[]).find((h) => h['hold_id'] === holdId);
    log(
      `GET /payouts/${screenedId} → ${screenedPaid['status']}; hold released at ${releasedHold?.['released_at']} ` +
        `by ${releasedHold?.['released_by']}`,
    );
    const resolvedException = await findException('resolved');
    log(
      `GET /exceptions?category=${SCREENING_CATEGORY}&state=resolved → ` +
        `${resolvedException?.['exception_id']} ${resolvedException?.['state']}`,
    );
    cases.push({
      case: 'screening hit',
      payout_id: screenedId,
      recipient_id: listedId,
      hold_id: holdId,
      hold_kind: screeningHold?.['kind'] ?? null,
      hold_owner: screeningHold?.['owner'] ?? null,
      case_id: caseId,
      score: screeningCase?.['score'] ?? null,
      exception_id: exceptionId,
      proposed_by: proposed.body['proposal']?.['by'] ?? null,
      cleared_by: cleared.body['decision']?.['by'] ?? null,
      released_at: releasedHold?.['released_at'] ?? null,
      final_status: screenedPaid['status'] ?? null,
    });

    checks.push(
      {
        what: "the create made the inline recipient's record and screened it a potential match",
        expected: [true, 'potential_match'],
        saw: [listedId.startsWith('rcp_'), listedRecord['screening']?.['state']],
      },
      {
        what: 'the payout is created held: one open screening hold, owned by compliance, naming its case',
        expected: [201, 'submitted', ['screening', 'compliance', true], true],
        saw: [screenedPayout.status, heldView['status'], holdRow(screeningHold), caseId.startsWith('scr_')],
      },
      {
        what: 'held, it does not move: still submitted and never sent to the sandbox',
        expected: { status: 'submitted', submissions: 0 },
        saw: screenedWatch,
      },
      {
        what:
          `the case is on the compliance queue: open, SDN entry ${LISTED_PERSON.sourceId}, ` +
          `score at or above the four-eyes ${SCREENING_CLEAR_FOUR_EYES_SCORE_MIN}`,
        expected: [caseId, 'open', LISTED_PERSON.sourceId, true],
        saw: [
          screeningCase?.['case_id'],
          screeningCase?.['state'],
          best?.['source_id'],
          Number(screeningCase?.['score']) >= SCREENING_CLEAR_FOUR_EYES_SCORE_MIN,
        ],
      },
      {
        what: `its exception is open and owned by ${SCREENING_OWNER}`,
        expected: [exceptionId, 'open', SCREENING_OWNER],
        saw: [openException?.['exception_id'], openException?.['state'], openException?.['owner']],
      },
      {
        what: 'the tenant cannot release a screening hold',
        expected: [403, 'hold_owner_scope_required'],
        saw: [tenantRelease.status, tenantRelease.body['error']?.['code']],
      },
      {
        what: `${OPERATOR_A}'s clear is a proposal (four-eyes): the payout stays held`,
        expected: [200, 'clear_proposed', OPERATOR_A, 'submitted', true],
        saw: [
          proposed.status,
          proposed.body['state'],
          proposed.body['proposal']?.['by'],
          afterProposal['status'],
          afterProposalHold?.['released_at'] === null,
        ],
      },
      {
        what: `${OPERATOR_A} cannot decide her own proposal`,
        expected: [403, 'screening_proposer_cannot_decide'],
        saw: [selfDecision.status, selfDecision.body['error']?.['code']],
      },
      {
        what: `${OPERATOR_B} (a second compliance operator) clears the case`,
        expected: [200, 'cleared', OPERATOR_B, 'cleared'],
        saw: [
          cleared.status,
          cleared.body['state'],
          cleared.body['decision']?.['by'],
          cleared.body['decision']?.['outcome'],
        ],
      },
      {
        what: `the clear released the hold (by ${OPERATOR_B}) and the payout is paid`,
        expected: ['paid', true, `operator:${OPERATOR_B}`],
        saw: [screenedPaid['status'], typeof releasedHold?.['released_at'] === 'string', releasedHold?.['released_by']],
      },
      {
        what: 'the case exception is resolved',
        expected: [exceptionId, 'resolved'],
        saw: [resolvedException?.['exception_id'], resolvedException?.['state']],
      },
    );

    // ── 2. Missing W-8BEN ───────────────────────────────────────────────────────────────────────────
    const corridorList = (await call('backend', 'GET', '/corridors')).body;
    const asking = ((corridorList['data'] ?? []) as Json[]).filter(
      (c) => c['requirements']?.['tax_form'] === 'required' && c['state'] === 'enabled' && c['provider'] === 'sandbox',
    );
    // A foreign recipient is the W-8BEN case; a US corridor would ask a W-9.
    const corridor = asking.find((c) => c['country'] !== 'US') ?? TAX_FALLBACK_CORRIDOR;
    const gated = asking.includes(corridor as Json);
    const corridorKey = keyOf(corridor);
    log(
      `GET /corridors → sandbox corridors asking for a tax form: ${asking.map(keyOf).join(', ') || 'none'}` +
        (gated ? `; using ${corridorKey}` : `; the gate cannot hold a payout, showing ${corridorKey} as it stands`),
    );
    const destination = destinationFor(corridor['country'], corridor['method']);
    // An inline recipient lives in its bank's country: the form it owes is a W-8BEN when that is not the US.
    const taxRecipientCountry = String(corridor['country']);
    log(
      `POST /payouts: ${AMOUNT_MINOR} ${corridor['currency']} minor units in ${corridorKey} to inline recipient ` +
        `"${TAX_RECIPIENT.name}" (account ${JSON.stringify(destination)})`,
    );
    const taxPayout = await call(
      'backend',
      'POST',
      '/payouts',
      {
        amount: AMOUNT_MINOR,
        currency: corridor['currency'],
        destination,
        recipient: { name: TAX_RECIPIENT.name },
        description: 'compliance-hold drill: tax form',
      },
      `drill-compliance-${ulid()}`,
    );
    const taxPayoutId = String(taxPayout.body['payout_id']);
    const taxHeld = await payoutOf(taxPayoutId);
    const foreignId = String(taxHeld['recipient_id']);
    const foreign = (await call('backend', 'GET', `/recipients/${foreignId}`)).body;
    log(
      `GET /recipients/${foreignId} → country ${foreign['country']}, tax form ${foreign['tax_form']?.['state']}, ` +
        `onboarding ${foreign['onboarding']?.['state']}, screening ${foreign['screening']?.['state']}`,
    );
    const taxHolds = (taxHeld['holds'] ?? []) as Json[];
    const taxFormHold = taxHolds.find((h) => h['kind'] === 'tax_form');
    log(
      `  → ${taxPayout.status}, payout ${taxPayoutId}, ${taxHeld['status']}, holds: ` +
        `${taxHolds.map((h) => `${h['hold_id']} (${h['kind']}, ${h['owner']}, ${h['requirement']})`).join(', ') || 'none'}`,
    );

    let watched: { status: string; submissions: number } | undefined;
    let earlyRelease: { status: number; body: Json } | undefined;
    if (gated) {
      watched = await watchHeld(taxPayoutId);
      log(`  → after ${HELD_WATCH_MS} ms: ${watched.status}, submissions at the sandbox: ${watched.submissions}`);
      log(`tenant: POST /payouts/${taxPayoutId}/holds/${taxFormHold?.['hold_id']}/release before the form is on file`);
      earlyRelease = await call(
        'backend',
        'POST',
        `/payouts/${taxPayoutId}/holds/${taxFormHold?.['hold_id']}/release`,
        {
          reason: 'the tenant tries to release before the W-8BEN is captured',
        },
      );
      log(`  → ${earlyRelease.status} ${earlyRelease.body['error']?.['code']}`);
    }

    const signedAt = new Date().toISOString();
    log(`POST /recipients/${foreignId}/tax-forms: a W-9 (the form of a US person)`);
    const wrongForm = await call(
      'backend',
      'POST',
      `/recipients/${foreignId}/tax-forms`,
      {
        form_type: 'W-9',
        tin_type: 'SSN',
        tin: '123-45-6789',
        signer: TAX_RECIPIENT.name,
        signed_at: signedAt,
      },
      `drill-compliance-${ulid()}`,
    );
    log(`  → ${wrongForm.status} ${wrongForm.body['error']?.['code']}`);
    log(`POST /recipients/${foreignId}/tax-forms: a W-8BEN signed now, citizen of ${taxRecipientCountry}`);
    const captured = await call(
      'backend',
      'POST',
      `/recipients/${foreignId}/tax-forms`,
      {
        form_type: 'W-8BEN',
        country: taxRecipientCountry,
        signer: TAX_RECIPIENT.name,
        signed_at: signedAt,
      },
      `drill-compliance-${ulid()}`,
    );
    const capturedForm = captured.body['tax_form'] ?? {};
    log(
      `  → ${captured.status} ${capturedForm['form_type']} v${capturedForm['version']} valid through ${capturedForm['expires_on']}; ` +
        `recipient tax form ${captured.body['recipient']?.['tax_form']?.['state']}, onboarding ${captured.body['recipient']?.['onboarding']?.['state']}`,
    );

    const releases: Array<{ holdId: string; status: number; code: unknown }> = [];
    let review: { status: number; body: Json } | undefined;
    if (gated && captured.body['recipient']?.['onboarding']?.['state'] === 'in_review') {
      // The form was the onboarding's last requirement: the recipient now waits on compliance's review.
      log(`${OPERATOR_A}: POST /ops/recipients/${foreignId}/onboarding {decision: verify}`);
      review = await call(
        'complianceA',
        'POST',
        `/ops/recipients/${foreignId}/onboarding`,
        { tenant_id: TENANT, decision: 'verify', reason: 'W-8BEN on file and checked' },
        `drill-compliance-${ulid()}`,
      );
      log(`  → ${review.status} ${review.body['onboarding']?.['state'] ?? review.body['error']?.['code']}`);
    }
    if (gated) {
      // Capture does not release a hold by itself: the tenant's release re-reads the recipient's record.
      for (const hold of taxHolds.filter((h) => h['owner'] === 'tenant' && h['released_at'] === null)) {
        log(`tenant: POST /payouts/${taxPayoutId}/holds/${hold['hold_id']}/release with the form on file`);
        const released = await call('backend', 'POST', `/payouts/${taxPayoutId}/holds/${hold['hold_id']}/release`, {
          reason: 'W-8BEN captured',
        });
        releases.push({
          holdId: String(hold['hold_id']),
          status: released.status,
          code: released.body['error']?.['code'],
        });
        log(
          `  → ${released.status}${released.body['error'] === undefined ? '' : ` ${released.body['error']['code']}`}`,
        );
      }
    }
    const taxPaid = await waitPaid(taxPayoutId);
    const taxFormAfter = ((taxPaid['holds'] ?? []) as Json[]).find((h) => h['kind'] === 'tax_form');
    log(
      `GET /payouts/${taxPayoutId} → ${taxPaid['status']}${taxFormAfter === undefined ? '' : `; tax_form hold released at ${taxFormAfter['released_at']}`}`,
    );
    cases.push({
      case: gated ? 'missing W-8BEN' : 'missing W-8BEN: gate not shown',
      payout_id: taxPayoutId,
      recipient_id: foreignId,
      corridor: corridorKey,
      hold_id: taxFormHold?.['hold_id'] ?? null,
      hold_kind: taxFormHold?.['kind'] ?? null,
      hold_owner: taxFormHold?.['owner'] ?? null,
      tax_form: `${capturedForm['form_type']} v${capturedForm['version']} (${captured.status})`,
      released_by: taxFormAfter?.['released_by'] ?? null,
      released_at: taxFormAfter?.['released_at'] ?? null,
      final_status: taxPaid['status'] ?? null,
      ...(gated
        ? {}
        : {
            not_shown:
              'no corridor in config/corridors.json has requirements.tax_form = "required", so no payout is held for a missing W-8BEN',
          }),
    });

    if (gated) {
      checks.push(
        {
          what: `the inline recipient paid in ${corridorKey} lives in ${taxRecipientCountry} and its tax form is missing`,
          expected: [taxRecipientCountry, 'missing'],
          saw: [foreign['country'], foreign['tax_form']?.['state']],
        },
        {
          what: 'its payout is created held: an open tax_form hold for a W-8BEN, owned by the tenant',
          expected: [201, 'submitted', ['tax_form', 'tenant', true], 'tax_form:W-8BEN'],
          saw: [taxPayout.status, taxHeld['status'], holdRow(taxFormHold), taxFormHold?.['requirement']],
        },
        {
          what: 'held, it does not move: still submitted and never sent to the sandbox',
          expected: { status: 'submitted', submissions: 0 },
          saw: watched,
        },
        {
          what: 'the release is refused while the form is missing (the route re-reads the recipient)',
          expected: [422, 'hold_requirement_unmet'],
          saw: [earlyRelease?.status, earlyRelease?.body['error']?.['code']],
        },
      );
    } else {
      checks.push(
        {
          what: 'GET /corridors: no sandbox corridor asks for a tax form, so this drill cannot show a tax_form hold (recorded as not shown)',
          expected: [],
          saw: asking.map(keyOf),
        },
        {
          what: `a ${taxRecipientCountry} recipient paid in ${corridorKey}: its tax form is not required, its payout is not held`,
          expected: [201, taxRecipientCountry, 'not_required', []],
          saw: [taxPayout.status, foreign['country'], foreign['tax_form']?.['state'], taxHolds.map((h) => h['kind'])],
        },
      );
    }
    checks.push(
      {
        what: 'a W-9 for a non-US recipient is refused',
        expected: [422, 'w9_for_foreign_recipient'],
        saw: [wrongForm.status, wrongForm.body['error']?.['code']],
      },
      {
        what: 'a valid W-8BEN is captured: version 1, valid through the third year after signing',
        expected: [201, 'W-8BEN', 1, `${new Date(signedAt).getUTCFullYear() + 3}-12-31`, 'valid'],
        saw: [
          captured.status,
          capturedForm['form_type'],
          capturedForm['version'],
          capturedForm['expires_on'],
          captured.body['recipient']?.['tax_form']?.['state'],
        ],
      },
    );
    if (review !== undefined)
      checks.push({
        what: `the form completed the onboarding's requirements; ${OPERATOR_A} verifies the recipient`,
        expected: [200, 'verified'],
        saw: [review.status, review.body['onboarding']?.['state']],
      });
    if (gated)
      checks.push({
        what: "with the form on file the tenant's release goes through",
        expected: { released: true, answers: releases.map((r) => ({ ...r, status: 200, code: undefined })) },
        saw: { released: releases.length > 0, answers: releases },
      });
    checks.push({
      what: gated ? 'the released payout is paid' : 'the payout is paid',
      expected: gated ? ['paid', true] : 'paid',
      saw: gated ? [taxPaid['status'], typeof taxFormAfter?.['released_at'] === 'string'] : taxPaid['status'],
    });

    // ── 3. Finance: both recipients on the year's 1099-NEC / 1042-S readiness export ───────────────
    const taxYear = new Date(String(taxPaid['last_event_at'])).getUTCFullYear();
    const readiness = await taxReadinessChecks(
      (path) => call('finance', 'GET', path),
      (path) => call('backend', 'GET', path),
      {
        tenantId: TENANT,
        taxYear,
        withW8: { recipientId: foreignId, amountMinor: AMOUNT_MINOR, currency: String(taxPaid['currency']) },
        withoutForm: { recipientId: listedId, amountMinor: AMOUNT_MINOR, currency: String(screenedPaid['currency']) },
      },
      log,
    );
    checks.push(...readiness.checks);

    attach('compliance_cases', cases);
    attach('tax_readiness', readiness.evidence);
    return report(checks);
  } finally {
    await twin.stop();
  }
}

/** Eight digits the sandbox pays (its triggers are 111111xx; any other account is paid), fresh per run. */
function freshGbAccountNumber(): string {
  return `2${String(randomInt(10_000_000)).padStart(7, '0')}`;
}

/**
 * A fresh IBAN in `country`: the bank part (the sandbox triggers' German bank code; an Italian CIN,
 * ABI and CAB), a random account number, and ISO 13616's mod-97 check digits. The platform checks
 * the mod-97 digits and the length, not Italy's CIN letter, so a fixed CIN is enough for the sandbox.
 */
function freshIban(country: string): string {
  const bban =
    country === 'IT'
      ? `X0542811101${String(randomInt(1_000_000_000_000)).padStart(12, '0')}`
      : `37040044${String(randomInt(10_000_000_000)).padStart(10, '0')}`;
  const ibanCountry = country === 'IT' ? 'IT' : 'DE';
  // Move "<CC>00" behind the BBAN, letters as numbers (A=10 … Z=35), check = 98 − (that mod 97).
  const digits = `${bban}${ibanCountry}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  const check = 98 - Number(BigInt(digits) % 97n);
  return `${ibanCountry}${String(check).padStart(2, '0')}${bban}`;
}

/** A destination the sandbox pays in a corridor's account fields, fresh per run. */
function destinationFor(country: string, method: string): Json {
  switch (country) {
    case 'GB':
      return { country, method, sort_code: SANDBOX_GB_SORT_CODE, account_number: freshGbAccountNumber() };
    case 'US':
      return {
        country,
        method,
        routing_number: SANDBOX_US_ROUTING_NUMBER,
        account_number: `2${String(randomInt(10_000_000_000)).padStart(10, '0')}`,
      };
    default:
      return { country, method, iban: freshIban(country) };
  }
}

runDrill('compliance-hold', main);
