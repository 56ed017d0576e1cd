import { KMSClient } from '@aws-sdk/client-kms';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import type { DataKeyProvider } from '../adapters/recipients/envelope';
import { kmsKeyProvider } from '../adapters/recipients/kms-key-provider';
import { localKeyProvider } from '../adapters/recipients/local-key-provider';
import { RecipientsRepository } from '../adapters/recipients/recipients-repository';
import { ENV } from '../shared/names';

/**
 * RecipientsTable with its envelope keys, for any entry that reads or writes recipients. The twin's
 * local master key wins when set (the twin sets it, and its template also resolves the key ARN to a
 * local name no KMS answers); CDK never sets it (test/infra/stack-recipients.test.ts), so in AWS the
 * ARN decides. Neither set refuses to start rather than store account numbers unsealed.
 */
export function recipientsRepositoryFromEnv(): RecipientsRepository {
  return new RecipientsRepository(dynamoDocumentClient(), requiredEnv(ENV.recipientsTable), dataKeyProvider());
}

function dataKeyProvider(): DataKeyProvider {
  const localKey = process.env[ENV.recipientLocalMasterKey];
  if (localKey !== undefined && localKey !== '') return localKeyProvider(Buffer.from(localKey, 'base64'));
  const keyArn = process.env[ENV.recipientDataKeyArn];
  if (keyArn === undefined || keyArn === '')
    throw new Error(`${ENV.recipientDataKeyArn} (or, in the twin, ${ENV.recipientLocalMasterKey}) is required`);
  return kmsKeyProvider(new KMSClient({}), keyArn);
}
