import { createHash } from 'node:crypto';
import type { Destination } from '../../domain/recipient';
import type { PayoutRequestBody } from '../../http/schemas';

/**
 * Per-field hashes of a request, kept with the idempotency record and the key lock so a reused key
 * with a different body can be answered with the *names* of the differing fields without storing
 * account numbers (or free text) in clear. Salted with the payout id of the first create request,
 * or a random salt of the first action request (app/actions/idempotent-action.ts), so a hash cannot
 * be looked up in a table of precomputed account-number hashes.
 */
const HASH_HEX_CHARS = 32;

/** A batch item's body (inline recipient only) is one of these too. */
export function fieldHashes(body: PayoutRequestBody, destination: Destination, salt: string): Record<string, string> {
  const fields: Record<string, unknown> = {
    amount: body.amount,
    currency: body.currency,
    'destination.country': destination.country,
    'destination.method': destination.method,
    'recipient.name': body.recipient?.name,
    'recipient.email': body.recipient?.email,
    recipient_id: body.recipient_id,
    description: body.description,
  };
  for (const [name, value] of Object.entries(destination.fields)) fields[`destination.${name}`] = value;
  for (const [name, value] of Object.entries(body.metadata ?? {})) fields[`metadata.${name}`] = value;
  return hashFieldValues(fields, salt);
}

/** Salted hash of each field (path → value); absent (`undefined`) fields get none. */
export function hashFieldValues(fields: Readonly<Record<string, unknown>>, salt: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const [path, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    hashes[path] = createHash('sha256')
      .update(`${salt}\u0000${path}\u0000${JSON.stringify(value)}`)
      .digest('hex')
      .slice(0, HASH_HEX_CHARS);
  }
  return hashes;
}

/**
 * A parsed JSON body as field paths (`reason`, `adjustment.account`): nested objects are walked,
 * arrays and scalars are leaves, so a differing item of a list names the list.
 */
export function flattenFields(body: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(fields, flattenFields(value as Record<string, unknown>, path));
    } else {
      fields[path] = value;
    }
  }
  return fields;
}

/** Field paths present in one request and not the other, or present in both with different values; sorted. */
export function differingFields(first: Record<string, string>, second: Record<string, string>): string[] {
  const paths = new Set([...Object.keys(first), ...Object.keys(second)]);
  return [...paths].filter((path) => first[path] !== second[path]).sort();
}
