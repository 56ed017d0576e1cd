import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of a recipient's secrets (account numbers, tax ids): one data key per record
 * write, from a DataKeyProvider (KMS in AWS, a local key in the twin: the same code path), each
 * value sealed with AES-256-GCM under it. The value's AAD binds it to its record and field, so a
 * ciphertext copied to another recipient or field fails to open instead of showing the wrong number.
 */

/** AES-256: a 32-byte data key. */
export const DATA_KEY_BYTES = 32;
/** GCM's recommended 96-bit nonce; a fresh one per value, never reused under a key. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
/** The envelope format; a reader refuses a version it does not know rather than guess. */
export const ENVELOPE_VERSION = 1;

export interface DataKey {
  plaintext: Buffer;
  /** The data key wrapped by the master key (KMS CiphertextBlob), base64: stored beside the values. */
  wrapped: string;
  /** Which master key wrapped it (the KMS key ARN, or `local:<id>`). */
  masterKeyId: string;
}

/** The context is the KMS EncryptionContext: both calls must present the same one. */
export interface DataKeyProvider {
  generate(context: Record<string, string>): Promise<DataKey>;
  unwrap(wrapped: string, masterKeyId: string, context: Record<string, string>): Promise<Buffer>;
}

/** The stored form: what DynamoDB holds instead of the plaintext. */
export interface SealedSecrets {
  v: number;
  masterKeyId: string;
  wrappedKey: string;
  /** field path → `iv.tag.ciphertext`, each base64. */
  values: Record<string, string>;
}

export class EnvelopeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvelopeError';
  }
}

const aadOf = (context: Record<string, string>, field: string): Buffer =>
  Buffer.from(JSON.stringify([...Object.entries(context).sort(([a], [b]) => a.localeCompare(b)), field]));

/** Seals every value of `secrets` under one fresh data key. */
export async function sealSecrets(
  provider: DataKeyProvider,
  context: Record<string, string>,
  secrets: Record<string, string>,
): Promise<SealedSecrets> {
  const key = await provider.generate(context);
  try {
    const values: Record<string, string> = {};
    for (const [field, value] of Object.entries(secrets)) {
      const iv = randomBytes(GCM_IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv, { authTagLength: GCM_TAG_BYTES });
      cipher.setAAD(aadOf(context, field));
      const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      values[field] = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64')).join('.');
    }
    return { v: ENVELOPE_VERSION, masterKeyId: key.masterKeyId, wrappedKey: key.wrapped, values };
  } finally {
    key.plaintext.fill(0);
  }
}

/** Opens every value; a tampered, misplaced or foreign value throws EnvelopeError (never a wrong plaintext). */
export async function openSecrets(
  provider: DataKeyProvider,
  context: Record<string, string>,
  sealed: SealedSecrets,
): Promise<Record<string, string>> {
  if (sealed.v !== ENVELOPE_VERSION) throw new EnvelopeError(`unknown envelope version ${String(sealed.v)}`);
  const key = await provider.unwrap(sealed.wrappedKey, sealed.masterKeyId, context);
  try {
    const opened: Record<string, string> = {};
    for (const [field, packed] of Object.entries(sealed.values)) opened[field] = openOne(key, context, field, packed);
    return opened;
  } finally {
    key.fill(0);
  }
}

function openOne(key: Buffer, context: Record<string, string>, field: string, packed: string): string {
  const [iv, tag, ciphertext] = packed.split('.').map((part) => Buffer.from(part, 'base64'));
  if (iv === undefined || tag === undefined || ciphertext === undefined)
    throw new EnvelopeError(`sealed value ${field} is malformed`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(aadOf(context, field));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new EnvelopeError(`sealed value ${field} does not open under its record's key`, { cause: error });
  }
}
