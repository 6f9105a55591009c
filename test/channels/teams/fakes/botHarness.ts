import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ActivityEx } from 'botframework-schema';
import { TestAdapter, UserState, type Activity, type ConversationReference, type ResourceResponse, type TurnContext } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { Assistant } from '../../../../src/conversation/assistant';
import { createRouter } from '../../../../src/engine/router';
import { SearchIndex } from '../../../../src/engine/search';
import type { Answer, Query } from '../../../../src/engine/types';
import { loadKnowledge } from '../../../../src/knowledge/loader';
import { createLogger } from '../../../../src/logger';
import { createMetrics } from '../../../../src/metrics';
import { StoreBotStorage, openStore } from '../../../../src/store';
import type { Store } from '../../../../src/store/types';
import { BackgroundTasks } from '../../../../src/channels/teams/background';
import { WhosecuresTeamsBot } from '../../../../src/channels/teams/bot';
import { TeamsProactiveSender } from '../../../../src/channels/teams/conversationReferences';
import { TeamsOnboarding } from '../../../../src/channels/teams/onboarding/teamsOnboarding';
import { loadCourse } from '../../../../src/onboarding/course';
import { OnboardingService } from '../../../../src/onboarding/service';
import { outboundMiddleware } from '../../../../src/channels/teams/outbound';
import { teamsTurnErrorHandler } from '../../../../src/channels/teams/turnError';
import { EventIntake } from '../../../../src/outbox/intake';
import { OutboxWorker } from '../../../../src/outbox/worker';
import { teamsJobHandlers } from '../../../../src/channels/teams/outbox/handlers';
import { TeamsReplies } from '../../../../src/channels/teams/outbox/teamsReplies';

export const TEST_APP_ID = '11111111-2222-3333-4444-555555555555';
export const TEST_SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

const kb = loadKnowledge();
const router = createRouter(kb);
const search = new SearchIndex(kb);
const course = loadCourse(kb)!;

/**
 * TestAdapter with what the bot needs after a turn: continuing a conversation (the real
 * CloudAdapter's continueConversationAsync runs a new turn through the middleware) and a record
 * of updated activities.
 */
export class ContinuingTestAdapter extends TestAdapter {
  readonly updates: Array<Partial<Activity>> = [];

  async continueWith(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = this.createContext(ActivityEx.getContinuationActivity(reference) as Activity);
    await this.runMiddleware(context, logic);
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    this.updates.push(activity);
    return super.updateActivity(context, activity);
  }
}

export interface BotHarness {
  adapter: ContinuingTestAdapter;
  background: BackgroundTasks;
  bot: WhosecuresTeamsBot;
  /** The reply outbox the bot queues into; its worker sends through the adapter. */
  replies: TeamsReplies;
  /** Resolves once the outbox has nothing left to send. */
  outboxIdle(): Promise<void>;
  store: Store;
  assistant: Assistant;
  logs: Array<Record<string, unknown>>;
  /** Sends one activity through the bot and returns what it sent back. */
  send(activity: Partial<Activity>): Promise<Array<Partial<Activity>>>;
  close(): Promise<void>;
}

/**
 * The Teams bot on botbuilder's TestAdapter (channelId msteams) with the real assistant, router,
 * knowledge base, outbound middleware and a SQLite store in a temporary folder.
 * `authenticated` makes every turn carry claims for the bot, as CloudAdapter sets them.
 */
export async function startBotHarness(
  options: { authenticated?: boolean; phrase?: (answer: Answer, query: Query) => Answer | undefined | Promise<Answer | undefined>; onboarding?: boolean } = {},
): Promise<BotHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'whosecures-teams-'));
  const lines: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) }));
  const store = await openStore({ dataDir: dir, logger });
  const metrics = createMetrics();
  const assistant = new Assistant({ router, store, logger, metrics, logQuestionText: false, rateLimitPerMinute: 1000 });
  if (options.phrase) {
    const phrase = options.phrase;
    assistant.phrase = async (answer, query) => phrase(answer, query);
  }
  const policy = { hosts: ['smba.trafficmanager.net'], loopbackOnly: false };
  const background = new BackgroundTasks({ logger, metrics });
  let adapter: ContinuingTestAdapter | undefined;
  const continuing = { continueConversationAsync: (_appId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => adapter!.continueWith(reference, logic) };
  let replies: TeamsReplies | undefined;
  const proactive = new TeamsProactiveSender({ adapter: continuing, store, appId: TEST_APP_ID, policy, logger, deliver: (reference, activity) => replies!.deliver(reference, activity) });
  const continueConversation = (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => adapter!.continueWith(reference, logic);
  const worker = new OutboxWorker({ store, logger, metrics, handlers: teamsJobHandlers({ assistant, logger, metrics, background, continueConversation, proactive }), laneSpacingMs: () => 0, pollMs: 50 });
  const intake = new EventIntake({ store, logger, metrics, leaser: worker, onLateOutcome: (input, outcome) => replies?.onLateOutcome(input, outcome) });
  replies = new TeamsReplies({ store, logger, metrics, intake, worker, limits: { maxConversationDepth: 1000, perUserPerMinute: 1000 } });
  const teamsReplies = replies;
  const onboarding =
    options.onboarding === false
      ? undefined
      : new TeamsOnboarding({ service: new OnboardingService({ store, kb, course }), store, proactive, logger, metrics, welcomeOnInstall: true, send: (context, activity) => teamsReplies.send(context, activity) });
  const bot = new WhosecuresTeamsBot({
    assistant,
    store,
    kb,
    search,
    logger,
    metrics,
    userState: new UserState(new StoreBotStorage(store)),
    appId: TEST_APP_ID,
    policy,
    onboarding,
    replies,
  });
  const outboxIdle = async () => {
    const deadline = Date.now() + 10_000;
    while ((await worker.pending()) !== 0 || worker.busy > 0) {
      if (Date.now() > deadline) throw new Error('the outbox did not empty');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  adapter = new ContinuingTestAdapter(async (context: TurnContext) => bot.run(context), { channelId: 'msteams' });
  if (options.authenticated) {
    adapter.use({
      async onTurn(context, next) {
        context.turnState.set(context.adapter.BotIdentityKey, new ClaimsIdentity([{ type: 'aud', value: TEST_APP_ID }, { type: 'iss', value: 'https://api.botframework.com' }], true));
        await next();
      },
    });
  }
  adapter.onTurnError = teamsTurnErrorHandler({ logger, metrics });
  adapter.use(outboundMiddleware({ policy, logger, metrics, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }));
  worker.start();
  return {
    adapter,
    background,
    bot,
    replies,
    outboxIdle,
    store,
    assistant,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async send(activity) {
      const before = adapter.activeQueue.length;
      await adapter.processActivity(activity);
      // Replies go through the outbox: what the turn sent, then what the worker sent for it.
      await outboxIdle();
      return adapter.activeQueue.splice(before);
    },
    async close() {
      await worker.stop(0, 2000);
      await background.drain();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
