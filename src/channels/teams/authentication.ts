import { ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity } from 'botbuilder';
// botbuilder's own dependency (same version): CloudAdapter answers 401 only for this error class.
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';
import { botFrameworkAuthOptions } from './authOptions';
import type { TeamsSettings } from './settings';

/** Errors of the JWT library: a token that is malformed, badly signed, expired or not yet valid. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder's configuration-driven authentication, with two fixes for a bot on the internet:
 * a token with a bad signature is a 401 like any other rejected token (botbuilder lets the JWT
 * library's error through, which CloudAdapter turns into a 500), and every rejection is logged
 * once, with the reason and without the token.
 */
export class TeamsBotAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    settings: TeamsSettings,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    super(botFrameworkAuthOptions(settings));
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      const name = (err as Error)?.name ?? 'Error';
      const rejected = err instanceof AuthenticationError || JWT_ERRORS.has(name);
      this.metrics.errors.inc({ component: rejected ? 'teams_auth_rejected' : 'teams_auth' });
      this.logger.warn(
        { event: 'teams_auth_rejected', reason: (err as Error)?.message?.slice(0, 200), error: name, channelId: activity?.channelId, hasToken: Boolean(authHeader?.trim()) },
        'Bot Framework request rejected',
      );
      if (!rejected || err instanceof AuthenticationError) throw err;
      throw new AuthenticationError(`Unauthorized. ${(err as Error).message}`, StatusCodes.UNAUTHORIZED);
    }
  }
}
