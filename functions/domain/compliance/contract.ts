/**
 * The contract between the three parts of the compliance gates (issue 15), written first so they can be built
 * side by side:
 *   - recipients (onboarding state, tax forms, year-to-date totals) own the recipient record;
 *   - screening (the sanctions list, its matching and its cases) owns the `screening` part of that record;
 *   - holds (one mechanism for every gate, before funds move) read a RecipientCompliance snapshot and decide.
 *
 * Storage (docs/compliance.md): one RecipientsTable (pk/sk, like the others).
 *   pk = `TENANT#{tenantId}#RECIPIENT#{recipientId}`
 *     sk = `RECIPIENT`             the recipient; its attribute `screening` (a ScreeningSnapshot) is written only
 *                                  by the screening adapters, with a condition on `screeningVersion`
 *     sk = `TAXFORM#{version}`     every tax form ever captured, zero-padded to 6 digits, never overwritten
 *     sk = `SCREENING#{caseId}`    a screening case with its evidence
 */

export const RECIPIENT_KINDS = ['individual', 'business'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** `pending_information → in_review → verified | rejected`. */
export const ONBOARDING_STATES = ['pending_information', 'in_review', 'verified', 'rejected'] as const;
export type OnboardingState = (typeof ONBOARDING_STATES)[number];

/** What a recipient still lacks, machine-readable, per corridor policy. */
export const REQUIREMENT_CODES = ['tax_form', 'date_of_birth', 'business_registration', 'address', 'tax_id'] as const;
export type RequirementCode = (typeof REQUIREMENT_CODES)[number];

export const TAX_FORM_TYPES = ['W-9', 'W-8BEN', 'W-8BEN-E'] as const;
export type TaxFormType = (typeof TAX_FORM_TYPES)[number];

/** `not_required`: the corridor policy asks for no form; `expired`: the newest form is past its validity. */
export const TAX_FORM_STATES = ['missing', 'valid', 'expired', 'not_required'] as const;
export type TaxFormState = (typeof TAX_FORM_STATES)[number];

/** `confirmed_match` blocks for good; `potential_match` holds until compliance decides the case. */
export const SCREENING_STATES = ['unscreened', 'clear', 'potential_match', 'confirmed_match'] as const;
export type ScreeningState = (typeof SCREENING_STATES)[number];

export interface ScreeningSnapshot {
  state: ScreeningState;
  /** The open or deciding case, when there is one. */
  caseId?: string;
  /** The best match score, 0..1. */
  score?: number;
  /** The list version the recipient was last screened against. */
  listVersion?: string;
  screenedAt?: string;
}

export interface TaxFormSnapshot {
  state: TaxFormState;
  formType?: TaxFormType;
  version?: number;
  /** ISO date (YYYY-MM-DD) after which the form is no longer valid; absent when it does not expire. */
  expiresOn?: string;
}

/** What the holds read of a recipient: no account numbers and no tax ids, only states. */
export interface RecipientCompliance {
  tenantId: string;
  recipientId: string;
  kind: RecipientKind;
  /** ISO 3166-1 alpha-2. */
  country: string;
  onboarding: { state: OnboardingState; requirements: RequirementCode[] };
  taxForm: TaxFormSnapshot;
  screening: ScreeningSnapshot;
}

/** Reads the snapshot (implemented by the recipients adapters). Undefined: no such recipient in this tenant. */
export interface RecipientComplianceSource {
  get(tenantId: string, recipientId: string): Promise<RecipientCompliance | undefined>;
}

export const HOLD_KINDS = ['approval', 'onboarding', 'tax_form', 'screening', 'corridor_enablement'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

/** Whose role may release a hold of each kind (the access matrix names the scope). */
export const HOLD_OWNERS = ['approver', 'compliance', 'tenant', 'ops'] as const;
export type HoldOwner = (typeof HOLD_OWNERS)[number];

export interface Hold {
  holdId: string;
  kind: HoldKind;
  owner: HoldOwner;
  openedAt: string;
  /** What releases it, machine-readable (`tax_form:W-8BEN`, `screening_case:{caseId}`, `approval`, …). */
  requirement: string;
  evidence: Record<string, string | number | boolean>;
  releasedAt?: string;
  releasedBy?: string;
}

/**
 * What screening tells the holds when a recipient's state changes after payouts exist (a list update, a
 * decision). Implemented by the holds adapters; called by the screening use cases.
 */
export interface RecipientHoldSignals {
  /** A potential match: hold every payout of the recipient that has not reached a provider. */
  screeningMatched(tenantId: string, recipientId: string, evidence: Hold['evidence'], at: string): Promise<void>;
  /** Cleared: release the screening holds of the recipient's payouts. */
  screeningCleared(tenantId: string, recipientId: string, caseId: string, by: string, at: string): Promise<void>;
}
