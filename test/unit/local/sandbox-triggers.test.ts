// The documented trigger accounts must pass our own validators' arithmetic: every IBAN mod-97,
// the routing number ABA's checksum. Recomputed here independently of how they were produced.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRIGGER,
  SANDBOX_TRIGGERS,
  SANDBOX_US_ROUTING_NUMBER,
  triggerFor,
} from '../../../local/sandbox/triggers.js';
import { failureFor, sandboxFeeMinor, scheduleFor } from '../../../local/sandbox/progression.js';
import { SANDBOX_PAYOUT_STATES } from '../../../functions/domain/provider-status.js';

function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  const digits = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder;
}

function abaValid(routing: string): boolean {
  const d = [...routing].map(Number);
  return (
    d.length === 9 && (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0
  );
}

describe('sandbox triggers', () => {
  it.each(SANDBOX_TRIGGERS.map((trigger) => [trigger.name, trigger]))(
    '%s: IBANs pass mod-97 with the right length',
    (_name, trigger) => {
      expect(trigger.iban).toMatch(/^DE\d{20}$/);
      expect(trigger.ibanGb).toMatch(/^GB\d{2}[A-Z]{4}\d{14}$/);
      expect(ibanMod97(trigger.iban)).toBe(1);
      expect(ibanMod97(trigger.ibanGb)).toBe(1);
    },
  );

  it('the routing number passes the ABA checksum (and a tampered one does not)', () => {
    expect(abaValid(SANDBOX_US_ROUTING_NUMBER)).toBe(true);
    expect(abaValid('110000001')).toBe(false);
  });

  it('names and account numbers are unique', () => {
    const all = SANDBOX_TRIGGERS.flatMap((t) => [t.iban, t.ibanGb, t.usAccountNumber, t.gbAccountNumber]);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(SANDBOX_TRIGGERS.map((t) => t.name)).size).toBe(SANDBOX_TRIGGERS.length);
  });

  it.each(SANDBOX_TRIGGERS.map((trigger) => [trigger.name, trigger]))(
    '%s is selected by each of its accounts, spaced or not',
    (_name, trigger) => {
      expect(triggerFor({ iban: trigger.iban })).toBe(trigger);
      expect(triggerFor({ iban: trigger.ibanGb.replace(/(.{4})/g, '$1 ').toLowerCase() })).toBe(trigger);
      expect(triggerFor({ routing_number: SANDBOX_US_ROUTING_NUMBER, account_number: trigger.usAccountNumber })).toBe(
        trigger,
      );
      expect(triggerFor({ sort_code: '601613', account_number: trigger.gbAccountNumber })).toBe(trigger);
      expect(trigger.usAccountNumber).toMatch(/^\d{4,17}$/);
      expect(trigger.gbAccountNumber).toMatch(/^\d{8}$/);
    },
  );

  it('anything else is paid', () => {
    expect(triggerFor({ iban: 'FR1420041010050500013M02606' })).toBe(DEFAULT_TRIGGER);
    expect(triggerFor({ sort_code: '601613', account_number: '31926819' })).toBe(DEFAULT_TRIGGER);
    expect(DEFAULT_TRIGGER.name).toBe('paid');
  });
});

describe('sandbox progression', () => {
  it('steps are one step apart after acceptance', () => {
    expect(scheduleFor('returned', 1_000, 500)).toEqual([
      { state: 'in_transit', atMs: 1_500 },
      { state: 'paid', atMs: 2_000 },
      { state: 'returned', atMs: 2_500 },
    ]);
  });

  it.each([
    [1, 1],
    [400, 1],
    [40_000, 100],
    [12_345, 30],
  ])('fee of %i minor units is %i (25 bp, at least 1)', (amount, fee) => {
    expect(sandboxFeeMinor(amount)).toBe(fee);
  });

  it('only failing states carry a failure code', () => {
    const failing = SANDBOX_PAYOUT_STATES.filter((state) => failureFor(state) !== undefined);
    expect(failing).toEqual(['failed', 'canceled', 'returned']);
  });
});
