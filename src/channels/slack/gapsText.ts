/**
 * The words of `/whosecures gaps`, apart from its listener so the question command can tell
 * it apart without importing the listener.
 */

/** How far back `/whosecures gaps` looks when no period is given. */
export const DEFAULT_GAPS_SINCE = '30d';

export const GAPS_USAGE =
  'Usage: /whosecures gaps [period], for example /whosecures gaps 7d (hours h, days d, weeks w, or a date like 2026-01-31). The default is 30d.';

export const GAPS_REFUSAL =
  'Sorry, /whosecures gaps is for the knowledge-base curators (SLACK_CURATORS). If an answer was missing or wrong, press "Not helpful" on it: the curators see every one.';

/** `/whosecures gaps …` is the curators' command, not a question. */
export function isGapsCommand(text: string | undefined): boolean {
  return /^\s*gaps\b/i.test(text ?? '');
}
