// Formatting for people reading at 3 a.m.: ages in words, times in UTC with the local time beside.

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3_600;
const SECONDS_PER_DAY = 86_400;

export function ageText(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < SECONDS_PER_MINUTE) return `${Math.floor(seconds)} s`;
  if (seconds < SECONDS_PER_HOUR) return `${Math.floor(seconds / SECONDS_PER_MINUTE)} min`;
  if (seconds < SECONDS_PER_DAY)
    return `${Math.floor(seconds / SECONDS_PER_HOUR)} h ${Math.floor((seconds % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE)} min`;
  return `${Math.floor(seconds / SECONDS_PER_DAY)} d ${Math.floor((seconds % SECONDS_PER_DAY) / SECONDS_PER_HOUR)} h`;
}

export function ageSince(iso: string | undefined | null, now = Date.now()): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '—' : ageText((now - at) / 1000);
}

/** `2026-11-25 03:12:09 UTC`: one unambiguous zone, the one the logs and exports use. */
export function timeText(iso: string | undefined | null): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Picks the first present field among spellings (the APIs answer in snake_case; tolerate camel). */
export function pick(record: Record<string, unknown> | undefined | null, ...names: string[]): unknown {
  if (!record) return undefined;
  for (const name of names) {
    const value = record[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

export function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
