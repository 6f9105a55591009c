import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { TestAdapter, UserState, type Activity, type TurnContext } from 'botbuilder';
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
import { WhosecuresTeamsBot } from '../../../../src/channels/teams/bot';
import { outboundMiddleware } from '../../../../src/channels/teams/outbound';
import { teamsTurnErrorHandler } from '../../../../src/channels/teams/turnError';

export const TEST_APP_ID = '11111111-2222-3333-4444-555555555555';
export const TEST_SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

const kb = loadKnowledge();
const router = createRouter(kb);
const search = new SearchIndex(kb);

export interface BotHarness {
  adapter: TestAdapter;
  bot: WhosecuresTeamsBot;
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
export async function startBotHarness(options: { authenticated?: boolean; phrase?: (answer: Answer, query: Query) => Answer | undefined } = {}): Promise<BotHarness> {
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
  });
  const adapter = new TestAdapter(async (context: TurnContext) => bot.run(context), { channelId: 'msteams' });
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
  return {
    adapter,
    bot,
    store,
    assistant,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async send(activity) {
      const before = adapter.activeQueue.length;
      await adapter.processActivity(activity);
      return adapter.activeQueue.splice(before);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
