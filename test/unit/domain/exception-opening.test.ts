import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EXCEPTION_CATEGORIES,
  exceptionDedupKey,
  exceptionIdFor,
  exceptionIdOf,
  openException,
  type ExceptionCategory,
  type ExceptionOwner,
  type ExceptionSubject,
} from '../../../functions/domain/exceptions';

// The exception rules in one function: the subject decides the dedup key (so the exception id),
// the owner and the SLA. The keys below are the formats already stored in exception ids: a change
// to any of them would open a second row beside every existing one, so they are pinned here.

const HOUR = 3_600;
const PAYOUT = 'po_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP';
const BATCH = 'bat_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP';

const cases: ReadonlyArray<[ExceptionSubject, string, ExceptionOwner, number, string | undefined]> = [
  [
    { category: 'forbidden_transition', provider: 'sandbox', providerEventId: 'msg_1', payoutId: PAYOUT },
    'forbidden:sandbox:msg_1',
    'ops',
    4 * HOUR,
    PAYOUT,
  ],
  [
    {
      category: 'event_ownership_mismatch',
      provider: 'stripe',
      payoutId: PAYOUT,
      via: { kind: 'webhook', providerEventId: 'evt_1' },
    },
    'ownership:stripe:evt_1',
    'ops',
    2 * HOUR,
    PAYOUT,
  ],
  [
    {
      category: 'event_ownership_mismatch',
      provider: 'sandbox',
      payoutId: PAYOUT,
      via: { kind: 'poll', providerReference: 'sbx_1' },
    },
    `ownership:sandbox:poll:${PAYOUT}:sbx_1`,
    'ops',
    2 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'webhook_dead_lettered', message: { kind: 'event', provider: 'sandbox', providerEventId: 'msg_2' } },
    'webhook_dlq:sandbox:msg_2',
    'ops',
    4 * HOUR,
    undefined,
  ],
  [
    {
      category: 'webhook_dead_lettered',
      message: { kind: 'event', provider: 'sandbox', providerEventId: 'msg_2' },
      payoutId: PAYOUT,
    },
    'webhook_dlq:sandbox:msg_2',
    'ops',
    4 * HOUR,
    PAYOUT,
  ],
  // A message too broken to name its event keeps the key it always had (by SQS message id).
  [
    { category: 'webhook_dead_lettered', message: { kind: 'unreadable', messageId: 'm-1' } },
    'submission_dlq:m-1',
    'ops',
    4 * HOUR,
    undefined,
  ],
  [
    { category: 'submission_dead_lettered', messageId: 'm-2', payoutId: PAYOUT },
    'submission_dlq:m-2',
    'ops',
    2 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'reconciliation_dead_lettered', messageId: 'm-3' },
    'reconciliation_dlq:m-3',
    'ops',
    4 * HOUR,
    undefined,
  ],
  [{ category: 'batch_dead_lettered', messageId: 'm-4' }, 'batch_dlq:m-4', 'ops', 4 * HOUR, undefined],
  [{ category: 'long_pending', payoutId: PAYOUT }, `long_pending:${PAYOUT}`, 'ops', 24 * HOUR, PAYOUT],
  // A provider state our mapping does not know (issue 14): one row per (provider, payout, raw state).
  [
    { category: 'provider_state_unknown', provider: 'paypal', payoutId: PAYOUT, providerState: 'IN_LIMBO' },
    `provider_state_unknown:paypal:${PAYOUT}:IN_LIMBO`,
    'provider',
    8 * HOUR,
    PAYOUT,
  ],
  // An approval nobody gave in time; the next step is the tenant's.
  [{ category: 'approval_expired', payoutId: PAYOUT }, `approval_expired:${PAYOUT}`, 'tenant', 24 * HOUR, PAYOUT],
  // The provider holds a payout we canceled before its answer: one row per payout, ops, money at risk.
  [{ category: 'canceled_but_live_at_provider', payoutId: PAYOUT }, `canceled_live:${PAYOUT}`, 'ops', 2 * HOUR, PAYOUT],
  // A provider's word against an operator's correction: one row per webhook event, or per polled claim.
  [
    {
      category: 'correction_contradicted',
      payoutId: PAYOUT,
      via: { kind: 'webhook', provider: 'sandbox', providerEventId: 'evt_1' },
    },
    'correction_contradicted:sandbox:evt_1',
    'ops',
    4 * HOUR,
    PAYOUT,
  ],
  [
    {
      category: 'correction_contradicted',
      payoutId: PAYOUT,
      via: { kind: 'poll', correctionId: 'cor_1', event: 'provider_failed' },
    },
    `correction_contradicted:poll:${PAYOUT}:cor_1:provider_failed`,
    'ops',
    4 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'missing_provider_reference', payoutId: PAYOUT },
    `reconciliation:missing_provider_reference:payout:${PAYOUT}`,
    'ops',
    24 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'missing_at_provider', payoutId: PAYOUT },
    `reconciliation:missing_at_provider:payout:${PAYOUT}`,
    'ops',
    8 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'missing_internally', providerReference: 'sbx_9' },
    'reconciliation:missing_internally:provider_reference:sbx_9',
    'ops',
    8 * HOUR,
    undefined,
  ],
  [
    { category: 'amount_mismatch', payoutId: PAYOUT, providerReference: 'sbx_9' },
    `reconciliation:amount_mismatch:payout:${PAYOUT}`,
    'finance',
    8 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'currency_mismatch', payoutId: PAYOUT },
    `reconciliation:currency_mismatch:payout:${PAYOUT}`,
    'finance',
    8 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'fee_mismatch', payoutId: PAYOUT },
    `reconciliation:fee_mismatch:payout:${PAYOUT}`,
    'finance',
    48 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'status_mismatch', payoutId: PAYOUT },
    `reconciliation:status_mismatch:payout:${PAYOUT}`,
    'ops',
    24 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'duplicate_at_provider', providerReference: 'sbx_8' },
    'reconciliation:duplicate_at_provider:provider_reference:sbx_8',
    'provider',
    8 * HOUR,
    undefined,
  ],
  [
    { category: 'reversed_after_paid', payoutId: PAYOUT },
    `reconciliation:reversed_after_paid:payout:${PAYOUT}`,
    'finance',
    24 * HOUR,
    PAYOUT,
  ],
  [
    { category: 'batch_item_status_mismatch', payoutId: PAYOUT },
    `reconciliation:batch_item_status_mismatch:payout:${PAYOUT}`,
    'provider',
    8 * HOUR,
    PAYOUT,
  ],
  // A row with neither side's identity still gets one (empty) reference key, as before.
  [
    { category: 'missing_internally' },
    'reconciliation:missing_internally:provider_reference:',
    'ops',
    8 * HOUR,
    undefined,
  ],
  [
    { category: 'report_malformed', provider: 'sandbox', date: '2026-11-25' },
    'reconciliation:report_malformed:sandbox:2026-11-25',
    'ops',
    4 * HOUR,
    undefined,
  ],
  // Sanctions screening (issue 15): one per case, owned by compliance, a working day's SLA, no payout link.
  [
    { category: 'screening_potential_match', tenantId: 't1', recipientId: 'rcp_1', caseId: 'scr_1' },
    'screening:t1:rcp_1:scr_1',
    'compliance',
    8 * HOUR,
    undefined,
  ],
  // Holds past their owner's SLA (issue 15): one per hold, category per owner, linked to the payout.
  ...(
    [
      ['hold_past_sla_compliance', 'compliance', 8],
      ['hold_past_sla_ops', 'ops', 8],
      ['hold_past_sla_tenant', 'tenant', 24],
    ] as const
  ).map(([category, owner, hours]): [ExceptionSubject, string, ExceptionOwner, number, string] => [
    { category, payoutId: 'po_1', holdId: 'tax_form' },
    'hold_past_sla:po_1:tax_form',
    owner,
    hours * HOUR,
    'po_1',
  ]),
  // A batch's failed items: one exception per (batch, failure source), owned by the source's team.
  ...(
    [
      ['batch_items_failed_provider', 'provider', 4],
      ['batch_items_failed_recipient', 'tenant', 24],
      ['batch_items_failed_compliance', 'compliance', 8],
      ['batch_items_failed_platform', 'ops', 4],
    ] as const
  ).map(([category, owner, hours]): [ExceptionSubject, string, ExceptionOwner, number, undefined] => [
    { category, batchId: BATCH },
    `batch_items:${category}:${BATCH}`,
    owner,
    hours * HOUR,
    undefined,
  ]),
];

describe('openException: key, owner and SLA follow from the subject', () => {
  it.each(cases)('%j → %s', (subject, dedupKey, owner, slaSeconds, payoutId) => {
    const evidence = { seen: 'by the test' };
    const error = { message: 'why', code: 'because' };
    const opening = openException(subject, { evidence, error, seenAt: '2026-11-25T10:00:00.000Z' });
    expect(opening).toEqual({
      dedupKey,
      category: subject.category,
      owner,
      slaSeconds,
      ...(payoutId === undefined ? {} : { payoutId }),
      ...('batchId' in subject ? { batchId: subject.batchId } : {}),
      evidence,
      error,
      seenAt: '2026-11-25T10:00:00.000Z',
    });
    expect(exceptionDedupKey(subject)).toBe(dedupKey);
    expect(exceptionIdFor(subject)).toBe(exceptionIdOf(dedupKey));
  });

  it('every category has a subject in the table above', () => {
    const covered = new Set<ExceptionCategory>(cases.map(([subject]) => subject.category));
    expect(EXCEPTION_CATEGORIES.filter((category) => !covered.has(category))).toEqual([]);
  });
});

describe('dedup keys are spelled in one place', () => {
  const functionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../functions');
  const KEY_PREFIXES = [
    'forbidden',
    'ownership',
    'webhook_dlq',
    'submission_dlq',
    'reconciliation_dlq',
    'long_pending',
    'provider_state_unknown',
    'approval_expired',
    'correction_contradicted',
    'canceled_live',
    'reconciliation',
    'batch_items',
    'batch_dlq',
  ];
  // `forbidden:${…}`, 'long_pending:' …: a key prefix at the start of a string or template literal. Access-matrix
  // scopes share the `reconciliation:` spelling ('reconciliation:read', 'reconciliation:run') but are whole words,
  // not the start of a key: a scope string ends at its closing quote.
  const spelled = new RegExp(`[\`'"](${KEY_PREFIXES.join('|')}):(?![a-z_]+['"])`);

  it('no file but functions/domain/exceptions.ts starts a string with a dedup key prefix', () => {
    const offenders = (readdirSync(functionsDir, { recursive: true }) as string[])
      // generated/ holds bundled browser code whose strings are not ours to spell.
      .filter(
        (file) =>
          file.endsWith('.ts') &&
          file !== path.join('domain', 'exceptions.ts') &&
          !file.startsWith(`generated${path.sep}`),
      )
      .flatMap((file) =>
        readFileSync(path.join(functionsDir, file), 'utf8')
          .split('\n')
          .flatMap((line, index) => (spelled.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
