/** Slack's replay window: a request signed more than five minutes from now is refused. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/**
 * Bolt refuses timestamps older than five minutes but accepts any timestamp in the future, so
 * a captured request could be replayed later if it was signed with a future time. This is the
 * other half of the window.
 */
export function isTimestampTooFarAhead(header: string | string[] | undefined, nowMs: number): boolean {
  if (typeof header !== 'string') return false; // missing or repeated headers fail Bolt's own check
  const ts = Number(header);
  if (!Number.isFinite(ts)) return false;
  return ts > Math.floor(nowMs / 1000) + TIMESTAMP_WINDOW_SECONDS;
}
