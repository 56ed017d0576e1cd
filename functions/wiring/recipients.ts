import { KMSClient } from '@aws-sdk/client-kms';
import { AuditTrail } from '../adapters/audit-trail';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { corridorMatrix } from '../adapters/corridors-config';
import type { DataKeyProvider } from '../adapters/recipients/envelope';
import { kmsKeyProvider } from '../adapters/recipients/kms-key-provider';
import { localKeyProvider } from '../adapters/recipients/local-key-provider';
import { RecipientsRepository } from '../adapters/recipients/recipients-repository';
import type { OpsRecipientsDeps, RecipientsDeps } from '../app/recipients/recipients-deps';
import { ENV } from '../shared/names';

/**
 * Composition root of the recipients: RecipientsTable through the repository, its secrets sealed
 * under a data key from KMS (RECIPIENT_DATA_KEY_ARN, set by CDK) or, in the twin, from the local
 * master key (RECIPIENT_LOCAL_MASTER_KEY, set by the twin only: test/infra/stack-recipients.test.ts
 * holds that CDK never sets it, so in AWS the key is always KMS's). With neither the cold start fails.
 */
const KMS_MAX_ATTEMPTS = 3;

export function recipientDataKeys(): DataKeyProvider {
  const localKey = process.env[ENV.recipientLocalMasterKey];
  if (localKey !== undefined && localKey !== '') return localKeyProvider(Buffer.from(localKey, 'base64'));
  const keyArn = process.env[ENV.recipientDataKeyArn];
  if (keyArn === undefined || keyArn === '')
    throw new Error(
      `missing environment variable ${ENV.recipientDataKeyArn} (or, in the twin, ${ENV.recipientLocalMasterKey})`,
    );
  return kmsKeyProvider(new KMSClient({ maxAttempts: KMS_MAX_ATTEMPTS }), keyArn);
}

export function recipientsRepository(): RecipientsRepository {
  return new RecipientsRepository(dynamoDocumentClient(), requiredEnv(ENV.recipientsTable), recipientDataKeys());
}

export function recipientsDeps(): RecipientsDeps {
  return {
    recipients: recipientsRepository(),
    corridors: corridorMatrix(),
    nowMs: () => Date.now(),
    logError: (message, error) =>
      console.error(
        JSON.stringify({ level: 'ERROR', message, error: error instanceof Error ? error.name : 'unknown' }),
      ),
  };
}

/** The compliance routes' deps: the same, and the audit trail every read in clear and every decision goes to. */
export function opsRecipientsDeps(): OpsRecipientsDeps {
  return { ...recipientsDeps(), audit: new AuditTrail(dynamoDocumentClient(), requiredEnv(ENV.auditTable)) };
}

/** RecipientsTable with its envelope keys, for an entry that only reads and writes records (create-payout). */
export const recipientsRepositoryFromEnv = recipientsRepository;
