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

export interface SlackBolt {
  app: App;
  /** Present in HTTP mode: its request listener is mounted at POST /slack/events. */
  httpReceiver?: SlackHttpReceiver;
  inFlight: InFlight;
  lookUpIdentity: () => Promise<{ botUserId?: string }>;
}

/**
 * Bolt wired for this bot: our receiver on our HTTP server (or Socket Mode when
 * SLACK_APP_TOKEN is set), the Web API at SLACK_API_URL, then global middleware in order
 * (track work in flight, drop bots and edits, claim the event) and the listeners.
 */
export function createSlackBolt(deps: ChannelDeps): SlackBolt {
  const { config, logger, metrics, store, assistant } = deps;
  const botToken = config.SLACK_BOT_TOKEN;
  if (!botToken) throw new Error('SLACK_BOT_TOKEN is required for the Slack channel');
  const sdkLogger = boltLogger(logger);
  const clientOptions = { ...webClientOptions({ slackApiUrl: config.SLACK_API_URL, logger, metrics }), logger: sdkLogger };
  const auth = cachedAuthorize(new webApi.WebClient(undefined, clientOptions), botToken, logger);

  let httpReceiver: SlackHttpReceiver | undefined;
  let receiver: SlackHttpReceiver | SocketModeReceiver;
  if (config.slackMode === 'socket' && config.SLACK_APP_TOKEN) {
    // The Socket Mode client mutates the options it is given, so it gets its own copy.
    receiver = new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, logger: sdkLogger, installerOptions: { clientOptions: { ...clientOptions } } });
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    httpReceiver = new SlackHttpReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, logger, boltLogger: sdkLogger, metrics });
    receiver = httpReceiver;
  }

  const app = new App({ receiver, authorize: auth.authorize, logger: sdkLogger, clientOptions, convoStore: false });
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

  return { app, httpReceiver, inFlight, lookUpIdentity: auth.lookUp };
}
