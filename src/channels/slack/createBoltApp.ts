import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import type { ChannelDeps } from '../channel';
import { cachedAuthorize } from './authorize';
import { boltLogger } from './boltLogger';
import { SlackHttpReceiver } from './httpReceiver';
import { InFlight } from './inFlight';
import { registerSlackListeners } from './listeners';
import { registerGapsCommand } from './listeners/gapsCommand';
import { registerSlackOnboarding } from './onboarding';
import { claimEvents } from './middleware/claimEvent';
import { ignoreBotsAndEdits } from './middleware/ignoreBots';
import { ChannelPacer } from './reply/channelPacer';
import { errorSummary } from './reply/postAnswer';
import { webClientOptions } from './webClientOptions';
import { createInstallProvider } from './oauth/installProvider';
import { oauthRoutes } from './oauth/oauthRoutes';
import { registerUninstallListener } from './oauth/uninstallListener';
import type { HttpRoute } from '../../server';

export interface SlackBolt {
  app: App;
  /** Present in HTTP mode: its request listener is mounted at POST /slack/events. */
  httpReceiver?: SlackHttpReceiver;
  inFlight: InFlight;
  /** GET /slack/install and /slack/oauth_redirect in the distributed-app mode; none otherwise. */
  oauthRoutes: HttpRoute[];
  /** The single workspace's bot identity (auth.test); absent when installed per workspace. */
  lookUpIdentity?: () => Promise<{ botUserId?: string }>;
}

/**
 * Bolt wired for this bot: our receiver on our HTTP server (or Socket Mode when
 * SLACK_APP_TOKEN is set; with SLACK_CLIENT_ID, the OAuth installer and per-workspace tokens), the Web API at SLACK_API_URL, then global middleware in order
 * (track work in flight, drop bots and edits, claim the event) and the listeners.
 */
export function createSlackBolt(deps: ChannelDeps): SlackBolt {
  const { config, logger, metrics, store, assistant } = deps;
  const sdkLogger = boltLogger(logger);
  const clientOptions = { ...webClientOptions({ slackApiUrl: config.SLACK_API_URL, logger, metrics }), logger: sdkLogger };
  // Distributed app: Bolt authorizes each event from its workspace's stored installation.
  const installer = config.slackOAuth ? createInstallProvider({ config, store, logger, metrics, boltLogger: sdkLogger, clientOptions }) : undefined;
  const botToken = config.SLACK_BOT_TOKEN;
  if (!installer && !botToken) throw new Error('SLACK_BOT_TOKEN is required for the Slack channel');
  const auth = botToken ? cachedAuthorize(new webApi.WebClient(undefined, clientOptions), botToken, logger) : undefined;

  let httpReceiver: SlackHttpReceiver | undefined;
  let receiver: SlackHttpReceiver | SocketModeReceiver;
  if (!installer && config.slackMode === 'socket' && config.SLACK_APP_TOKEN) {
    // The Socket Mode client mutates the options it is given, so it gets its own copy.
    receiver = new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, logger: sdkLogger, installerOptions: { clientOptions: { ...clientOptions } } });
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    httpReceiver = new SlackHttpReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, logger, boltLogger: sdkLogger, metrics, installer });
    receiver = httpReceiver;
  }

  // Bolt takes `authorize` from the receiver's installer when there is one, and refuses both.
  const app = new App({ receiver, ...(auth ? { authorize: auth.authorize } : {}), logger: sdkLogger, clientOptions, convoStore: false });
  app.error(async (err) => {
    metrics.errors.inc({ component: 'slack' });
    logger.error({ err: errorSummary(err), event: 'slack_bolt_error' }, 'Slack event processing failed');
  });

  const inFlight = new InFlight();
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  app.use(ignoreBotsAndEdits);
  app.use(claimEvents(store, metrics, logger));
  const pacer = new ChannelPacer(config.SLACK_POST_SPACING_MS);
  const slackDeps = { assistant, store, logger, metrics, pacer };
  registerSlackListeners(app, slackDeps);
  registerSlackOnboarding(app, deps, pacer);
  registerGapsCommand(app, slackDeps, { kb: deps.kb, admins: config.ONBOARDING_ADMINS });
  if (installer) registerUninstallListener(app, store, logger);

  return { app, httpReceiver, inFlight, oauthRoutes: installer ? oauthRoutes(installer, logger, metrics) : [], lookUpIdentity: auth?.lookUp };
}
