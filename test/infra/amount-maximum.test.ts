import { beforeAll, describe, expect, it } from 'vitest';
import { PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../../functions/shared/names';
import { functionByName, loadStack } from './support/stack-fixture';

// The amount maximum create-payout enforces is the one GET /openapi.json states: the stack hands
// both functions the same PAYOUT_AMOUNT_MAX_MINOR, by default the shared default.
beforeAll(loadStack);

describe('PAYOUT_AMOUNT_MAX_MINOR', () => {
  it('is the shared default on create-payout and get-openapi alike', () => {
    const env = (name: string) => functionByName(name)[1].Properties.Environment.Variables;
    expect(env('create-payout')['PAYOUT_AMOUNT_MAX_MINOR']).toBe(String(PAYOUT_AMOUNT_MAX_MINOR_DEFAULT));
    expect(env('get-openapi')['PAYOUT_AMOUNT_MAX_MINOR']).toBe(env('create-payout')['PAYOUT_AMOUNT_MAX_MINOR']);
    expect(PAYOUT_AMOUNT_MAX_MINOR_DEFAULT).toBe(100_000_000);
  });
});
