import { CloudAdapter, UserState, type TurnContext } from 'botbuilder';
import { loadCourse } from '../../onboarding/course';
import { OnboardingService } from '../../onboarding/service';
import { StoreBotStorage } from '../../store/botframeworkStorage';
import type { Channel, ChannelDeps } from '../channel';
import { teamsAuthMode } from './authOptions';
import { TeamsBotAuthentication } from './authentication';
import { BackgroundTasks } from './background';
import { keepEntityProperties } from './entitySerialization';
import { WhosecuresTeamsBot } from './bot';
import { TeamsProactiveSender } from './conversationReferences';
import { messagesRoute } from './httpBridge';
import { LessonTimer } from './onboarding/lessonTimer';
import { TeamsOnboarding } from './onboarding/teamsOnboarding';
import { outboundMiddleware } from './outbound';
import type { RetryOptions } from './retry';
import type { ServiceUrlPolicy } from './serviceUrls';
import { teamsTurnErrorHandler } from './turnError';

export interface TeamsChannel extends Channel {
  bot: WhosecuresTeamsBot;
  adapter: CloudAdapter;
  /** Proactive messages (onboarding) to stored, authenticated conversations only. */
  proactive: TeamsProactiveSender;
  /** The onboarding course, when the knowledge folder has one. */
  onboarding?: TeamsOnboarding;
  /** Phrasing updates still running after their turn; `drain()` waits for them. */
  background: BackgroundTasks;
}

export interface TeamsChannelOptions {
  retry?: RetryOptions;
  /** How often due onboarding lessons are looked for. */
  lessonSweepMs?: number;
}

/** Lessons are due at a fixed hour on working days; looking every few minutes delivers them on time. */
export const LESSON_SWEEP_MS = 5 * 60_000;

/**
 * The Microsoft Teams channel: CloudAdapter on the app's HTTP server at POST /api/messages,
 * authenticated by ConfigurationBotFrameworkAuthentication from the environment.
 */
export async function createTeamsChannel(deps: ChannelDeps, options: TeamsChannelOptions = {}): Promise<TeamsChannel | undefined> {
  const { config, logger, metrics, store, kb, assistant, search } = deps;
  const mode = teamsAuthMode(config);
  if (mode.kind === 'off') {
    logger.info({ channel: 'teams' }, 'Teams channel off (no MicrosoftAppId)');
    return undefined;
  }
  if (mode.kind === 'unauthenticated') {
    logger.warn(
      { channel: 'teams', event: 'teams_auth_disabled', host: config.HOST },
      '!!! Teams channel WITHOUT AUTHENTICATION (TEAMS_ALLOW_UNAUTHENTICATED=true, no MicrosoftAppId): anyone who can reach this loopback port can impersonate Teams. For the Bot Framework Emulator only. !!!',
    );
  }
  const appId = mode.kind === 'authenticated' ? mode.appId : undefined;
  const policy: ServiceUrlPolicy = { hosts: config.teamsServiceHosts, loopbackOnly: mode.kind === 'unauthenticated' };

  keepEntityProperties();
  const adapter = new CloudAdapter(new TeamsBotAuthentication(config, logger, metrics));
  adapter.use(outboundMiddleware({ policy, logger, metrics, retry: options.retry }));
  adapter.onTurnError = teamsTurnErrorHandler({ logger, metrics });

  const userState = new UserState(new StoreBotStorage(store));
  const proactive = new TeamsProactiveSender({ adapter, store, appId, policy, logger });
  const course = loadCourse(kb);
  const onboarding = course
    ? new TeamsOnboarding({ service: new OnboardingService({ store, kb, course }), store, proactive, logger, metrics, welcomeOnInstall: config.ONBOARDING_ENABLED })
    : undefined;
  if (!course) logger.info({ channel: 'teams' }, 'no onboarding course in the knowledge folder; onboarding off');
  const background = new BackgroundTasks({ logger, metrics });
  // Unauthenticated (Emulator) turns have no app id; the connector then sends without a token, to loopback only.
  const continueConversation = (reference: Parameters<CloudAdapter['continueConversationAsync']>[1], logic: (context: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync(appId ?? '', reference, logic);
  const bot = new WhosecuresTeamsBot({ assistant, store, kb, search, logger, metrics, userState, appId, policy, onboarding, background, continueConversation, messageActions: config.MESSAGE_ACTION_ENABLED });
  const timer = onboarding ? new LessonTimer(() => onboarding.deliverDueLessons(), options.lessonSweepMs ?? LESSON_SWEEP_MS, logger) : undefined;

  let accepting = true;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const logic = async (context: TurnContext) => {
    inFlight++;
    try {
      await bot.run(context);
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
      timer?.start();
    },
    async stop() {
      accepting = false;
      await timer?.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await background.drain();
    },
  };
}
