// The sandbox's documented test triggers (docs/sandbox-provider.md), selected by the destination's
// account number or IBAN the way real providers publish test account numbers. Every IBAN passes
// mod-97 and every routing number the ABA checksum (test/unit/local/sandbox-triggers.test.ts
// recomputes both), so a payout reaches the sandbox through our own validators.

/** How a payout moves through the sandbox's states after it is accepted. */
export type Progression =
  | 'paid' // accepted → in_transit → paid
  | 'failed' // accepted → in_transit → failed (account_closed)
  | 'pending' // accepted → in_transit, and stays there
  | 'returned' // accepted → in_transit → paid → returned
  | 'canceled'; // accepted → canceled by the provider

/** What the sandbox does with the submission itself. */
export type SubmitBehaviour =
  | 'accept' // records the payout, answers 200
  | 'reject' // records nothing, answers 402 payout_rejected (replayed for the same key)
  | 'hang' // records the payout, then holds the first answer longer than any client timeout
  | 'unavailable' // records nothing, answers 503 every time
  | 'flaky' // records nothing, answers 503 to the first attempt per key, then accepts
  | 'error_after_record'; // records the payout, answers 500 to the first attempt; a retry gets the payout

/** How the settlement report (local/sandbox/settlement-report.ts) perturbs the payout's row. */
export type ReportPerturbation = 'none' | 'omit' | 'amount_changed' | 'fee_changed' | 'duplicated' | 'status_changed';

export interface SandboxTrigger {
  readonly name: string;
  readonly description: string;
  readonly submit: SubmitBehaviour;
  readonly progression: Progression;
  readonly report: ReportPerturbation;
  /** DE IBAN (bank code 37040044); the EUR corridors. */
  readonly iban: string;
  /** GB IBAN (NWBK 601613). */
  readonly ibanGb: string;
  /** US account number, with any ABA-valid routing number (e.g. 110000000). */
  readonly usAccountNumber: string;
  /** GB account number (eight digits), with any sort code (e.g. 601613). */
  readonly gbAccountNumber: string;
}

/** An ABA-valid routing number to pair with the US account numbers below. */
export const SANDBOX_US_ROUTING_NUMBER = '110000000';
/** A sort code to pair with the GB account numbers below (any six digits work). */
export const SANDBOX_GB_SORT_CODE = '601613';

const row = (
  index: number,
  name: string,
  description: string,
  submit: SubmitBehaviour,
  progression: Progression,
  report: ReportPerturbation,
  iban: string,
  ibanGb: string,
): SandboxTrigger => {
  const suffix = String(index).padStart(2, '0');
  return {
    name,
    description,
    submit,
    progression,
    report,
    iban,
    ibanGb,
    usAccountNumber: `0001111111${suffix}`,
    gbAccountNumber: `111111${suffix}`,
  };
};

/** Index 0 is also the default: any destination not listed here is paid. */
export const SANDBOX_TRIGGERS: readonly SandboxTrigger[] = [
  row(
    0,
    'paid',
    'accepted → in_transit → paid (the default for any other account)',
    'accept',
    'paid',
    'none',
    'DE89370400440532013000',
    'GB57NWBK60161331926800',
  ),
  row(
    1,
    'failed',
    'accepted → in_transit → failed (account_closed)',
    'accept',
    'failed',
    'none',
    'DE62370400440532013001',
    'GB30NWBK60161331926801',
  ),
  row(
    2,
    'pending',
    'accepted → in_transit, never settles',
    'accept',
    'pending',
    'none',
    'DE35370400440532013002',
    'GB03NWBK60161331926802',
  ),
  row(
    3,
    'returned',
    'accepted → in_transit → paid → returned (bank return after payment)',
    'accept',
    'returned',
    'none',
    'DE08370400440532013003',
    'GB73NWBK60161331926803',
  ),
  row(
    4,
    'canceled',
    'accepted → canceled by the provider',
    'accept',
    'canceled',
    'none',
    'DE78370400440532013004',
    'GB46NWBK60161331926804',
  ),
  row(
    5,
    'rejected',
    'refused on submit: 402 payout_rejected / invalid_account_number; nothing recorded',
    'reject',
    'paid',
    'none',
    'DE51370400440532013005',
    'GB19NWBK60161331926805',
  ),
  row(
    6,
    'timeout_on_submit',
    'records the payout, then holds the first answer past our timeout; retries replay it',
    'hang',
    'paid',
    'none',
    'DE24370400440532013006',
    'GB89NWBK60161331926806',
  ),
  row(
    7,
    'unavailable_on_submit',
    'answers 503 to every attempt and records nothing',
    'unavailable',
    'paid',
    'none',
    'DE94370400440532013007',
    'GB62NWBK60161331926807',
  ),
  row(
    8,
    'flaky_on_submit',
    'answers 503 to the first attempt (records nothing), accepts the next',
    'flaky',
    'paid',
    'none',
    'DE67370400440532013008',
    'GB35NWBK60161331926808',
  ),
  row(
    9,
    'error_after_record',
    'records the payout, answers 500 to the first attempt; a retry gets the payout',
    'error_after_record',
    'paid',
    'none',
    'DE40370400440532013009',
    'GB08NWBK60161331926809',
  ),
  row(
    10,
    'report_omitted',
    'paid, but missing from the settlement report',
    'accept',
    'paid',
    'omit',
    'DE13370400440532013010',
    'GB78NWBK60161331926810',
  ),
  row(
    11,
    'report_amount_changed',
    'paid, reported with a different amount',
    'accept',
    'paid',
    'amount_changed',
    'DE83370400440532013011',
    'GB51NWBK60161331926811',
  ),
  row(
    12,
    'report_fee_changed',
    'paid, reported with a different fee',
    'accept',
    'paid',
    'fee_changed',
    'DE56370400440532013012',
    'GB24NWBK60161331926812',
  ),
  row(
    13,
    'report_duplicated',
    'paid, reported twice',
    'accept',
    'paid',
    'duplicated',
    'DE29370400440532013013',
    'GB94NWBK60161331926813',
  ),
  row(
    14,
    'report_status_changed',
    'paid, reported as failed',
    'accept',
    'paid',
    'status_changed',
    'DE02370400440532013014',
    'GB67NWBK60161331926814',
  ),
];

export const DEFAULT_TRIGGER: SandboxTrigger = SANDBOX_TRIGGERS[0]!;

/** Account fields the lookup reads, in order. */
const ACCOUNT_FIELDS = ['iban', 'account_number'] as const;

const normalise = (value: string) => value.replace(/[\s-]/g, '').toUpperCase();

const byAccount = new Map<string, SandboxTrigger>(
  SANDBOX_TRIGGERS.flatMap((trigger) => [
    [trigger.iban, trigger],
    [trigger.ibanGb, trigger],
    [trigger.usAccountNumber, trigger],
    [trigger.gbAccountNumber, trigger],
  ]),
);

/** The trigger a destination selects; the default (paid) when none of its account fields is listed. */
export function triggerFor(fields: Readonly<Record<string, string>>): SandboxTrigger {
  for (const field of ACCOUNT_FIELDS) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    const trigger = byAccount.get(normalise(value));
    if (trigger) return trigger;
  }
  return DEFAULT_TRIGGER;
}

export function triggerByName(name: string): SandboxTrigger | undefined {
  return SANDBOX_TRIGGERS.find((trigger) => trigger.name === name);
}
