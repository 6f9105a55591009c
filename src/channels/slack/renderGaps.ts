import type { types } from '@slack/bolt';
import { formatGapsText, type GapReport } from '../../curator';
import { plainText, safeText, splitMrkdwn, truncate } from './mrkdwn';
import type { SlackMessage } from './renderAnswer';
import { SLACK_LIMITS } from './slackLimits';

type KnownBlock = types.KnownBlock;

/** `/whosecures gaps` shows the top ten, like the issue asks; the CLI lists the rest. */
export const GAPS_SHOWN = 10;

/**
 * The curator's gap list as Block Kit. The examples are users' own words, so the whole text is
 * escaped and stripped of URLs, and sections are `verbatim` so Slack links nothing by itself.
 * The result stays within Slack's limits however long the examples are.
 */
export function renderSlackGaps(report: GapReport, sinceLabel: string): SlackMessage {
  const text = safeText(formatGapsText(report, GAPS_SHOWN));
  const footer: KnownBlock = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Examples are users' own words. The full list: \`npx whosecures kb gaps --since ${safeText(sinceLabel)}\`` }],
  };
  const room = SLACK_LIMITS.blocksPerMessage - 2;
  const sections: KnownBlock[] = splitMrkdwn(text, SLACK_LIMITS.sectionText)
    .slice(0, room)
    .map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk, verbatim: true } }));
  return {
    text: truncate(text.split('\n')[0] ?? 'Knowledge-base gaps', SLACK_LIMITS.fallbackText),
    blocks: [{ type: 'header', text: { type: 'plain_text', text: plainText('Knowledge-base gaps', SLACK_LIMITS.headerText), emoji: false } }, ...sections, footer],
  };
}

/** One short ephemeral notice (refusals, usage). */
export function renderSlackCuratorNotice(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: safeText(text), verbatim: true } }] };
}
