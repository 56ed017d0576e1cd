import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { EnvelopeError, type DataKeyProvider } from './envelope';

/**
 * Data keys from AWS KMS: GenerateDataKey (AES_256) under the recipients' key, Decrypt to unwrap.
 * The EncryptionContext (tenant and recipient) is bound into the wrapped key and logged by
 * CloudTrail with every Decrypt, so each unwrap names the record it opened.
 */
export function kmsKeyProvider(kms: KMSClient, keyArn: string): DataKeyProvider {
  return {
    generate: async (context) => {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      if (out.Plaintext === undefined || out.CiphertextBlob === undefined)
        throw new EnvelopeError('KMS GenerateDataKey returned no key');
      return {
        plaintext: Buffer.from(out.Plaintext),
        wrapped: Buffer.from(out.CiphertextBlob).toString('base64'),
        masterKeyId: out.KeyId ?? keyArn,
      };
    },
    unwrap: async (wrapped, masterKeyId, context) => {
      const out = await kms.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(wrapped, 'base64'),
          // Pinning the key id refuses a blob wrapped by any other key (KMS would otherwise pick it from the blob).
          KeyId: masterKeyId,
          EncryptionContext: context,
        }),
      );
      if (out.Plaintext === undefined) throw new EnvelopeError('KMS Decrypt returned no key');
      return Buffer.from(out.Plaintext);
    },
  };
}
