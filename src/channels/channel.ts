import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Assistant } from '../conversation/assistant';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { HttpRoute } from '../server';
import type { Store } from '../store/types';
import type { SearchIndex } from '../engine/search';

/** What every channel (Slack, Teams) receives from the composition root. */
export interface ChannelDeps {
  config: Config;
  kb: KnowledgeBase;
  assistant: Assistant;
  /** The router's search index (built once at start-up). */
  search: SearchIndex;
  store: Store;
  logger: Logger;
  metrics: Metrics;
}

/** A channel contributes HTTP routes and may hold connections of its own (Socket Mode). */
export interface Channel {
  name: string;
  routes: HttpRoute[];
  start(): Promise<void>;
  /** Stop taking new work and wait for answers in flight. */
  stop(): Promise<void>;
}
