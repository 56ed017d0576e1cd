import { hash } from 'node:crypto';
import { DomainError } from './domain-error';

/**
 * The canonical encoding the audit trail hashes (docs/audit.md, "Canonical encoding"). It is RFC 8785
 * (JSON Canonicalization Scheme) over the values an audit record may hold — strings, finite
 * numbers, booleans, null, arrays and plain objects:
 *
 * - JSON text (RFC 8259) with no whitespace between tokens;
 * - object members sorted by key, ascending, comparing keys as sequences of UTF-16 code units
 *   (JavaScript's default string order, RFC 8785 §3.2.3); a member whose value is `undefined` is
 *   absent (JSON's and DynamoDB's `removeUndefinedValues` reading of it);
 * - strings and numbers written as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2.2/3);
 * - the hash is SHA-256 over the UTF-8 bytes of that text, as 64 lower-case hex digits.
 *
 * Anything else — NaN, ±Infinity, `undefined` inside an array, a Date, a Map, a class instance, a
 * bigint — has no single JSON reading (or would not survive DynamoDB unchanged), so it is refused
 * with AuditEncodingError rather than guessed at: a record must hash the same when it is written,
 * when it is read back, and when a compliance officer re-hashes a line of the export with `sha256sum`.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A value the canonical encoding refuses: a programmer error in whoever built the record. */
export class AuditEncodingError extends DomainError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('audit_encoding_invalid', 'terminal', `audit record ${path}: ${message}`);
    this.name = 'AuditEncodingError';
  }
}

/** `value` as plain JSON data (undefined members dropped), or AuditEncodingError naming the path. */
export function toJsonValue(value: unknown, path = '$'): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AuditEncodingError(path, `${value} is not a finite number`);
    // -0 and 0 are one JSON number ("0"); store the one DynamoDB gives back.
    return value === 0 ? 0 : value;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (item === undefined)
        throw new AuditEncodingError(`${path}[${index}]`, 'undefined inside an array has no JSON reading');
      return toJsonValue(item, `${path}[${index}]`);
    });
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined) continue;
      out[key] = toJsonValue(member, `${path}.${key}`);
    }
    return out;
  }
  throw new AuditEncodingError(path, `a ${describe(value)} is not JSON data`);
}

/** The canonical JSON text of `value` (see the module comment). */
export function canonicalJson(value: unknown): string {
  return encode(toJsonValue(value));
}

/**
 * Lower-case hex SHA-256 of the canonical JSON text of `value`. The one-shot `hash` (a string is
 * hashed as its UTF-8 bytes) costs a third of a createHash/update/digest round for a record's size,
 * and every audited change hashes at least once.
 */
export function canonicalSha256(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}

function encode(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  // Default sort compares UTF-16 code units: exactly RFC 8785's member order.
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${encode(value[key]!)}`).join(',')}}`;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
}
