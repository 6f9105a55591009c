import { MAX_QUESTION_CHARS } from './slackLimits';

/**
 * Turns a Slack message's text into the plain question the router reads: the bot's own
 * mention is dropped, other mentions, channels and links become their readable form, and the
 * entities Slack escaped are decoded (the renderer escapes again on the way out).
 */
export function questionFromSlackText(text: string | undefined, botUserId?: string): string {
  let out = text ?? '';
  if (botUserId) out = out.split(`<@${botUserId}>`).join(' ');
  out = out
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, '@someone')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<#[A-Z0-9]+>/g, '#channel')
    .replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(\|([^>]*))?>/g, (_m, _g, label: string | undefined) => label ?? '@group')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<((?:https?|mailto):[^|>]*)\|([^>]*)>/g, '$2')
    .replace(/<((?:https?|mailto):[^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_QUESTION_CHARS ? out.slice(0, MAX_QUESTION_CHARS) : out;
}

/** A Slack user id as Slack issues them; only such ids may be turned into a `<@…>` mention. */
export function isSlackUserId(id: unknown): id is string {
  return typeof id === 'string' && /^[UW][A-Z0-9]{2,20}$/.test(id);
}
