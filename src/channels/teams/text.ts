import { TurnContext, type Activity } from 'botbuilder';
import { stripMarkup } from '../../text/normalize';

/**
 * Text going in and out of Teams. Inbound: the question without the bot's mention or markup.
 * Outbound: user, knowledge-base and LLM text escaped so it can never become formatting, a
 * mention or a link; only the renderers add markup, links (Action.OpenUrl) and citation markers.
 */

/** The question a message carries: the bot's own mention removed, Teams HTML stripped. */
export function questionText(activity: Partial<Activity>): string {
  // removeRecipientMention edits the activity's text in place; work on a copy.
  const copy = { ...activity, text: activity.text ?? '' } as Activity;
  const withoutMention = activity.recipient ? TurnContext.removeRecipientMention(copy) : copy.text;
  return stripMarkup(withoutMention ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when the message mentions the bot (channels and group chats only deliver such messages, but check). */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  if (!botId) return false;
  return TurnContext.getMentions(activity).some((m) => m.mentioned?.id === botId);
}

/**
 * Characters that make Adaptive Card markdown: emphasis, code and links. Kept to the few that
 * matter so ordinary punctuation ("Multi-AZ (optional)") is not littered with backslashes.
 */
const CARD_MARKDOWN = /[\\`*_[\]]/g;

/** Breaks URL schemes and "www." so clients cannot auto-link text that did not come from the knowledge base. */
function defangLinks(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]{1,15}):\/\//gi, '$1:\u200b//').replace(/\bwww\./gi, 'www\u200b.');
}

/** For Adaptive Card TextBlocks: markdown characters escaped, links defanged. */
export function escapeCardText(text: string): string {
  return defangLinks(text).replace(CARD_MARKDOWN, (c) => `\\${c}`);
}

/**
 * For a message's own text (rendered as markdown with some HTML): HTML and markdown escaped,
 * so `<at>` mentions, tags and links cannot be injected.
 */
export function escapeMessageText(text: string): string {
  return escapeCardText(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Plain text for fallbacks and previews: no markup at all, single spaces, bounded. */
export function plainText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
