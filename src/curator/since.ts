const UNIT_MS: Record<string, number> = { h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since` values: a duration back from now (`24h`, `30d`, `8w`) or a date (`2026-01-31`).
 * Returns undefined for anything else, so the CLI can say what it expects.
 */
export function parseSince(value: string, now: Date = new Date()): Date | undefined {
  const duration = /^(\d{1,5})([hdw])$/.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2]]);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    const date = new Date(`${value.trim()}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** Whole calendar months from one date to another, the rule `kb check --stale` uses too. */
export function monthsBetween(from: Date, to: Date): number {
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
}
