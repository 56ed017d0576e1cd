// Validation of POST /v1/payouts bodies: the sandbox refuses what a real provider would (400),
// so our adapter's classification of 4xx answers is exercised against a real server.
import type { SandboxCreatePayoutRequest } from '../../functions/adapters/providers/sandbox-api.js';

/** Longest idempotency key accepted, as Stripe's (255 characters). */
export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;

export type Validation = { ok: true; body: SandboxCreatePayoutRequest } | { ok: false; param: string; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every((v) => typeof v === 'string');

export function validateCreatePayout(value: unknown): Validation {
  const fail = (param: string, message: string): Validation => ({ ok: false, param, message });
  if (!isRecord(value)) return fail('', 'body must be a JSON object');
  const { amount, currency, destination, recipient, description, metadata } = value;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0)
    return fail('amount', 'amount must be a positive integer in minor units');
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency))
    return fail('currency', 'currency must be an upper-case ISO 4217 code');
  if (!isRecord(destination)) return fail('destination', 'destination is required');
  if (typeof destination.country !== 'string' || !COUNTRY_PATTERN.test(destination.country))
    return fail('destination.country', 'destination.country must be ISO 3166-1 alpha-2');
  if (typeof destination.method !== 'string' || destination.method === '')
    return fail('destination.method', 'destination.method is required');
  if (!isStringMap(destination.fields) || Object.keys(destination.fields).length === 0)
    return fail('destination.fields', 'destination.fields must be a non-empty map of strings');
  if (!isRecord(recipient) || typeof recipient.name !== 'string' || recipient.name === '')
    return fail('recipient.name', 'recipient.name is required');
  if (recipient.email !== undefined && typeof recipient.email !== 'string')
    return fail('recipient.email', 'recipient.email must be a string');
  if (description !== undefined && typeof description !== 'string')
    return fail('description', 'description must be a string');
  if (!isStringMap(metadata) || typeof metadata.payout_id !== 'string' || metadata.payout_id === '')
    return fail('metadata.payout_id', 'metadata.payout_id (your payout id) is required');
  return { ok: true, body: value as unknown as SandboxCreatePayoutRequest };
}

export function validIdempotencyKey(key: string | undefined): key is string {
  return key !== undefined && key.length > 0 && key.length <= IDEMPOTENCY_KEY_LENGTH_MAX && /^[\x21-\x7e]+$/.test(key);
}
