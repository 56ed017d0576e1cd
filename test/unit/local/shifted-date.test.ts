// The Date a Lambda worker runs with under the twin's clock (local/aws/shifted-date.mjs): only the
// readings of "now" move; every date built from a value means what it means on AWS.
import { describe, expect, it } from 'vitest';
import { sharedOffsetReader, shiftedDateClass } from '../../../local/aws/shifted-date.mjs';

const DAY_MS = 86_400_000;
const OFFSET_MS = 3 * DAY_MS + 1234;

function shifted(offsetMs = OFFSET_MS) {
  let offset = offsetMs;
  const ShiftedDate = shiftedDateClass(Date, () => offset);
  return { ShiftedDate, setOffset: (next: number) => (offset = next) };
}

/** Within a few ms of `expectedMs` (the real clock moves while the test runs). */
function expectNear(actualMs: number, expectedMs: number) {
  expect(Math.abs(actualMs - expectedMs)).toBeLessThan(1000);
}

describe('readings of now are shifted by the offset', () => {
  const { ShiftedDate } = shifted();
  it.each([
    ['Date.now()', () => ShiftedDate.now()],
    ['new Date()', () => new ShiftedDate().getTime()],
    ['new Date().toISOString()', () => Date.parse(new ShiftedDate().toISOString())],
    // Date() without new answers a string to the second.
    ['Date()', () => Date.parse((ShiftedDate as unknown as () => string)())],
  ])('%s', (_name, read) => {
    expectNear(read(), Date.now() + OFFSET_MS);
  });
});

describe('dates built from a value are untouched', () => {
  const { ShiftedDate } = shifted();
  it.each([
    ['new Date(ms)', () => new ShiftedDate(1_700_000_000_000).getTime(), 1_700_000_000_000],
    ['new Date(iso)', () => new ShiftedDate('2026-03-01T00:00:00Z').getTime(), Date.parse('2026-03-01T00:00:00Z')],
    ['new Date(y, m, d)', () => new ShiftedDate(2026, 2, 1).getTime(), new Date(2026, 2, 1).getTime()],
    ['new Date(date)', () => new ShiftedDate(new Date(42)).getTime(), 42],
    ['Date.UTC', () => ShiftedDate.UTC(2026, 2, 1), Date.UTC(2026, 2, 1)],
    ['Date.parse', () => ShiftedDate.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-01T00:00:00Z')],
  ])('%s', (_name, read, expected) => {
    expect(read()).toBe(expected);
  });

  it('keeps new Date(undefined) an Invalid Date, as the original does', () => {
    expect(Number.isNaN(new ShiftedDate(undefined as unknown as number).getTime())).toBe(true);
  });
});

describe('it is still a Date', () => {
  const { ShiftedDate } = shifted();
  it.each([
    ['a shifted date is an instance of the original Date', () => new ShiftedDate() instanceof Date],
    // fs.Stats and dates made before the swap are built by the original.
    ['an original date is an instance of the shifted Date', () => new Date() instanceof ShiftedDate],
    ['a shifted date is an instance of the shifted Date', () => new ShiftedDate(0) instanceof ShiftedDate],
    ['its tag is [object Date]', () => Object.prototype.toString.call(new ShiftedDate()) === '[object Date]'],
    ['its constructor is the shifted Date', () => new ShiftedDate().constructor === ShiftedDate],
    ['its name is Date', () => ShiftedDate.name === 'Date'],
    ['a plain object is not a Date', () => !({} instanceof ShiftedDate)],
    ['JSON writes it as ISO 8601', () => JSON.stringify(new ShiftedDate(0)) === '"1970-01-01T00:00:00.000Z"'],
  ])('%s', (_name, holds) => {
    expect(holds()).toBe(true);
  });

  it('can be subclassed, and a subclass keeps the ordinary instanceof', () => {
    class Later extends ShiftedDate {}
    const later = new Later();
    expect(later).toBeInstanceOf(Date);
    expect(later).toBeInstanceOf(Later);
    expect(new ShiftedDate() instanceof Later).toBe(false);
    expectNear(later.getTime(), Date.now() + OFFSET_MS);
  });
});

describe('the offset is read at every reading', () => {
  it('a change reaches an already built class at once', () => {
    const { ShiftedDate, setOffset } = shifted(0);
    expectNear(ShiftedDate.now(), Date.now());
    setOffset(DAY_MS);
    expectNear(ShiftedDate.now(), Date.now() + DAY_MS);
    expectNear(new ShiftedDate().getTime(), Date.now() + DAY_MS);
  });

  it('reads the offset the runtime stores in the shared buffer', () => {
    const buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
    const read = sharedOffsetReader(buffer);
    expect(read()).toBe(0);
    Atomics.store(new BigInt64Array(buffer), 0, BigInt(OFFSET_MS));
    expect(read()).toBe(OFFSET_MS);
  });
});
