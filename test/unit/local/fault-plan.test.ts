import { describe, expect, it } from 'vitest';
import {
  DELIVERY_TIMING_DEFAULT,
  DROPPED_ATTEMPTS_MAX,
  FAULT_RATES_ALL,
  FAULT_RATES_DEFAULT,
  FAULT_RATES_NONE,
  RETRY_JITTER_RATIO,
  backoffMs,
  parseFaultRates,
  planDelivery,
} from '../../../local/sandbox/fault-plan';

const eventIds = Array.from({ length: 200 }, (_, index) => `evt_sbx_${String(index + 1).padStart(8, '0')}`);

describe('webhook fault plan', () => {
  it('is the same for the same seed and event, whatever order events are planned in', () => {
    const forward = eventIds.map((id) => planDelivery(42, id, FAULT_RATES_DEFAULT));
    const backward = [...eventIds]
      .reverse()
      .map((id) => planDelivery(42, id, FAULT_RATES_DEFAULT))
      .reverse();
    expect(backward).toEqual(forward);
  });

  it('differs for another seed', () => {
    const a = eventIds.map((id) => planDelivery(1, id, FAULT_RATES_DEFAULT));
    const b = eventIds.map((id) => planDelivery(2, id, FAULT_RATES_DEFAULT));
    expect(b).not.toEqual(a);
  });

  it('produces every fault at the default rates, and most events clean', () => {
    const plans = eventIds.map((id) => planDelivery(7, id, FAULT_RATES_DEFAULT));
    expect(plans.some((p) => p.duplicates > 0)).toBe(true);
    expect(plans.some((p) => p.initialDelayMs > 0)).toBe(true);
    expect(plans.some((p) => p.reorder)).toBe(true);
    expect(plans.some((p) => p.droppedAttempts > 0)).toBe(true);
    const clean = plans.filter(
      (p) => p.duplicates === 0 && p.initialDelayMs === 0 && !p.reorder && p.droppedAttempts === 0,
    );
    expect(clean.length).toBeGreaterThan(plans.length / 3);
  });

  it('has no faults at rate zero and every fault at rate one', () => {
    for (const id of eventIds.slice(0, 20)) {
      expect(planDelivery(3, id, FAULT_RATES_NONE)).toMatchObject({
        initialDelayMs: 0,
        reorder: false,
        droppedAttempts: 0,
        duplicates: 0,
      });
      const all = planDelivery(3, id, FAULT_RATES_ALL);
      expect(all.reorder).toBe(true);
      expect(all.duplicates).toBe(1);
      expect(all.droppedAttempts).toBeGreaterThan(0);
    }
  });

  it('changing one rate does not reshuffle the other faults of the same seed', () => {
    for (const id of eventIds.slice(0, 50)) {
      const base = planDelivery(9, id, FAULT_RATES_DEFAULT);
      const noDrops = planDelivery(9, id, { ...FAULT_RATES_DEFAULT, drop: 0 });
      expect({ ...noDrops, droppedAttempts: base.droppedAttempts }).toEqual(base);
    }
  });

  it('always leaves attempts after the dropped ones, so a dropped event is redelivered', () => {
    for (const attemptsMax of [2, 3, 4, 8]) {
      const timing = { ...DELIVERY_TIMING_DEFAULT, attemptsMax };
      for (const id of eventIds) {
        const plan = planDelivery(11, id, FAULT_RATES_ALL, timing);
        expect(plan.droppedAttempts).toBeGreaterThanOrEqual(1);
        expect(plan.droppedAttempts).toBeLessThanOrEqual(Math.min(DROPPED_ATTEMPTS_MAX, attemptsMax - 1));
        expect(plan.retryDelaysMs).toHaveLength(attemptsMax - 1);
      }
    }
  });

  it('backs off exponentially with bounded jitter, capped at the maximum', () => {
    const timing = { ...DELIVERY_TIMING_DEFAULT, retryDelayMsBase: 100, retryDelayMsMax: 1_000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, 0, timing))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffMs(2, 0.999, timing)).toBeLessThanOrEqual(200 * (1 + RETRY_JITTER_RATIO));
    expect(backoffMs(30, 1, timing)).toBe(1_000);
    const plan = planDelivery(5, 'evt_x', FAULT_RATES_NONE, timing);
    plan.retryDelaysMs.forEach((delay) => expect(delay).toBeLessThanOrEqual(timing.retryDelayMsMax));
  });

  it('refuses rates outside 0–1 and fewer than two attempts', () => {
    expect(() => planDelivery(1, 'e', { ...FAULT_RATES_NONE, drop: 1.5 })).toThrow(/within 0–1/);
    expect(() => planDelivery(1, 'e', FAULT_RATES_NONE, { ...DELIVERY_TIMING_DEFAULT, attemptsMax: 1 })).toThrow(
      /attemptsMax/,
    );
  });

  it('reads SANDBOX_WEBHOOK_FAULTS', () => {
    expect(parseFaultRates(undefined)).toEqual(FAULT_RATES_DEFAULT);
    expect(parseFaultRates('none')).toEqual(FAULT_RATES_NONE);
    expect(parseFaultRates('all')).toEqual(FAULT_RATES_ALL);
    expect(parseFaultRates('{"drop":1}')).toEqual({ ...FAULT_RATES_NONE, drop: 1 });
    expect(() => parseFaultRates('{"drop":2}')).toThrow();
  });
});
