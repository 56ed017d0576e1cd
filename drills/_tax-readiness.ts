import { csvRows } from './_csv.js';
import type { Check } from './_twin.js';

type Json = Record<string, any>;
type Get = (path: string) => Promise<{ status: number; body: Json }>;

export interface PaidRecipient {
  recipientId: string;
  amountMinor: number;
  currency: string;
}

/**
 * Finance's side of the compliance-hold drill: `GET /exports/tax-readiness` for the tenant and the
 * year the drill's payouts were paid in, its CSV downloaded through the presigned URL, and each paid
 * recipient's 1042-S row read back. A tenant backend is refused the export (finance's scope). The
 * recipients are fresh per run (fresh account numbers), so each row holds exactly the drill's payout.
 */
export async function taxReadinessChecks(
  asFinance: Get,
  asBackend: Get,
  input: { tenantId: string; taxYear: number; withW8: PaidRecipient; withoutForm: PaidRecipient },
  log: (line: string) => void,
): Promise<{ checks: Check[]; evidence: Json }> {
  const path = `/exports/tax-readiness?tax_year=${input.taxYear}&tenant_id=${encodeURIComponent(input.tenantId)}`;
  log(`finance: GET ${path}, and the CSV through its presigned URL`);
  const exported = await asFinance(path);
  const url = exported.body['file']?.['url'];
  const rows = typeof url === 'string' ? csvRows(await fetch(url).then((r) => r.text())) : [];
  const rowOf = (recipientId: string) => rows.find((r) => r['recipient_id'] === recipientId);
  const w8 = rowOf(input.withW8.recipientId);
  const unformed = rowOf(input.withoutForm.recipientId);
  log(`  → ${exported.status}, ${rows.length} rows, actions ${JSON.stringify(exported.body['actions'])}`);
  const refused = await asBackend(path);
  const rowFacts = (row: Record<string, string> | undefined) =>
    row === undefined
      ? null
      : [row['form'], row['currency'], Number(row['paid_minor']), row['tax_form_state'], row['action']];
  return {
    checks: [
      {
        what: `finance exports the ${input.taxYear} 1099-NEC / 1042-S readiness for tenant ${input.tenantId}`,
        expected: [200, input.taxYear, true],
        saw: [exported.status, exported.body['tax_year'], rows.length >= 2],
      },
      {
        what: 'the W-8BEN recipient is on it: a 1042-S payee, its year-to-date total, the form on file, converted by finance (not USD)',
        expected: ['1042-S', input.withW8.currency, input.withW8.amountMinor, 'valid', 'convert_currency'],
        saw: rowFacts(w8),
      },
      {
        what: 'the cleared screening recipient, paid without a W-8 on file, is listed to collect one before filing',
        expected: ['1042-S', input.withoutForm.currency, input.withoutForm.amountMinor, 'collect_form'],
        saw: rowFacts(unformed)?.filter((_, i) => i !== 3) ?? null,
      },
      {
        what: "a tenant backend cannot read finance's export",
        expected: [403, 'insufficient_scope'],
        saw: [refused.status, refused.body['error']?.['code']],
      },
    ],
    evidence: {
      tax_year: input.taxYear,
      key: exported.body['file']?.['key'] ?? null,
      rows: rows.length,
      actions: exported.body['actions'] ?? null,
      drill_rows: [w8, unformed].filter((r) => r !== undefined),
    },
  };
}
