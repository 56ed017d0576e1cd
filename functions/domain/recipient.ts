/**
 * Where a payout goes, unmasked. This shape exists only on the submission path (the submitter
 * reads it to call the provider); everything shown to callers or logged uses MaskedDestination.
 */
export interface Destination {
  country: string;
  method: string;
  /** Corridor-specific account fields (`iban`, `account_number`, `routing_number`, `sort_code`, …). */
  fields: Record<string, string>;
}

/** Characters left visible at the end of a masked value. */
export const MASK_VISIBLE_CHARS = 4;
const MASK_CHAR = '•';

/**
 * Masks all but the last four characters. Values of four characters or fewer are fully masked:
 * showing all of a short value would show all of it.
 */
export function maskValue(value: string): string {
  if (value.length <= MASK_VISIBLE_CHARS) return MASK_CHAR.repeat(value.length);
  return MASK_CHAR.repeat(value.length - MASK_VISIBLE_CHARS) + value.slice(-MASK_VISIBLE_CHARS);
}

/** Account fields that are not secret and stay readable (a bank code identifies the bank, not the account). */
const PUBLIC_FIELDS = new Set(['routing_number', 'sort_code', 'bic', 'ifsc']);

export function maskDestination(destination: Destination): {
  country: string;
  method: string;
  fields: Record<string, string>;
} {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(destination.fields))
    fields[name] = PUBLIC_FIELDS.has(name) ? value : maskValue(value);
  return { country: destination.country, method: destination.method, fields };
}
