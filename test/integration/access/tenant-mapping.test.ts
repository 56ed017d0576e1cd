// The pre-token trigger reads its tenant mapping through a signed GetItem (no SDK client in its
// bundle): against DynamoDB Local, it reads back exactly what the directory wrote through the SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromEnv, signedGetItem } from '../../../functions/adapters/signed-get-item';
import { TenantDirectory } from '../../../functions/adapters/tenant-directory';
import { tenantMappingReader } from '../../../functions/adapters/tenant-mapping';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

let emulators: StartedEmulators;
let tableName: string;

beforeAll(async () => {
  emulators = await startEmulators();
  tableName = emulators.env['OPERATIONS_TABLE']!;
});

afterAll(async () => {
  await emulators?.stop();
});

const record = (clientId: string, status: 'active' | 'disabled') => ({
  tenantId: 'acme',
  role: 'backend' as const,
  clientId,
  clientName: `${clientId} name`,
  status,
  scopes: [],
  secretLocation: 'file',
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('tenant mapping through the signed GetItem', () => {
  it('reads what the directory wrote, and nothing for a client without a mapping', async () => {
    const directory = new TenantDirectory(emulators.clients.documentClient, tableName);
    await directory.add([record('client-on', 'active'), record('client-off', 'disabled')]);
    const getItem = signedGetItem({
      region: emulators.env['AWS_REGION']!,
      endpoint: emulators.endpoints.dynamodb,
      credentials: credentialsFromEnv(emulators.env),
    });
    const read = tenantMappingReader(getItem, tableName);
    for (const clientId of ['client-on', 'client-off', 'client-unknown'])
      expect(await read(clientId), clientId).toEqual(await directory.mappingOf(clientId));
    expect(await read('client-on')).toEqual({ tenantId: 'acme', role: 'backend', status: 'active' });
    expect(await read('client-off')).toEqual({ tenantId: 'acme', role: 'backend', status: 'disabled' });
    expect(await read('client-unknown')).toBeUndefined();
  });

  it('names the refusal of a table that does not exist, without retrying it', async () => {
    const getItem = signedGetItem({
      region: emulators.env['AWS_REGION']!,
      endpoint: emulators.endpoints.dynamodb,
      credentials: credentialsFromEnv(emulators.env),
    });
    await expect(getItem('no-such-table', { pk: 'a', sk: 'b' })).rejects.toMatchObject({
      name: 'SignedGetItemError',
      code: 'ResourceNotFoundException',
      retryable: false,
    });
  });
});
