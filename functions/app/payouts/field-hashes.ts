import { createHash } from 'node:crypto';
import type { Destination } from '../../domain/recipient';
import type { CreatePayoutBody } from '../../http/schemas';

/**
 * Per-field hashes of a create request, kept with the idempotency record and the key lock so a
 * reused key with a different body can be answered with the *names* of the differing fields
 * without storing account numbers in clear. Salted with the payout id of the first request, so a
 * hash cannot be looked up in a table of precomputed account-number hashes.
 */
const HASH_HEX_CHARS = 32;

export function fieldHashes(body: CreatePayoutBody, destination: Destination, salt: string): Record<string, string> {
  const fields: Record<string, unknown> = {
    amount: body.amount,
    currency: body.currency,
    'destination.country': destination.country,
    'destination.method': destination.method,
    'recipient.name': body.recipient.name,
    'recipient.email': body.recipient.email,
    description: body.description,
  };
  for (const [name, value] of Object.entries(destination.fields)) fields[`destination.${name}`] = value;
  for (const [name, value] of Object.entries(body.metadata ?? {})) fields[`metadata.${name}`] = value;
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

/** Field paths present in one request and not the other, or present in both with different values; sorted. */
export function differingFields(first: Record<string, string>, second: Record<string, string>): string[] {
  const paths = new Set([...Object.keys(first), ...Object.keys(second)]);
  return [...paths].filter((path) => first[path] !== second[path]).sort();
}
