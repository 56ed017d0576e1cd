import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, openSecrets, sealSecrets } from '../../../../functions/adapters/recipients/envelope';
import { localKeyProvider } from '../../../../functions/adapters/recipients/local-key-provider';
import { inlineRecipientId } from '../../../../functions/domain/compliance/recipient-record';

const keys = localKeyProvider(randomBytes(32));
const context = { tenant_id: 'ten_a', recipient_id: 'rcp_1' };

describe('envelope', () => {
  it('round-trips, and stores neither the value nor the data key in clear', async () => {
    const sealed = await sealSecrets(keys, context, { tin: '912701234' });
    expect(JSON.stringify(sealed)).not.toContain('912701234');
    expect(await openSecrets(keys, context, sealed)).toEqual({ tin: '912701234' });
  });

  it.each([
    ['another record context', async (sealed: any) => openSecrets(keys, { ...context, recipient_id: 'rcp_2' }, sealed)],
    [
      'another field',
      async (sealed: any) => openSecrets(keys, context, { ...sealed, values: { other: sealed.values.tin } }),
    ],
    [
      'a flipped ciphertext bit',
      async (sealed: any) => {
        const [iv, tag, body] = sealed.values.tin.split('.');
        const flipped = Buffer.from(body, 'base64');
        flipped[0] = flipped[0]! ^ 1;
        return openSecrets(keys, context, {
          ...sealed,
          values: { tin: [iv, tag, flipped.toString('base64')].join('.') },
        });
      },
    ],
    ['another master key', async (sealed: any) => openSecrets(localKeyProvider(randomBytes(32)), context, sealed)],
    ['an unknown envelope version', async (sealed: any) => openSecrets(keys, context, { ...sealed, v: 2 })],
  ])('refuses to open under %s', async (_name, open) => {
    const sealed = await sealSecrets(keys, context, { tin: '912701234' });
    await expect(open(sealed)).rejects.toThrow(EnvelopeError);
  });
});

describe('inlineRecipientId', () => {
  const destination = { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } };
  it('is the same for the same tenant and identity, whatever the name case or spacing', () => {
    expect(inlineRecipientId('ten_a', 'Ada Lovelace', destination)).toBe(
      inlineRecipientId('ten_a', ' ada lovelace ', destination),
    );
    expect(inlineRecipientId('ten_a', 'Ada', destination)).toMatch(/^rcp_[0-9a-f]{32}$/);
  });
  it('differs by tenant and by account', () => {
    const id = inlineRecipientId('ten_a', 'Ada', destination);
    expect(inlineRecipientId('ten_b', 'Ada', destination)).not.toBe(id);
    expect(
      inlineRecipientId('ten_a', 'Ada', { ...destination, fields: { iban: 'FR1420041010050500013M02606' } }),
    ).not.toBe(id);
  });
});
