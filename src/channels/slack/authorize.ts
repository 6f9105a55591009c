import type { Authorize, AuthorizeResult, webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/** How long the first event may wait for auth.test before it is handled without the bot's ids. */
const FIRST_LOOKUP_WAIT_MS = 1000;

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

/**
 * A single-workspace `authorize` that caches the bot's identity from auth.test. Bolt's built-in
 * one caches the first auth.test promise even when it fails, so one network error at start
 * would break every later event; this one retries, and never holds an event for longer than a
 * second (the bot's own messages are also filtered by `bot_id`, so the ids are a second guard).
 */
export function cachedAuthorize(client: webApi.WebClient, botToken: string, logger: Logger) {
  let identity: BotIdentity | undefined;
  let pending: Promise<BotIdentity> | undefined;

  const lookUp = (): Promise<BotIdentity> => {
    pending ??= client.auth
      .test({ token: botToken })
      .then((r) => {
        identity = { botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id };
        return identity;
      })
      .catch((err: unknown) => {
        logger.warn({ event: 'slack_auth_test_failed', error: (err as Error).message }, 'Slack auth.test failed; will retry on the next event');
        throw err;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const authorize: Authorize<boolean> = async () => {
    if (!identity) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        lookUp().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, FIRST_LOOKUP_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    const result: AuthorizeResult = { botToken, botId: identity?.botId, botUserId: identity?.botUserId, teamId: identity?.teamId };
    return result;
  };

  /** The identity, looked up only when it is not known yet. */
  const known = (): Promise<BotIdentity> => (identity ? Promise.resolve(identity) : lookUp());

  return { authorize, lookUp, known, identity: () => identity };
}
