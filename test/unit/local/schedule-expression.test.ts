import { describe, expect, it } from 'vitest';
import {
  localTime,
  nextRunMs,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../../local/aws/schedule-expression.js';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, timeZone: string, afterIso: string) => {
  const runMs = nextRunMs(expression, timeZone, at(afterIso));
  return runMs === undefined ? undefined : new Date(runMs).toISOString();
};

describe('rate()', () => {
  it.each([
    ['rate(5 minutes)', 5],
    ['rate(1 minute)', 1],
    ['rate(2 hours)', 120],
    ['rate(1 day)', 1440],
  ])('%s runs every %i minutes from the start', (expression, minutes) => {
    const startedMs = at('2026-03-01T10:00:00Z');
    expect(nextRunMs(expression, 'UTC', startedMs, startedMs)).toBe(startedMs + minutes * 60_000);
    expect(nextRunMs(expression, 'UTC', startedMs + minutes * 60_000, startedMs)).toBe(
      startedMs + 2 * minutes * 60_000,
    );
  });

  it.each(['rate(5 minute)', 'rate(1 minutes)', 'rate(0 minutes)', 'rate(5 weeks)', 'rate(five minutes)'])(
    'refuses %s',
    (expression) => {
      expect(() => parseScheduleExpression(expression)).toThrow(ScheduleExpressionError);
    },
  );
});

describe('cron()', () => {
  it.each([
    // expression, zone, after, expected next run (UTC)
    ['cron(30 2 * * ? *)', 'UTC', '2026-03-01T02:29:00Z', '2026-03-01T02:30:00.000Z'],
    ['cron(30 2 * * ? *)', 'UTC', '2026-03-01T02:30:00Z', '2026-03-02T02:30:00.000Z'],
    ['cron(0/15 * * * ? *)', 'UTC', '2026-03-01T10:07:00Z', '2026-03-01T10:15:00.000Z'],
    ['cron(0 9 ? * MON-FRI *)', 'UTC', '2026-02-27T09:00:00Z', '2026-03-02T09:00:00.000Z'], // Fri → Mon
    ['cron(0 9 ? * 2 *)', 'UTC', '2026-03-03T00:00:00Z', '2026-03-09T09:00:00.000Z'], // 2 = Monday
    ['cron(0 0 L * ? *)', 'UTC', '2026-02-01T00:00:00Z', '2026-02-28T00:00:00.000Z'],
    ['cron(0 0 ? * 6L *)', 'UTC', '2026-03-01T00:00:00Z', '2026-03-27T00:00:00.000Z'], // last Friday of March 2026
    ['cron(0 0 ? * 2#1 *)', 'UTC', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00.000Z'], // first Monday
    ['cron(0 0 15W * ? *)', 'UTC', '2026-03-01T00:00:00Z', '2026-03-16T00:00:00.000Z'], // 15th is a Sunday
    ['cron(0 12 1 JAN ? 2027)', 'UTC', '2026-03-01T00:00:00Z', '2027-01-01T12:00:00.000Z'],
    // Time zones: 02:30 in New York is 07:30 UTC in winter (EST) and 06:30 UTC in summer (EDT).
    ['cron(30 2 * * ? *)', 'America/New_York', '2026-01-10T00:00:00Z', '2026-01-10T07:30:00.000Z'],
    ['cron(30 2 * * ? *)', 'America/New_York', '2026-07-10T00:00:00Z', '2026-07-10T06:30:00.000Z'],
    ['cron(0 9 * * ? *)', 'Asia/Kolkata', '2026-03-01T00:00:00Z', '2026-03-01T03:30:00.000Z'],
  ])('%s in %s after %s → %s', (expression, zone, after, expected) => {
    expect(next(expression, zone, after)).toBe(expected);
  });

  it('skips the wall-clock time that a spring-forward removes', () => {
    // 2026-03-08 02:30 does not exist in New York; the next 02:30 is on the 9th (EDT, 06:30 UTC).
    expect(next('cron(30 2 * * ? *)', 'America/New_York', '2026-03-08T06:00:00Z')).toBe('2026-03-09T06:30:00.000Z');
  });

  it('returns undefined when the expression never runs again', () => {
    expect(next('cron(0 0 1 1 ? 2020)', 'UTC', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    'cron(0 0 * * * *)', // both day fields set
    'cron(0 0 ? * ? *)', // neither
    'cron(60 0 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 0 * * ?)',
    'cron(0 0 * 13 ? *)',
    'every day',
  ])('refuses %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(ScheduleExpressionError);
  });
});

describe('at()', () => {
  it('runs once at a wall-clock time in the zone', () => {
    expect(next('at(2026-06-01T09:00:00)', 'Europe/Berlin', '2026-05-01T00:00:00Z')).toBe('2026-06-01T07:00:00.000Z');
    expect(next('at(2026-06-01T09:00:00)', 'Europe/Berlin', '2026-06-02T00:00:00Z')).toBeUndefined();
  });
});

describe('localTime()', () => {
  it('numbers weekdays 1–7 from Sunday, as AWS cron does', () => {
    expect(localTime(at('2026-03-01T12:00:00Z'), 'UTC').weekday).toBe(1); // Sunday
    expect(localTime(at('2026-03-07T12:00:00Z'), 'UTC').weekday).toBe(7); // Saturday
  });
});
