import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { Assistant } from './conversation/assistant';
import { createRouter } from './engine/router';
import { loadKnowledge } from './knowledge/loader';
import type { KnowledgeBase } from './knowledge/types';
import { createMetrics, type Metrics } from './metrics';
import { createHttpServer, sendJson, type HttpRoute } from './server';
import { openStore } from './store';
import type { Store } from './store/types';
import type { Channel } from './channels/channel';
import { channelFactories, type ChannelSettings, type SharedChannelDeps } from './channels';
import { SLACK_SETTING_KEYS, type SlackSettings } from './channels/slack/settings';
import { BOT_FRAMEWORK_ENV_KEYS, TEAMS_SETTING_KEYS, type TeamsSettings } from './channels/teams/settings';
import { createLlm } from './phrasing/create';
import { matrixCsvRoute, matrixRoute } from './curator/matrixRoute';
import { teamsTabRoutes } from './curator/teamsTabRoute';

export interface App {
  config: Config;
  kb: KnowledgeBase;
  store: Store;
  assistant: Assistant;
  metrics: Metrics;
  channels: Channel[];
  server: Server;
  /** Listens on config.PORT (0 = any free port) and returns the port. */
  listen(): Promise<number>;
  stop(): Promise<void>;
}

export interface BuildOptions {
  logger: Logger;
  /** Replace the store (tests); by default it is opened from the config. */
  store?: Store;
}

/** Builds the whole bot from a config: knowledge base, store, assistant, channels, HTTP server. */
export async function buildApp(config: Config, options: BuildOptions): Promise<App> {
  const { logger } = options;
  const started = Date.now();
  const kb = loadKnowledge(config.KNOWLEDGE_DIR);
  const router = createRouter(kb);
  logger.info({ services: kb.services.size - 1, cells: kb.cells.size, ms: Date.now() - started }, 'knowledge base loaded');

  const store =
    options.store ??
    (await openStore({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      encryptionKey: config.STORE_ENCRYPTION_KEY,
      questionLogEnabled: config.QUESTION_LOG_ENABLED,
      questionLogDays: config.QUESTION_LOG_DAYS,
      batchMs: config.STORE_BATCH_MS,
      logger,
    }));
  const metrics = createMetrics();
  const { phraser, chooser } = createLlm(config, { kb, store, logger, metrics });
  const assistant = new Assistant({
    router,
    store,
    logger,
    metrics,
    phraser,
    chooser,
    logQuestionText: config.LOG_QUESTIONS,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  });

  const deps: SharedChannelDeps = { kb, assistant, search: router.search, store, logger, metrics };
  const settings = channelSettings(config);
  const channels: Channel[] = [];
  for (const factory of channelFactories) {
    const channel = await factory(deps, settings);
    if (channel) channels.push(channel);
  }

  let stopping = false;
  const routes: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        // A write, not a read: a full disk or a read-only database must fail readiness.
        const storeOk = await store.pingWrite().then(() => true, () => false);
        sendJson(res, storeOk && !stopping ? 200 : 503, { knowledgeBase: { cells: kb.cells.size }, store: storeOk ? 'ok' : 'unreachable', stopping });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      },
    },
    ...(config.MATRIX_PAGE_ENABLED ? [matrixRoute(kb), matrixCsvRoute(kb), ...teamsTabRoutes(kb)] : []),
    ...channels.flatMap((c) => c.routes),
  ];
  const server = createHttpServer(routes, logger);

  // Expired claims, cache entries and question-log rows are deleted by the app, hourly.
  const purge = setInterval(() => {
    store.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'purge failed'));
  }, 3600_000);
  purge.unref();

  return {
    config,
    kb,
    store,
    assistant,
    metrics,
    channels,
    server,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => resolve());
      });
      for (const channel of channels) await channel.start();
      const port = (server.address() as AddressInfo).port;
      logger.info({ port, channels: channels.map((c) => c.name), store: store.kind, llm: config.llmEnabled }, 'listening');
      return port;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(purge);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Side by side: each channel's stop is bounded on its own, so together they stay within the 10 s.
      await Promise.all(channels.map((channel) => channel.stop().catch((err: unknown) => logger.warn({ err, channel: channel.name }, 'channel stop failed'))));
      await store.close().catch((err: unknown) => logger.warn({ err }, 'store close failed'));
    },
  };
}

/** Each channel's settings, and nothing else: no channel reads another's settings or the raw environment. */
export function channelSettings(config: Config): ChannelSettings {
  return { slack: slackSettings(config), teams: teamsSettings(config) };
}

export function slackSettings(config: Config): SlackSettings {
  return { ...pick(config, SLACK_SETTING_KEYS), installationsEncrypted: Boolean(config.STORE_ENCRYPTION_KEY) };
}

export function teamsSettings(config: Config): TeamsSettings {
  const botFramework: TeamsSettings['botFramework'] = {};
  for (const key of BOT_FRAMEWORK_ENV_KEYS) {
    const value = config.raw[key]?.trim();
    if (value) botFramework[key] = value;
  }
  return { ...pick(config, TEAMS_SETTING_KEYS), botFramework };
}

function pick<K extends keyof Config>(config: Config, keys: readonly K[]): Pick<Config, K> {
  return Object.fromEntries(keys.map((key) => [key, config[key]])) as Pick<Config, K>;
}
