import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Assistant } from '../conversation/assistant';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { HttpRoute } from '../server';
import type { Store } from '../store/types';
import type { SearchIndex } from '../engine/search';

/** What every channel (Slack, Teams) receives from the composition root: its own settings and the shared services. */
export interface ChannelDeps<Settings> {
  /** The settings this channel reads and no others (built once in src/app.ts). */
  settings: Settings;
  kb: KnowledgeBase;
  assistant: Assistant;
  /** The router's search index (built once at start-up). */
  search: SearchIndex;
  store: Store;
  logger: Logger;
  metrics: Metrics;
}

/** The reply outbox's settings, read by every channel. */
export const OUTBOX_SETTING_KEYS = [
  'OUTBOX_ACK_BOUND_MS',
  'OUTBOX_MAX_HELD',
  'OUTBOX_MAX_AGE_SECONDS',
  'OUTBOX_CONCURRENCY',
  'OUTBOX_MAX_CHANNEL_DEPTH',
  'RATE_LIMIT_PER_MINUTE',
] as const satisfies readonly (keyof Config)[];

export type OutboxSettings = Pick<Config, (typeof OUTBOX_SETTING_KEYS)[number]>;

/** The outbox worker's and intake's limits, read the same way by every channel. */
export function outboxLimits(settings: OutboxSettings): { worker: { maxAgeMs: number; concurrency: number }; intake: { ackBoundMs: number; maxHeld: number } } {
  return {
    worker: { maxAgeMs: settings.OUTBOX_MAX_AGE_SECONDS * 1000, concurrency: settings.OUTBOX_CONCURRENCY },
    intake: { ackBoundMs: settings.OUTBOX_ACK_BOUND_MS, maxHeld: settings.OUTBOX_MAX_HELD },
  };
}

/** A channel contributes HTTP routes and may hold connections of its own (Socket Mode). */
export interface Channel {
  name: string;
  routes: HttpRoute[];
  start(): Promise<void>;
  /** Stop taking new work and wait for answers in flight. */
  stop(): Promise<void>;
}
