import * as z from 'zod';
import { REQUIREMENT_CODES } from './compliance/contract';
import { DomainError } from './domain-error';
import { CURRENCY_EXPONENTS, type CurrencyCode } from './money';
import type { Destination } from './recipient';
import { RECIPIENT_FIELDS, validateRecipientField, type RecipientField } from './recipient-fields';

/**
 * The launch matrix: for each (country, currency, method) the provider, the state and the account
 * fields the corridor requires. Anything not listed is out of scope and refused like `unsupported`.
 * The matrix lives in config/corridors.json; this module validates it (once, at cold start) and
 * answers the questions create asks.
 */
export const CORRIDOR_STATES = ['enabled', 'policy_gated', 'unsupported'] as const;
export type CorridorState = (typeof CORRIDOR_STATES)[number];

const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];

/**
 * What the corridor asks of a recipient before funds move (issue 15, docs/compliance.md): onboarding
 * requirements, and whether a valid tax form is required (which form follows from the recipient: a US
 * person files a W-9, a foreign one a W-8BEN or W-8BEN-E). Absent: nothing is asked.
 */
export const TAX_FORM_POLICIES = ['required', 'not_required'] as const;
/** Longest free text a corridor carries in one field (a note, a basis, a page's statement). */
export const CORRIDOR_TEXT_CHARS_MAX = 600;
export const corridorRequirementsSchema = z
  .object({
    onboarding: z.array(z.enum(REQUIREMENT_CODES)),
    tax_form: z.enum(TAX_FORM_POLICIES),
    basis: z.string().min(1).max(CORRIDOR_TEXT_CHARS_MAX).optional().describe('Why these requirements (and no others)'),
  })
  .strict();

/**
 * Corridor evidence (issue 15): the page a claim rests on, when it was read, and what it states. The
 * claims a page backs are named, so "the cut-off comes from here" is checkable; a claim no page
 * backs is listed in `unverified` with why, never left implicit.
 */
export const CORRIDOR_CLAIMS = ['required_fields', 'cutoff', 'eta', 'support_tier', 'account_enablement'] as const;
export type CorridorClaim = (typeof CORRIDOR_CLAIMS)[number];
/** The claims every enabled corridor must back with evidence or list as unverified. */
export const CORE_CORRIDOR_CLAIMS = ['required_fields', 'cutoff', 'eta'] as const satisfies readonly CorridorClaim[];
export const CORRIDOR_EVIDENCE_ITEMS_MAX = 8;
export const CORRIDOR_EVIDENCE_URL_CHARS_MAX = 300;
export const CORRIDOR_EVIDENCE_TITLE_CHARS_MAX = 200;

export const corridorEvidenceSchema = z
  .object({
    url: z
      .url({ protocol: /^https$/, hostname: z.regexes.domain })
      .max(CORRIDOR_EVIDENCE_URL_CHARS_MAX)
      .describe("The provider's country page or coverage document, or the scheme's own page (https)"),
    retrieved: z.iso.date().describe('When the page was read (YYYY-MM-DD)'),
    title: z.string().min(1).max(CORRIDOR_EVIDENCE_TITLE_CHARS_MAX),
    states: z.string().min(1).max(CORRIDOR_TEXT_CHARS_MAX).describe('What the page states, in our words'),
    supports: z.array(z.enum(CORRIDOR_CLAIMS)).describe('The corridor claims this page backs'),
  })
  .strict();
export type CorridorEvidence = z.infer<typeof corridorEvidenceSchema>;

export const corridorUnverifiedSchema = z
  .object({ claim: z.enum(CORRIDOR_CLAIMS), why: z.string().min(1).max(CORRIDOR_TEXT_CHARS_MAX) })
  .strict();

/** A provider's support tier for the corridor, or null where it tiers nothing; `why` either way. */
export const supportTierSchema = z
  .object({
    tier: z.string().min(1).max(CORRIDOR_EVIDENCE_TITLE_CHARS_MAX).nullable(),
    why: z.string().min(1).max(CORRIDOR_TEXT_CHARS_MAX),
  })
  .strict();

export const corridorSchema = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .describe('ISO 3166-1 alpha-2 country of the recipient bank'),
    currency: z.enum(currencyCodes).describe('ISO 4217 currency'),
    method: z
      .string()
      .regex(/^[a-z][a-z_]{1,31}$/)
      .describe('Payout rail'),
    provider: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/),
    state: z.enum(CORRIDOR_STATES),
    required_fields: z.array(z.enum(RECIPIENT_FIELDS)),
    cutoff: z.string().max(200),
    eta: z.string().max(200),
    note: z.string().max(500).optional(),
    requirements: corridorRequirementsSchema.optional(),
    evidence: z.array(corridorEvidenceSchema).max(CORRIDOR_EVIDENCE_ITEMS_MAX),
    support_tier: supportTierSchema,
    account_enablement_required: z
      .boolean()
      .describe('The provider (or our policy, for policy_gated) must enable the corridor for the account first'),
    unverified: z.array(corridorUnverifiedSchema).describe('What no retrieved page states, and why'),
  })
  .strict();
export type Corridor = z.infer<typeof corridorSchema>;

export const corridorMatrixSchema = z
  .object({ version: z.literal(1), corridors: z.array(corridorSchema).min(1) })
  .strict()
  .superRefine((matrix, context) => {
    const seen = new Set<string>();
    matrix.corridors.forEach((corridor, index) => {
      const key = corridorKey(corridor.country, corridor.currency, corridor.method);
      if (seen.has(key))
        context.addIssue({ code: 'custom', path: ['corridors', index], message: `duplicate corridor ${key}` });
      seen.add(key);
      for (const message of corridorProblems(corridor, key))
        context.addIssue({ code: 'custom', path: ['corridors', index], message });
    });
  });

/**
 * The rules one corridor's fields cannot state alone: an enabled corridor names its account fields,
 * its requirements and at least one page, and backs each core claim with a page or lists it as
 * unverified; a policy-gated corridor needs its enablement by definition.
 */
function corridorProblems(corridor: Corridor, key: string): string[] {
  const problems: string[] = [];
  if (corridor.state === 'policy_gated' && !corridor.account_enablement_required)
    problems.push(`policy_gated corridor ${key} must require account enablement`);
  if (corridor.state !== 'enabled') return problems;
  if (corridor.required_fields.length === 0) problems.push(`enabled corridor ${key} requires no account field`);
  if (corridor.evidence.length === 0) problems.push(`enabled corridor ${key} has no evidence`);
  if (corridor.requirements === undefined) problems.push(`enabled corridor ${key} states no requirements`);
  const backed = new Set<CorridorClaim>(corridor.evidence.flatMap((e) => e.supports));
  const unverified = new Set<CorridorClaim>(corridor.unverified.map((u) => u.claim));
  for (const claim of CORE_CORRIDOR_CLAIMS) {
    if (!backed.has(claim) && !unverified.has(claim))
      problems.push(`enabled corridor ${key}: no evidence backs ${claim} and it is not listed as unverified`);
  }
  return problems;
}
export type CorridorMatrix = z.infer<typeof corridorMatrixSchema>;

const corridorKey = (country: string, currency: string, method: string): string => `${country}/${currency}/${method}`;

/** Parses the matrix file; a bad file is a deployment bug, reported with every problem at once. */
export function parseCorridorMatrix(raw: unknown): CorridorMatrix {
  const result = corridorMatrixSchema.safeParse(raw);
  if (!result.success) throw new Error(`config/corridors.json is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export class CorridorError extends DomainError {
  constructor(
    code: 'corridor_not_enabled' | 'corridor_policy_gated' | 'corridor_requirements_not_batchable',
    category: 'terminal' | 'human_action_required',
    message: string,
  ) {
    super(code, category, message, { param: 'destination' });
    this.name = 'CorridorError';
  }
}

export function findCorridor(
  matrix: CorridorMatrix,
  country: string,
  currency: string,
  method: string,
): Corridor | undefined {
  return matrix.corridors.find((c) => c.country === country && c.currency === currency && c.method === method);
}

/** The corridor a payout may use; `policy_gated` needs a human, anything else not enabled is final. */
export function enabledCorridor(matrix: CorridorMatrix, country: string, currency: string, method: string): Corridor {
  const corridor = findCorridor(matrix, country, currency, method);
  const key = corridorKey(country, currency, method);
  if (corridor?.state === 'enabled') return corridor;
  if (corridor?.state === 'policy_gated') {
    throw new CorridorError(
      'corridor_policy_gated',
      'human_action_required',
      `corridor ${key} is gated by policy: ${corridor.note ?? 'contact support to enable it'}`,
    );
  }
  throw new CorridorError('corridor_not_enabled', 'terminal', `corridor ${key} is not enabled (see GET /corridors)`);
}

/**
 * The corridor a batch item may be paid through: an enabled one that asks nothing of the recipient.
 * A batch item has no recipient record (docs/batches.md), so it meets no onboarding requirement and
 * carries no tax form: paying it through a corridor whose policy asks for either would let funds move
 * past a gate a single payout is held at. Refused instead, per item, until batch items carry holds.
 */
export function batchableCorridor(matrix: CorridorMatrix, country: string, currency: string, method: string): Corridor {
  const corridor = enabledCorridor(matrix, country, currency, method);
  const requirements = corridor.requirements;
  const asked = [...(requirements?.onboarding ?? []), ...(requirements?.tax_form === 'required' ? ['tax_form'] : [])];
  if (asked.length === 0) return corridor;
  throw new CorridorError(
    'corridor_requirements_not_batchable',
    'human_action_required',
    `corridor ${corridorKey(country, currency, method)} asks the recipient for ${asked.join(', ')}, which a batch ` +
      'item cannot show: pay this recipient with POST /payouts, which holds the payout until they are met',
  );
}

/**
 * The corridor a single payout may be created on: an enabled one, or a `policy_gated` one, which the payout's
 * gates hold (`corridor_enablement`, compliance/gates.ts) until its tenant's account is enabled for it
 * (config/tenant-enablements.json). Anything else is refused as enabledCorridor refuses it. Recipients and batch
 * items still refuse a policy-gated corridor outright (enabledCorridor).
 */
export function payableCorridor(matrix: CorridorMatrix, country: string, currency: string, method: string): Corridor {
  const corridor = findCorridor(matrix, country, currency, method);
  if (corridor?.state === 'policy_gated') return corridor;
  return enabledCorridor(matrix, country, currency, method);
}

export class DestinationFieldError extends DomainError {
  constructor(code: 'destination_field_missing' | 'destination_field_unknown', field: string, message: string) {
    super(code, 'terminal', message, { param: `destination.${field}` });
    this.name = 'DestinationFieldError';
  }
}

/**
 * Checks the account fields against the corridor: every required field present and valid, no
 * field the corridor does not use (an ignored field is a silent misunderstanding). Errors come in
 * the corridor's field order, so the same bad request always names the same field first.
 */
export function validateDestination(
  corridor: Corridor,
  country: string,
  method: string,
  fields: Partial<Record<RecipientField, string>>,
): Destination {
  const canonical: Record<string, string> = {};
  for (const field of corridor.required_fields) {
    const value = fields[field];
    if (value === undefined)
      throw new DestinationFieldError(
        'destination_field_missing',
        field,
        `corridor ${corridor.country}/${corridor.currency}/${method} requires destination.${field}`,
      );
    canonical[field] = validateRecipientField(field, value, country);
  }
  for (const field of Object.keys(fields)) {
    if (!(corridor.required_fields as readonly string[]).includes(field)) {
      throw new DestinationFieldError(
        'destination_field_unknown',
        field,
        `corridor ${corridor.country}/${corridor.currency}/${method} does not use destination.${field}`,
      );
    }
  }
  return { country, method, fields: canonical };
}
