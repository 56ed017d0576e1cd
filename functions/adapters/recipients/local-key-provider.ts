import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, EnvelopeError, GCM_IV_BYTES, GCM_TAG_BYTES, type DataKeyProvider } from './envelope';

/**
 * The twin's master key: a 32-byte key held in memory that wraps data keys with AES-256-GCM the way
 * KMS would, so the envelope code path is the one AWS runs. Never wired in AWS (wiring/recipients.ts
 * chooses KMS whenever the key ARN is set).
 */
export function localKeyProvider(masterKey: Buffer, keyId = 'local:twin'): DataKeyProvider {
  if (masterKey.length !== DATA_KEY_BYTES) throw new Error(`the local master key is ${DATA_KEY_BYTES} bytes`);
  const aad = (context: Record<string, string>) =>
    Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))));
  return {
    generate: async (context) => {
      const plaintext = randomBytes(DATA_KEY_BYTES);
      const iv = randomBytes(GCM_IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: GCM_TAG_BYTES });
      cipher.setAAD(aad(context));
      const wrapped = Buffer.concat([
        iv,
        Buffer.concat([cipher.update(plaintext), cipher.final()]),
        cipher.getAuthTag(),
      ]);
      return { plaintext, wrapped: wrapped.toString('base64'), masterKeyId: keyId };
    },
    unwrap: async (wrapped, masterKeyId, context) => {
      if (masterKeyId !== keyId) throw new EnvelopeError(`data key wrapped by ${masterKeyId}, not ${keyId}`);
      const bytes = Buffer.from(wrapped, 'base64');
      const iv = bytes.subarray(0, GCM_IV_BYTES);
      const tag = bytes.subarray(bytes.length - GCM_TAG_BYTES);
      const body = bytes.subarray(GCM_IV_BYTES, bytes.length - GCM_TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', masterKey, iv, { authTagLength: GCM_TAG_BYTES });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch (error) {
        throw new EnvelopeError('the data key does not unwrap under this context', { cause: error });
      }
    },
  };
}
