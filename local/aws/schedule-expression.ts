// EventBridge schedule expressions: rate(5 minutes), cron(30 2 * * ? *) in an IANA time zone, and
// at(2026-01-01T00:00:00). Pure functions of (expression, time zone, instant) so they are unit-tested
// without a clock. Cron fields follow AWS: minutes hours day-of-month month day-of-week year, with
// `?`, `L`, `W` and `#`, days of the week 1–7 = SUN–SAT.
export class ScheduleExpressionError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid schedule expression ${expression}: ${reason}`);
    this.name = 'ScheduleExpressionError';
  }
}

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1440;
/** Search at most this far ahead; an expression with no run within 5 years has no next run. */
const SEARCH_HORIZON_MINUTES = 5 * 366 * MINUTES_PER_DAY;
const RATE_UNIT_MINUTES: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: MINUTES_PER_DAY,
  days: MINUTES_PER_DAY,
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Wall-clock fields of an instant in a time zone (weekday 1–7 = SUN–SAT, as AWS cron counts). */
export function localTime(instantMs: number, timeZone: string): LocalTime {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instantMs).map((part) => [part.type, part.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(String(parts.weekday).toUpperCase()) + 1,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

type FieldMatcher = (value: number, time: LocalTime) => boolean;

function parseNumber(token: string, names: string[] | undefined, offset: number, expression: string): number {
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(token)) throw new ScheduleExpressionError(expression, `unexpected ${token}`);
  return Number(token);
}

// A plain field: `*`, `5`, `1-5`, `0/15`, `10-50/10`, `MON-FRI`, and comma lists of those.
function parseField(
  field: string,
  min: number,
  max: number,
  expression: string,
  names?: string[],
  nameOffset = 0,
): FieldMatcher {
  const allowed = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(expression, `bad step in ${part}`);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [start, end] = range!.split('-');
      from = parseNumber(start!, names, nameOffset, expression);
      to = end === undefined ? (stepText === undefined ? from : max) : parseNumber(end, names, nameOffset, expression);
    }
    if (from < min || to > max || from > to)
      throw new ScheduleExpressionError(expression, `${part} is outside ${min}-${max}`);
    for (let value = from; value <= to; value += step) allowed.add(value);
  }
  return (value) => allowed.has(value);
}

function parseDayOfMonth(field: string, expression: string): FieldMatcher {
  if (field === 'L') return (day, time) => day === time.daysInMonth;
  const weekday = /^(\d+)W$/.exec(field);
  if (weekday) {
    const target = Number(weekday[1]);
    return (day, time) => day === nearestWeekday(target, time);
  }
  return parseField(field, 1, 31, expression);
}

/** `15W`: the weekday nearest the 15th, without leaving the month. */
function nearestWeekday(target: number, time: LocalTime): number {
  const day = Math.min(target, time.daysInMonth);
  const weekday = (((time.weekday - 1 + (day - time.day)) % 7) + 7) % 7; // 0 = SUN
  if (weekday === 6) return day === 1 ? day + 2 : day - 1;
  if (weekday === 0) return day === time.daysInMonth ? day - 2 : day + 1;
  return day;
}

function parseDayOfWeek(field: string, expression: string): FieldMatcher {
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const weekday = parseNumber(last[1]!, WEEKDAYS, 1, expression);
    return (value, time) => value === weekday && time.day + 7 > time.daysInMonth;
  }
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) {
    const weekday = parseNumber(nth[1]!, WEEKDAYS, 1, expression);
    return (value, time) => value === weekday && Math.ceil(time.day / 7) === Number(nth[2]);
  }
  if (field === 'L') return (value) => value === 7;
  return parseField(field, 1, 7, expression, WEEKDAYS, 1);
}

export type Schedule =
  | { kind: 'rate'; everyMinutes: number }
  | {
      kind: 'cron';
      dayMatches(time: LocalTime): boolean;
      hourMatches(time: LocalTime): boolean;
      minuteMatches(time: LocalTime): boolean;
    }
  | { kind: 'at'; atLocal: string };

export function parseScheduleExpression(expression: string): Schedule {
  const match = /^(rate|cron|at)\((.*)\)$/.exec(expression.trim());
  if (!match) throw new ScheduleExpressionError(expression, 'expected rate(…), cron(…) or at(…)');
  const [, kind, body] = match;
  if (kind === 'rate') {
    const [value, unit] = body!.trim().split(/\s+/);
    const minutes = RATE_UNIT_MINUTES[unit ?? ''];
    if (!minutes || !/^\d+$/.test(value ?? '') || Number(value) < 1)
      throw new ScheduleExpressionError(expression, 'expected rate(<positive integer> minute[s]|hour[s]|day[s])');
    if ((Number(value) === 1) === unit!.endsWith('s'))
      throw new ScheduleExpressionError(expression, 'use the singular unit with 1 and the plural otherwise');
    return { kind: 'rate', everyMinutes: Number(value) * minutes };
  }
  if (kind === 'at') return { kind: 'at', atLocal: body!.trim() };
  const fields = body!.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(
      expression,
      'cron needs 6 fields: minutes hours day-of-month month day-of-week year',
    );
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new ScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be ?');
  const minuteMatches = parseField(minutes, 0, 59, expression);
  const hourMatches = parseField(hours, 0, 23, expression);
  const dayMatches =
    dayOfMonth === '?' ? parseDayOfWeek(dayOfWeek, expression) : parseDayOfMonth(dayOfMonth, expression);
  const dayValue = dayOfMonth === '?' ? (time: LocalTime) => time.weekday : (time: LocalTime) => time.day;
  const monthMatches = parseField(month, 1, 12, expression, MONTHS, 1);
  const yearMatches = parseField(year, 1970, 2199, expression);
  return {
    kind: 'cron',
    dayMatches: (time) =>
      dayMatches(dayValue(time), time) && monthMatches(time.month, time) && yearMatches(time.year, time),
    hourMatches: (time) => hourMatches(time.hour, time),
    minuteMatches: (time) => minuteMatches(time.minute, time),
  };
}

/**
 * The first run strictly after `afterMs`. Rates count from `startedMs` (EventBridge starts a rate
 * schedule when it is created, the twin when it starts). Returns undefined when there is none.
 */
export function nextRunMs(
  expression: string,
  timeZone: string,
  afterMs: number,
  startedMs: number = afterMs,
): number | undefined {
  const schedule = parseScheduleExpression(expression);
  if (schedule.kind === 'rate') {
    const periodMs = schedule.everyMinutes * MS_PER_MINUTE;
    return startedMs + (Math.floor((afterMs - startedMs) / periodMs) + 1) * periodMs;
  }
  if (schedule.kind === 'at') {
    const runMs = atToUtcMs(schedule.atLocal, timeZone);
    return runMs > afterMs ? runMs : undefined;
  }
  let candidateMs = (Math.floor(afterMs / MS_PER_MINUTE) + 1) * MS_PER_MINUTE;
  const horizonMs = candidateMs + SEARCH_HORIZON_MINUTES * MS_PER_MINUTE;
  while (candidateMs < horizonMs) {
    const time = localTime(candidateMs, timeZone);
    // Skip a whole local day or hour when it cannot match; DST shifts are absorbed because every
    // landing point is re-read in the zone.
    if (!schedule.dayMatches(time))
      candidateMs += (MINUTES_PER_DAY - time.hour * MINUTES_PER_HOUR - time.minute) * MS_PER_MINUTE;
    else if (!schedule.hourMatches(time)) candidateMs += (MINUTES_PER_HOUR - time.minute) * MS_PER_MINUTE;
    else if (!schedule.minuteMatches(time)) candidateMs += MS_PER_MINUTE;
    else return candidateMs;
  }
  return undefined;
}

/** `at(2026-01-01T09:00:00)` is wall-clock time in the schedule's zone. */
function atToUtcMs(atLocal: string, timeZone: string): number {
  const asUtcMs = Date.parse(`${atLocal}Z`);
  const shown = localTime(asUtcMs, timeZone);
  const shownAsUtcMs = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
  return asUtcMs - (shownAsUtcMs - Math.floor(asUtcMs / MS_PER_MINUTE) * MS_PER_MINUTE);
}
