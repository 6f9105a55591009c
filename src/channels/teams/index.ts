import { Channels, CloudAdapter, UserState, type TurnContext } from 'botbuilder';
import { loadCourse } from '../../onboarding/course';
import { OnboardingService } from '../../onboarding/service';
import { StoreBotStorage } from '../../store/botframeworkStorage';
import { outboxLimits, type Channel, type ChannelDeps } from '../channel';
import type { TeamsSettings } from './settings';
import { teamsAuthMode } from './authOptions';
import { TeamsBotAuthentication } from './authentication';
import { BackgroundTasks } from './background';
import { keepEntityProperties } from './entitySerialization';
import { WhosecuresTeamsBot } from './bot';
import { TeamsProactiveSender } from './conversationReferences';
import { messagesRoute } from './httpBridge';
import { LessonTimer } from './onboarding/lessonTimer';
import { TeamsOnboarding } from './onboarding/teamsOnboarding';
import { outboundMiddleware, ServiceUrlRefusedError } from './outbound';
import type { RetryOptions } from './retry';
import { isAllowedServiceUrl, type ServiceUrlPolicy } from './serviceUrls';
import { teamsTurnErrorHandler } from './turnError';
import { EventIntake } from '../../outbox/intake';
import { OutboxWorker } from '../../outbox/worker';
import { teamsJobHandlers, teamsSenders, type CreateConversation } from './outbox/handlers';
import { TEAMS_DIGEST, TEAMS_ESCALATION, TEAMS_ESCALATION_ANSWER } from './outbox/escalationJobs';
import { TeamsEscalations } from './escalation';
import { TEAMS_ANSWER } from './outbox/jobs';
import { TeamsReplies } from './outbox/teamsReplies';

export interface TeamsChannel extends Channel {
  bot: WhosecuresTeamsBot;
  adapter: CloudAdapter;
  /** Proactive messages (onboarding) to stored, authenticated conversations only. */
  proactive: TeamsProactiveSender;
  /** The onboarding course, when the knowledge folder has one. */
  onboarding?: TeamsOnboarding;
  /** Phrasing updates still running after their turn; `drain()` waits for them. */
  background: BackgroundTasks;
  /** The reply outbox: answers, onboarding cards and notes, sent by its worker. */
  replies: TeamsReplies;
  /** "Ask the security team" and the curators' weekly digest. */
  escalations: TeamsEscalations;
}

export interface TeamsChannelOptions {
  retry?: RetryOptions;
  /** How often due onboarding lessons are looked for. */
  lessonSweepMs?: number;
}

/** Jobs that post into a conversation: spaced TEAMS_POST_SPACING_MS apart in it. */
const PACED_KINDS = new Set([TEAMS_ANSWER, TEAMS_ESCALATION, TEAMS_ESCALATION_ANSWER, TEAMS_DIGEST]);

/** Lessons are due at a fixed hour on working days; looking every few minutes delivers them on time. */
export const LESSON_SWEEP_MS = 5 * 60_000;

/**
 * The Microsoft Teams channel: CloudAdapter on the app's HTTP server at POST /api/messages,
 * authenticated by ConfigurationBotFrameworkAuthentication from the environment.
 */
export async function createTeamsChannel(deps: ChannelDeps<TeamsSettings>, options: TeamsChannelOptions = {}): Promise<TeamsChannel | undefined> {
  const { settings, logger, metrics, store, kb, assistant, search } = deps;
  const mode = teamsAuthMode(settings);
  if (mode.kind === 'off') {
    logger.info({ channel: 'teams' }, 'Teams channel off (no MicrosoftAppId)');
    return undefined;
  }
  if (mode.kind === 'unauthenticated') {
    logger.warn(
      { channel: 'teams', event: 'teams_auth_disabled', host: settings.HOST },
      '!!! Teams channel WITHOUT AUTHENTICATION (TEAMS_ALLOW_UNAUTHENTICATED=true, no MicrosoftAppId): anyone who can reach this loopback port can impersonate Teams. For the Bot Framework Emulator only. !!!',
    );
  }
  const appId = mode.kind === 'authenticated' ? mode.appId : undefined;
  const policy: ServiceUrlPolicy = { hosts: settings.teamsServiceHosts, loopbackOnly: mode.kind === 'unauthenticated' };

  keepEntityProperties();
  const adapter = new CloudAdapter(new TeamsBotAuthentication(settings, logger, metrics));
  adapter.use(outboundMiddleware({ policy, logger, metrics, retry: options.retry }));
  adapter.onTurnError = teamsTurnErrorHandler({ logger, metrics });

  const userState = new UserState(new StoreBotStorage(store));
  const background = new BackgroundTasks({ logger, metrics });
  // Unauthenticated (Emulator) turns have no app id; the connector then sends without a token, to loopback only.
  const continueConversation = (reference: Parameters<CloudAdapter['continueConversationAsync']>[1], logic: (context: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync(appId ?? '', reference, logic);
  // The outbox's sends run in turns of their own; `deliver` is set once the outbox exists.
  let replies: TeamsReplies | undefined;
  const proactive = new TeamsProactiveSender({ adapter, store, appId, policy, logger, deliver: (reference, activity) => replies!.deliver(reference, activity) });
  // "Ask the security team" and the digest post proactively: only a bot with an app id can.
  const curatorChannels = { escalationChannel: settings.TEAMS_ESCALATION_CHANNEL, digestChannel: settings.TEAMS_DIGEST_CHANNEL };
  if (!appId && (curatorChannels.escalationChannel || curatorChannels.digestChannel)) {
    logger.warn({ channel: 'teams', event: 'teams_escalation_off' }, 'TEAMS_ESCALATION_CHANNEL and TEAMS_DIGEST_CHANNEL need an authenticated bot (MicrosoftAppId); both are off');
  }
  if (appId && curatorChannels.escalationChannel && !settings.TEAMS_CURATORS.length) {
    logger.warn({ channel: 'teams', event: 'teams_no_curators' }, 'TEAMS_ESCALATION_CHANNEL is set but TEAMS_CURATORS is not: nobody can answer or close escalations');
  }
  // A post in a channel the bot never heard from (the digest's first): the connector call comes
  // before any turn, so the service URL is checked here rather than by the outbound middleware.
  const createConversation: CreateConversation = async (serviceUrl, parameters, logic) => {
    if (!isAllowedServiceUrl(serviceUrl, policy)) throw new ServiceUrlRefusedError(new URL(serviceUrl).host);
    // No audience: the connector's default scope, as continueConversationAsync uses (the typings want a string).
    await adapter.createConversationAsync(appId ?? '', Channels.Msteams, serviceUrl, undefined as unknown as string, parameters, logic);
  };
  const tenant = settings.TEAMS_TENANT_ID ?? settings.MicrosoftAppTenantId;
  if (appId && curatorChannels.digestChannel && settings.TEAMS_PROACTIVE_SERVICE_URL && !isAllowedServiceUrl(settings.TEAMS_PROACTIVE_SERVICE_URL, policy)) {
    logger.warn({ channel: 'teams', event: 'teams_proactive_service_url_refused' }, 'TEAMS_PROACTIVE_SERVICE_URL is not allowed by TEAMS_SERVICE_URL_ALLOWLIST; it is not used');
  }
  // The worker takes the escalations' job handlers; they wake it once it exists.
  let wakeWorker: () => void = () => undefined;
  const escalations = new TeamsEscalations({
    store,
    kb,
    logger,
    metrics,
    worker: { wake: () => wakeWorker() },
    proactive,
    senders: teamsSenders({ continueConversation, createConversation, proactive, logger }),
    appId,
    policy,
    ...(tenant ? { tenant } : {}),
    ...(settings.TEAMS_PROACTIVE_SERVICE_URL ? { proactiveServiceUrl: settings.TEAMS_PROACTIVE_SERVICE_URL } : {}),
    ...(appId && curatorChannels.escalationChannel ? { escalationChannel: curatorChannels.escalationChannel } : {}),
    curators: settings.TEAMS_CURATORS,
    ...(appId && curatorChannels.digestChannel ? { digestChannel: curatorChannels.digestChannel } : {}),
  });
  const worker = new OutboxWorker({
    store,
    logger,
    metrics,
    handlers: { ...teamsJobHandlers({ assistant, logger, metrics, background, continueConversation, proactive, escalation: escalations.enabled }), ...escalations.jobHandlers() },
    laneSpacingMs: (job) => (PACED_KINDS.has(job.kind) || job.kind.startsWith('teams.onboarding') ? settings.TEAMS_POST_SPACING_MS : 0),
    ...outboxLimits(settings).worker,
  });
  wakeWorker = () => worker.wake();
  const intake = new EventIntake({
    store,
    logger,
    metrics,
    ...outboxLimits(settings).intake,
    leaser: worker,
    onLateOutcome: (input, outcome) => replies?.onLateOutcome(input, outcome),
  });
  replies = new TeamsReplies({
    store,
    logger,
    metrics,
    intake,
    worker,
    limits: { maxConversationDepth: settings.OUTBOX_MAX_CHANNEL_DEPTH, perUserPerMinute: settings.RATE_LIMIT_PER_MINUTE },
  });
  const course = loadCourse(kb);
  const onboarding = course
    ? new TeamsOnboarding({
        service: new OnboardingService({ store, kb, course, onQueued: () => worker.wake() }),
        store,
        proactive,
        logger,
        metrics,
        welcomeOnInstall: settings.ONBOARDING_ENABLED,
        send: (context, activity) => replies!.send(context, activity),
      })
    : undefined;
  if (!course) logger.info({ channel: 'teams' }, 'no onboarding course in the knowledge folder; onboarding off');
  const bot = new WhosecuresTeamsBot({ assistant, store, kb, search, logger, metrics, userState, appId, policy, onboarding, replies, messageActions: settings.MESSAGE_ACTION_ENABLED, escalations });
  const timer = onboarding ? new LessonTimer(() => onboarding.deliverDueLessons(), options.lessonSweepMs ?? LESSON_SWEEP_MS, logger) : undefined;

  let stopDigest: () => void = () => undefined;
  let accepting = true;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const logic = async (context: TurnContext) => {
    inFlight++;
    try {
      // The tenant's service URL and any digest kept for it: after the turn, never holding its response.
      const heard = escalations.heard(context);
      await bot.run(context);
      if (heard) background.run('digest_resume', heard);
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };
  const route = messagesRoute(adapter, logic, logger);

  logger.info({ channel: 'teams', auth: mode.kind, serviceHosts: policy.loopbackOnly ? ['loopback only'] : policy.hosts }, 'Teams channel ready at POST /api/messages');
  return {
    name: 'teams',
    bot,
    adapter,
    proactive,
    onboarding,
    background,
    replies,
    escalations,
    routes: [
      {
        ...route,
        handler: async (req, res) => {
          if (!accepting) {
            // Bot Framework retries on 503; another replica (or this one after restart) answers.
            res.writeHead(503, { 'retry-after': '1' }).end();
            return;
          }
          await route.handler(req, res);
        },
      },
    ],
    async start() {
      accepting = true;
      // Jobs left by an earlier process (a crash, a deploy) are resumed from here.
      worker.start();
      timer?.start();
      stopDigest();
      stopDigest = escalations.startDigest();
    },
    async stop() {
      // TEAMS_SHUTDOWN_DRAIN_MS of sending, then 2 s for sends in flight and their marks, at
      // most 1 s for turns in flight (they only write to the outbox) and 1 s for phrasing
      // updates: within the process's 10 s however slow the LLM or the connector is.
      accepting = false;
      stopDigest();
      const turnsDone = inFlight > 0 ? new Promise<void>((resolve) => (drained = resolve)) : Promise.resolve();
      const [, , held] = await Promise.all([within(1000, timer?.stop()), within(1000, turnsDone), intake.close(1000)]);
      const left = await worker.stop(settings.TEAMS_SHUTDOWN_DRAIN_MS, 2000);
      const phrasingDone = await within(1000, background.drain());
      const pending = await worker.pending();
      logger.info(
        { channel: 'teams', event: 'outbox_stopped', held, ...left, pending, turnsInFlight: inFlight, phrasingAbandoned: phrasingDone ? 0 : background.size },
        'Teams outbox stopped; pending jobs are sent by the next process',
      );
    },
  };
}

/** Waits for `work` at most `ms`; true when it finished in time. */
async function within(ms: number, work: Promise<unknown> | undefined): Promise<boolean> {
  if (!work) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
