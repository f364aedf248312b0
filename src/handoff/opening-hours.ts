import { z } from 'zod';
import { CalmdeskError } from '../core/errors.ts';

/**
 * When people answer, in the shop's time zone: on `days` (0 = Sunday … 6 = Saturday) from `open` to
 * `close` ("HH:MM", 24 h; close after open, same day).
 */
export const OpeningHoursSchema = z
  .object({
    timezone: z.string().min(1),
    days: z.array(z.number().int().min(0).max(6)).min(1),
    open: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    close: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
  })
  .strict()
  .refine((h) => minutesOf(h.open) < minutesOf(h.close), { message: 'close must be after open' })
  .refine((h) => isTimeZone(h.timezone), { message: 'unknown time zone' });
export type OpeningHours = z.infer<typeof OpeningHoursSchema>;

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * Parses the config form "mon-fri 09:00-18:00 Asia/Shanghai" (days as a range or a comma list,
 * time zone optional, default UTC). Throws CALMDESK_CONFIG_INVALID with what is wrong.
 */
export function parseOpeningHours(text: string): OpeningHours {
  const match = /^\s*([a-z,-]+)\s+(\d{2}:\d{2})-(\d{2}:\d{2})(?:\s+(\S+))?\s*$/i.exec(text);
  if (!match) {
    throw new CalmdeskError(
      'CALMDESK_CONFIG_INVALID',
      `opening hours "${text}" should look like "mon-fri 09:00-18:00 Asia/Shanghai"`,
    );
  }
  const [, daysText = '', open = '', close = '', timezone = 'UTC'] = match;
  const days = new Set<number>();
  for (const part of daysText.toLowerCase().split(',')) {
    const [from, to] = part.split('-');
    const a = DAY_NAMES.indexOf(from as (typeof DAY_NAMES)[number]);
    const b = to === undefined ? a : DAY_NAMES.indexOf(to as (typeof DAY_NAMES)[number]);
    if (a < 0 || b < 0) {
      throw new CalmdeskError(
        'CALMDESK_CONFIG_INVALID',
        `opening hours: unknown day in "${part}" (use mon…sun)`,
      );
    }
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  const parsed = OpeningHoursSchema.safeParse({ timezone, days: [...days].sort(), open, close });
  if (!parsed.success) {
    throw new CalmdeskError(
      'CALMDESK_CONFIG_INVALID',
      `opening hours "${text}": ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return parsed.data;
}

/** True when `at` falls inside the opening hours. */
export function isOpenAt(hours: OpeningHours, at: Date): boolean {
  const local = localParts(hours.timezone, at);
  const minute = local.hour * 60 + local.minute;
  return (
    hours.days.includes(local.weekday) && minute >= minutesOf(hours.open) && minute < minutesOf(hours.close)
  );
}

/** The next moment the shop opens at or after `at` (`at` itself when open now). */
export function nextOpening(hours: OpeningHours, at: Date): Date {
  if (isOpenAt(hours, at)) return at;
  const openMinute = minutesOf(hours.open);
  for (let offset = 0; offset <= 7; offset++) {
    const day = new Date(at.getTime() + offset * 86_400_000);
    const local = localParts(hours.timezone, day);
    if (!hours.days.includes(local.weekday)) continue;
    const candidate = zonedTime(hours.timezone, local.year, local.month, local.day, openMinute);
    if (candidate.getTime() > at.getTime()) return candidate;
  }
  // Unreachable with at least one day configured; a week ahead is a safe answer anyway.
  return new Date(at.getTime() + 7 * 86_400_000);
}

function minutesOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(timezone: string, at: Date): LocalParts {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: DAY_NAMES.indexOf((parts.weekday ?? '').toLowerCase().slice(0, 3) as (typeof DAY_NAMES)[number]),
  };
}

/** The UTC instant of a wall-clock time in a time zone (correct across DST except inside the gap). */
function zonedTime(timezone: string, year: number, month: number, day: number, minuteOfDay: number): Date {
  const asUtc = Date.UTC(year, month - 1, day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  const offset = offsetMinutes(timezone, new Date(asUtc));
  const first = new Date(asUtc - offset * 60_000);
  const corrected = offsetMinutes(timezone, first);
  return corrected === offset ? first : new Date(asUtc - corrected * 60_000);
}

function offsetMinutes(timezone: string, at: Date): number {
  const p = localParts(timezone, at);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((wall - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}
