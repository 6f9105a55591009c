import type { Logger } from 'pino';
import type { Config } from '../config';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { Store } from '../store/types';
import type { Phraser } from './phraser';

export interface PhraserDeps {
  kb: KnowledgeBase;
  store: Store;
  logger: Logger;
  metrics: Metrics;
}

/** The LLM phraser when OPENAI_API_KEY or OPENAI_BASE_URL is set; otherwise templates only. */
export function createPhraser(config: Config, deps: PhraserDeps): Phraser | undefined {
  if (!config.llmEnabled) return undefined;
  deps.logger.warn('OPENAI settings found, but this build has no LLM phraser yet; answers use templates');
  return undefined;
}
