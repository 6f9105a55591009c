import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** Message subtypes that are still a person asking something. */
const USER_MESSAGE_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/**
 * Drops events the bot must never answer: its own messages, other bots, and message edits,
 * deletions and joins. Runs before the event claim, so they cost no database write. Bolt's
 * ignoreSelf stays on as well; this one also works before the bot's ids are known.
 */
export const ignoreBotsAndEdits: Middleware<AnyMiddlewareArgs> = async ({ body, context, next }) => {
  const b = body as { type?: string; event?: Record<string, unknown> };
  if (b.type === 'event_callback' && b.event && isIgnoredEvent(b.event, context.botUserId)) return;
  await next();
};

/** The rule above on its own, for the outbox gate that runs before Bolt. */
export function isIgnoredEvent(event: Record<string, unknown>, botUserId?: string): boolean {
  if (event.bot_id || event.subtype === 'bot_message' || event.bot_profile) return true;
  if (event.type === 'message' && typeof event.subtype === 'string' && !USER_MESSAGE_SUBTYPES.has(event.subtype)) return true;
  return Boolean(botUserId && event.user === botUserId);
}
