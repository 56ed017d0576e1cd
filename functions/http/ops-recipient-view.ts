import * as z from 'zod';
import { SCREENING_STATES, type ScreeningSnapshot } from '../domain/compliance/contract';
import type { RecipientDestination } from '../domain/compliance/recipient-record';
import {
  recipientDestinationViewSchema,
  recipientViewSchema,
  taxFormView,
  taxFormViewSchema,
  type RecipientView,
  type StoredTaxForm,
} from './recipient-view';

/**
 * GET /ops/recipients/{recipientId} (compliance:review, audited per read): the one answer that shows
 * account numbers and TINs in clear, for the review of a recipient. Everything else masks them.
 */
export const complianceRecipientViewSchema = recipientViewSchema.extend({
  tenant_id: z.string(),
  destinations: z.array(recipientDestinationViewSchema).describe('Account fields in clear (audited read)'),
  tax_forms: z
    .array(taxFormViewSchema.extend({ tin: z.string().optional().describe('The TIN in clear (audited read)') }))
    .describe('Every version captured, oldest first'),
  screening: z.object({
    state: z.enum(SCREENING_STATES),
    case_id: z.string().optional(),
    score: z.number().optional(),
    list_version: z.string().optional(),
    screened_at: z.string().optional(),
  }),
  created_by: z.string().optional(),
  onboarding_decided_by: z.string().optional(),
});
export type ComplianceRecipientView = z.infer<typeof complianceRecipientViewSchema>;

export interface ComplianceViewParts {
  tenantId: string;
  view: RecipientView;
  destinations: RecipientDestination[];
  taxForms: { form: StoredTaxForm; tin: string | undefined }[];
  screening: ScreeningSnapshot;
  createdBy?: string;
  onboardingDecidedBy?: string;
}

export function complianceRecipientView(parts: ComplianceViewParts): ComplianceRecipientView {
  const { screening } = parts;
  return {
    ...parts.view,
    tenant_id: parts.tenantId,
    destinations: parts.destinations.map((d) => ({
      currency: d.currency,
      country: d.country,
      method: d.method,
      fields: { ...d.fields },
    })),
    tax_forms: parts.taxForms.map(({ form, tin }) => ({ ...taxFormView(form), ...(tin === undefined ? {} : { tin }) })),
    screening: {
      state: screening.state,
      ...(screening.caseId === undefined ? {} : { case_id: screening.caseId }),
      ...(screening.score === undefined ? {} : { score: screening.score }),
      ...(screening.listVersion === undefined ? {} : { list_version: screening.listVersion }),
      ...(screening.screenedAt === undefined ? {} : { screened_at: screening.screenedAt }),
    },
    ...(parts.createdBy === undefined ? {} : { created_by: parts.createdBy }),
    ...(parts.onboardingDecidedBy === undefined ? {} : { onboarding_decided_by: parts.onboardingDecidedBy }),
  };
}
