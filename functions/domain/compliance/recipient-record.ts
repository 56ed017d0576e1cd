import { createHash } from 'node:crypto';
import type { Destination } from '../recipient';
import type { OnboardingState, RecipientKind, RequirementCode, TaxFormType } from './contract';

/**
 * A recipient as the recipients use cases hold it. Destinations and the tax id are here in clear;
 * the repository seals them (adapters/recipients/envelope.ts) before anything is stored, and every
 * view masks them (http/recipient-view.ts).
 */
export interface RecipientDestination extends Destination {
  currency: string;
}

export interface Recipient {
  tenantId: string;
  recipientId: string;
  kind: RecipientKind;
  name: string;
  country: string;
  contact: { email?: string; phone?: string };
  /** Individuals only, ISO date. */
  dateOfBirth?: string;
  /** Businesses only: the company registration number. */
  registrationNumber?: string;
  address?: { line1: string; city: string; postalCode?: string; country: string };
  destinations: RecipientDestination[];
  onboarding: { state: OnboardingState; requirements: RequirementCode[] };
  /** The newest tax form captured (its versioned record is `TAXFORM#{version}`). */
  latestTaxForm?: { formType: TaxFormType; version: number; expiresOn?: string; tinLast4?: string };
  /** `api`: POST /recipients; `inline`: made behind an inline payout recipient. */
  origin: 'api' | 'inline';
  /** The principal that created it (a tenant app client's subject): compliance's decider must be another. */
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic concurrency: every write of the record is conditional on the version read. */
  version: number;
}

/**
 * `rcp_` + 32 hex digits of a SHA-256: of the tenant and Idempotency-Key (POST /recipients) or of the
 * tenant and the inline identity (a payout's inline recipient). Any other value names no recipient (404, no read).
 */
export const RECIPIENT_ID_PATTERN = /^rcp_[0-9a-f]{32}$/;
export const isRecipientId = (value: unknown): value is string =>
  typeof value === 'string' && RECIPIENT_ID_PATTERN.test(value);

/**
 * The id of the recipient behind an inline payout recipient: a hash of the tenant and the inline
 * identity (name, and the canonical destination), so a retried or repeated payout to the same
 * person and account finds the same record and never creates a second. A change of account is a
 * new identity on purpose: the old one's screening and forms do not vouch for a new account.
 */
export function inlineRecipientId(tenantId: string, name: string, destination: Destination): string {
  const fields = Object.keys(destination.fields)
    .sort()
    .map((field) => [field, destination.fields[field]]);
  const identity = JSON.stringify([
    tenantId,
    name.trim().toLowerCase(),
    destination.country,
    destination.method,
    fields,
  ]);
  return `rcp_${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

/** The id a POST /recipients with this Idempotency-Key mints: the same key can name only one recipient, for ever. */
export function keyedRecipientId(tenantId: string, idempotencyKey: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(['recipients', tenantId, idempotencyKey]))
    .digest('hex');
  return `rcp_${digest.slice(0, 32)}`;
}
