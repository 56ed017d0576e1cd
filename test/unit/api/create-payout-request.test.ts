import { describe, expect, it } from 'vitest';
import { parseCreatePayoutRequest } from '../../../functions/api/create-payout-request';
import { corridorMatrix } from '../../../functions/adapters/corridors-config';
import { BAD_INPUTS, DEFAULT_HEADERS, VALID_BODY, bodyString, headersFor } from './bad-inputs';

const config = { amountMaxMinor: 100_000_000, corridors: corridorMatrix() };

describe('create payout request validation', () => {
  it('accepts the valid body and canonicalises the destination', () => {
    const request = parseCreatePayoutRequest({ headers: DEFAULT_HEADERS, body: JSON.stringify(VALID_BODY), isBase64Encoded: false }, config);
    expect(request.destination).toEqual({ country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } });
    expect(request.body.amount).toBe(12_500);
  });

  it.each(BAD_INPUTS)('$name → $status $code', (input) => {
    let caught: unknown;
    try {
      parseCreatePayoutRequest({ headers: headersFor(input), body: bodyString(input.body), isBase64Encoded: false }, config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'ApiError', status: input.status, code: input.code, ...(input.param === undefined ? {} : { param: input.param }) });
  });
});
