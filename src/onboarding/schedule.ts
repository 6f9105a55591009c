/**
 * When the next lessons go out: one per working day (Monday to Friday in the user's time zone)
 * at a fixed local hour. Pure functions of the start time, so any replica, before or after a
 * restart, computes the same schedule from the stored progress.
 */

export interface ScheduleOptions {
  /** Local hour of delivery, 0-23. */
  hour: number;
  /** IANA time zone of the user ("Europe/Berlin"); UTC when unknown. */
  timeZone?: string;
}

export const DEFAULT_LESSON_HOUR = 9;
const DAY_MS = 86_400_000;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** A zone the schedule can use: the given one when valid, else UTC (platforms send odd values). */
export function safeTimeZone(timeZone: string | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

/** Building a formatter costs far more than using one; a sweep over many users reuses them. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows the given local date and hour. */
export function localTimeToInstant(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  const first = guess - zoneOffset(guess, timeZone);
  // A second pass settles days on which the offset changes (daylight saving time).
  const second = guess - zoneOffset(first, timeZone);
  return new Date(second);
}

/**
 * Delivery times for `count` lessons after one sent at `from`: the first on the next working day
 * after `from`'s local date, then one each following working day, skipping Saturday and Sunday.
 */
export function workingDaySchedule(from: Date, count: number, options: ScheduleOptions): Date[] {
  if (!Number.isInteger(options.hour) || options.hour < 0 || options.hour > 23) throw new RangeError(`hour must be 0-23, got ${options.hour}`);
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
  const today = localParts(from.getTime(), timeZone);
  // A calendar date carried as UTC midnight: adding days and reading the weekday need no zone.
  let date = Date.UTC(today.year, today.month - 1, today.day);
  const out: Date[] = [];
  while (out.length < count) {
    date += DAY_MS;
    const weekday = new Date(date).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const d = new Date(date);
    out.push(localTimeToInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), options.hour, timeZone));
  }
  return out;
}

/** The highest lesson number due by `now` for a course started at `startedAt` (lesson 1 at once). */
export function lessonDueBy(startedAt: Date, totalLessons: number, now: Date, options: ScheduleOptions): number {
  if (totalLessons <= 1) return totalLessons;
  const schedule = workingDaySchedule(startedAt, totalLessons - 1, options);
  return 1 + schedule.filter((at) => at.getTime() <= now.getTime()).length;
}
