import { describe, expect, it } from 'vitest';
import { parseCreatePayoutRequest } from '../../../functions/http/create-payout-request';
import { corridorMatrix } from '../../../functions/adapters/corridors-config';
import { BAD_INPUTS, DEFAULT_HEADERS, VALID_BODY, eventBodyOf, headersFor } from './bad-inputs';

const config = { amountMaxMinor: 100_000_000, corridors: corridorMatrix() };

describe('create payout request validation', () => {
  it('accepts the valid body and canonicalises the destination', () => {
    const request = parseCreatePayoutRequest(
      { headers: DEFAULT_HEADERS, body: JSON.stringify(VALID_BODY), isBase64Encoded: false },
      config,
    );
    expect(request.destination).toEqual({ country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } });
    expect(request.body.amount).toBe(12_500);
  });

  it.each(BAD_INPUTS)('$name → $status $code', (input) => {
    let caught: unknown;
    try {
      parseCreatePayoutRequest({ headers: headersFor(input), ...eventBodyOf(input) }, config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      name: 'ApiError',
      status: input.status,
      code: input.code,
      ...(input.param === undefined ? {} : { param: input.param }),
    });
    if (input.reason !== undefined) expect((caught as { details?: unknown }).details).toEqual({ reason: input.reason });
    if (input.fields !== undefined) expect((caught as { details?: unknown }).details).toEqual({ fields: input.fields });
  });

  it('normalises text to NFC: a name typed decomposed is stored composed', () => {
    const body = {
      ...VALID_BODY,
      recipient: { name: 'Zoe\u0301 Ada' },
      description: 'cafe\u0301',
      metadata: { note: 'n\u0303' },
    };
    const request = parseCreatePayoutRequest(
      { headers: DEFAULT_HEADERS, body: JSON.stringify(body), isBase64Encoded: false },
      config,
    );
    expect([request.body.recipient?.name, request.body.description, request.body.metadata?.['note']]).toEqual([
      'Zo\u00e9 Ada',
      'caf\u00e9',
      '\u00f1',
    ]);
  });

  it.each([
    ['a right-to-left name', 'أحمد الفارسي'],
    ['a name with an emoji joined by ZWJ', 'Ada 👩\u200D💻'],
    ['a Persian name with a zero-width non-joiner', 'می\u200Cخواهم'],
    ['a name with accents', 'Zoë Ångström-Øre'],
  ])('accepts %s', (_name, name) => {
    const request = parseCreatePayoutRequest(
      {
        headers: DEFAULT_HEADERS,
        body: JSON.stringify({ ...VALID_BODY, recipient: { name } }),
        isBase64Encoded: false,
      },
      config,
    );
    expect(request.body.recipient?.name).toBe(name.normalize('NFC'));
  });

  it('reads a base64-encoded body (API Gateway hands non-text bodies over that way)', () => {
    const request = parseCreatePayoutRequest(
      {
        headers: DEFAULT_HEADERS,
        body: Buffer.from(JSON.stringify(VALID_BODY)).toString('base64'),
        isBase64Encoded: true,
      },
      config,
    );
    expect(request.body.amount).toBe(12_500);
  });
});
