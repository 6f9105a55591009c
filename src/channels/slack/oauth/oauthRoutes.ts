import type { InstallProvider } from '@slack/oauth';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { HttpRoute } from '../../../server';
import { installCallbackOptions } from './installProvider';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/** The two browser-facing OAuth routes, on our one HTTP server next to POST /slack/events. */
export function oauthRoutes(installer: InstallProvider, logger: Logger, metrics: Metrics): HttpRoute[] {
  const callbackOptions = installCallbackOptions(logger, metrics);
  return [
    {
      method: 'GET',
      path: INSTALL_PATH,
      handler: async (req, res) => {
        try {
          await installer.handleInstallPath(req, res);
        } catch (err) {
          metrics.errors.inc({ component: 'slack_oauth' });
          logger.error({ event: 'slack_install_link_failed', error: (err as Error).message }, 'could not build the Slack install link');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('The install link could not be created.');
        }
      },
    },
    { method: 'GET', path: REDIRECT_PATH, handler: (req, res) => installer.handleCallback(req, res, callbackOptions) },
  ];
}
