import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import { outboxLimits, type ChannelDeps } from '../channel';
import type { SlackSettings } from './settings';
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
import { errorSummary } from './reply/slackErrors';
import { ReplyFlow } from '../replyFlow';
import { webClientOptions } from './webClientOptions';
import { slackCurators } from './curators';
import { createInstallProvider } from './oauth/installProvider';
import { oauthRoutes } from './oauth/oauthRoutes';
import { registerUninstallListener } from './oauth/uninstallListener';
import { isInstallationUnavailable } from './oauth/installationCache';
import type { HttpRoute } from '../../server';
import { EventIntake } from '../../outbox/intake';
import { OutboxWorker } from '../../outbox/worker';
import { installOutboxGate } from './outbox/gate';
import { slackJobHandlers, type TokenFor } from './outbox/handlers';
import { SLACK_ANSWER, SLACK_ONBOARDING } from './outbox/replyJobs';
import { SLACK_ASKED } from './outbox/askedJobs';
import { askedJobHandlers } from './outbox/askedHandler';
import { registerAppHome } from './listeners/appHome';
import { registerMessageShortcut } from './listeners/messageShortcut';
import { registerEscalation } from './listeners/escalation';
import { digestJobHandlers, scheduleWeeklyDigest, scheduleWorkspaceDigests, SLACK_DIGEST } from './digest/weeklyDigest';
import { escalationJobHandlers } from './escalation/escalationHandlers';
import { SlackCuratorChannels } from './curatorChannels/curatorChannels';
import { registerSettingsCommand } from './listeners/settingsCommand';
import { SLACK_ESCALATION, SLACK_ESCALATION_ANSWER } from './escalation/escalationJobs';

/** Kinds that post into a channel: spaced per channel. Notices (ephemeral) are not. */
const PACED_KINDS = new Set([SLACK_ANSWER, SLACK_ONBOARDING, SLACK_ASKED, SLACK_ESCALATION, SLACK_ESCALATION_ANSWER, SLACK_DIGEST]);

export interface SlackBolt {
  app: App;
  /** Present in HTTP mode: its request listener is mounted at POST /slack/events. */
  httpReceiver?: SlackHttpReceiver;
  inFlight: InFlight;
  /** GET /slack/install and /slack/oauth_redirect in the distributed-app mode; none otherwise. */
  oauthRoutes: HttpRoute[];
  /** The single workspace's bot identity (auth.test); absent when installed per workspace. */
  lookUpIdentity?: () => Promise<{ botUserId?: string }>;
  /** Writes each event's claim and reply job before the ack. */
  intake: EventIntake;
  /** Posts the outbox's Slack jobs. */
  worker: OutboxWorker;
  /** Starts the weekly digest's checks (DIGEST_CHANNEL: one workspace's channel, or each workspace's); returns how to stop them. */
  startDigest: () => () => void;
}

/**
 * Bolt wired for this bot: our receiver on our HTTP server (or Socket Mode when
 * SLACK_APP_TOKEN is set; with SLACK_CLIENT_ID, the OAuth installer and per-workspace tokens), the Web API at SLACK_API_URL, then global middleware in order
 * (track work in flight, drop bots and edits, claim the event) and the listeners.
 */
export function createSlackBolt(deps: ChannelDeps<SlackSettings>): SlackBolt {
  const { settings, logger, metrics, store, assistant } = deps;
  const sdkLogger = boltLogger(logger);
  const clientOptions = { ...webClientOptions({ slackApiUrl: settings.SLACK_API_URL, logger, metrics }), logger: sdkLogger };
  // Distributed app: Bolt authorizes each event from its workspace's stored installation.
  const oauth = settings.slackOAuth ? createInstallProvider({ settings, store, logger, metrics, boltLogger: sdkLogger, clientOptions }) : undefined;
  const installer = oauth?.installer;
  const botToken = settings.SLACK_BOT_TOKEN;
  if (!installer && !botToken) throw new Error('SLACK_BOT_TOKEN is required for the Slack channel');
  const auth = botToken ? cachedAuthorize(new webApi.WebClient(undefined, clientOptions), botToken, logger) : undefined;

  let httpReceiver: SlackHttpReceiver | undefined;
  let receiver: SlackHttpReceiver | SocketModeReceiver;
  if (!installer && settings.slackMode === 'socket' && settings.SLACK_APP_TOKEN) {
    // The Socket Mode client mutates the options it is given, so it gets its own copy.
    receiver = new SocketModeReceiver({ appToken: settings.SLACK_APP_TOKEN, logger: sdkLogger, installerOptions: { clientOptions: { ...clientOptions } } });
  } else {
    if (!settings.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    httpReceiver = new SlackHttpReceiver({ signingSecret: settings.SLACK_SIGNING_SECRET, logger, boltLogger: sdkLogger, metrics, installer });
    receiver = httpReceiver;
  }

  // Bolt takes `authorize` from the receiver's installer when there is one, and refuses both.
  const app = new App({ receiver, ...(auth ? { authorize: auth.authorize } : {}), logger: sdkLogger, clientOptions, convoStore: false });
  app.error(async (err) => {
    // The store was too slow for a workspace not in the installation cache: the receiver answers
    // with an error status at once (Slack retries events) instead of Bolt's empty 200.
    if (isInstallationUnavailable(err)) {
      metrics.errors.inc({ component: 'slack_installation_unavailable' });
      throw err;
    }
    metrics.errors.inc({ component: 'slack' });
    logger.error({ err: errorSummary(err), event: 'slack_bolt_error' }, 'Slack event processing failed');
  });

  const inFlight = new InFlight();
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  app.use(ignoreBotsAndEdits);
  app.use(claimEvents(store, metrics, logger));
  const pacer = new ChannelPacer(settings.SLACK_POST_SPACING_MS);
  const curators = slackCurators(settings.slackCurators, logger);
  // Where each workspace's escalations and digest go: its curators' choice, else the settings.
  const channels = new SlackCuratorChannels({
    store,
    logger,
    ...(settings.ESCALATION_CHANNEL ? { escalationDefault: settings.ESCALATION_CHANNEL } : {}),
    digestDefaults: settings.slackDigests,
    choosable: curators.configured,
  });
  const escalates = (workspace: string | undefined) => channels.escalates(workspace?.replace(/^slack:/, ''));
  const replies = new ReplyFlow({ assistant, logger, metrics, errorSummary });
  const slackDeps = { assistant, replies, store, logger, metrics, pacer, ...(channels.mayEscalate ? { escalates } : {}) };
  registerSlackListeners(app, slackDeps);

  // The reply outbox: its own client without SDK retries (the worker retries, with Retry-After).
  // One client per bot token (the token goes in the Authorization header, never in a body).
  const outboxClients = new Map<string, webApi.WebClient>();
  const clientFor = (token: string): webApi.WebClient => {
    let client = outboxClients.get(token);
    if (!client) {
      if (outboxClients.size >= 1000) outboxClients.delete(outboxClients.keys().next().value as string);
      client = new webApi.WebClient(token, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      outboxClients.set(token, client);
    }
    return client;
  };
  const tokenFor: TokenFor = async (target) => {
    if (botToken && !installer) return botToken;
    const result = await installer!.authorize({ teamId: target.teamId, enterpriseId: target.enterpriseId, isEnterpriseInstall: target.isEnterpriseInstall });
    if (!result.botToken) throw Object.assign(new Error('no bot token for this workspace'), { code: 'slack_oauth_installer_authorization_error' });
    return result.botToken;
  };
  const handlerDeps = { replies, logger, clientFor, tokenFor, ...(channels.mayEscalate ? { escalates } : {}) };
  const worker = new OutboxWorker({
    store,
    logger,
    metrics,
    handlers: {
      ...slackJobHandlers(handlerDeps),
      ...askedJobHandlers(handlerDeps),
      ...escalationJobHandlers({ ...handlerDeps, store, metrics, channels }),
      ...digestJobHandlers({ ...handlerDeps, store, kb: deps.kb, metrics, channels }),
    },
    laneSpacingMs: (job) => (PACED_KINDS.has(job.kind) ? settings.SLACK_POST_SPACING_MS : 0),
    ...outboxLimits(settings).worker,
  });
  let gate: ReturnType<typeof installOutboxGate> | undefined;
  const intake = new EventIntake({
    store,
    logger,
    metrics,
    ...outboxLimits(settings).intake,
    leaser: worker,
    onLateOutcome: (input, outcome) => gate?.onLateOutcome(input, outcome),
  });
  gate = installOutboxGate(app, {
    intake,
    worker,
    logger,
    metrics,
    limits: { maxChannelDepth: settings.OUTBOX_MAX_CHANNEL_DEPTH, perUserPerMinute: settings.RATE_LIMIT_PER_MINUTE },
    botUserId: () => auth?.identity()?.botUserId,
  });
  // Onboarding messages are outbox jobs (written with the progress they show, before the
  // listener returns), sent by the worker.
  registerSlackOnboarding(app, deps, pacer, () => worker.wake());
  if (settings.ESCALATION_CHANNEL && !curators.configured) {
    logger.warn({ event: 'slack_no_curators' }, 'ESCALATION_CHANNEL is set but no curators are (SLACK_CURATORS or ONBOARDING_ADMINS): nobody can answer or close escalations');
  }
  registerGapsCommand(app, slackDeps, { kb: deps.kb, curators, perWorkspace: Boolean(installer) });
  registerSettingsCommand(app, slackDeps, { curators, channels });
  // The Home tab and the message shortcut queue their questions in the same outbox as mentions.
  const askDeps = { ...slackDeps, intake, worker, limits: { maxChannelDepth: settings.OUTBOX_MAX_CHANNEL_DEPTH, perUserPerMinute: settings.RATE_LIMIT_PER_MINUTE } };
  if (settings.SLACK_HOME_TAB_ENABLED) {
    registerAppHome(app, askDeps, { kb: deps.kb, curators, perWorkspace: Boolean(installer), questionLogEnabled: settings.QUESTION_LOG_ENABLED, questionLogDays: settings.QUESTION_LOG_DAYS, shortcut: settings.MESSAGE_ACTION_ENABLED, ...(channels.choosable ? { channels } : {}) });
  }
  if (settings.MESSAGE_ACTION_ENABLED) registerMessageShortcut(app, askDeps, () => auth?.identity()?.botUserId);
  if (channels.mayEscalate) registerEscalation(app, { ...slackDeps, worker, channels, curators });
  if (oauth) registerUninstallListener(app, oauth.cache, logger);

  const startDigest = () => {
    if (!channels.mayDigest) return () => undefined;
    // The distributed app: each workspace's own channel, with its own token.
    if (installer) return scheduleWorkspaceDigests({ store, worker, logger, metrics, digests: () => channels.workspaceDigestTargets() });
    // One workspace: the bot's own (auth.test), whose curators may have chosen the channel.
    return scheduleWeeklyDigest({ store, worker, logger, metrics, channel: async () => (await channels.get(channels.choosable ? (await auth!.known()).teamId : undefined, 'digest')).channel });
  };

  return { app, httpReceiver, inFlight, oauthRoutes: installer ? oauthRoutes(installer, logger, metrics) : [], lookUpIdentity: auth?.lookUp, intake, worker, startDigest };
}
