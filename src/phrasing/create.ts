import OpenAI from 'openai';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { Store } from '../store/types';
import { ChatCaller } from './chatCaller';
import { LlmBudget } from './budget';
import { LlmPhraser } from './llmPhraser';
import type { Phraser } from './phraser';

export interface PhraserDeps {
  kb: KnowledgeBase;
  store: Store;
  logger: Logger;
  metrics: Metrics;
}

/** Servers such as vLLM and Ollama need no key, but the SDK refuses to start without one. */
const KEYLESS_SERVER_API_KEY = 'no-key-needed';

/** The LLM phraser when OPENAI_API_KEY or OPENAI_BASE_URL is set; otherwise templates only. */
export function createPhraser(config: Config, deps: PhraserDeps): Phraser | undefined {
  if (!config.llmEnabled) return undefined;
  const limits = {
    workspaceCallsPerMinute: config.LLM_WORKSPACE_CALLS_PER_MINUTE,
    workspaceTokensPerDay: config.LLM_WORKSPACE_TOKENS_PER_DAY,
    globalCallsPerMinute: config.LLM_GLOBAL_CALLS_PER_MINUTE,
    globalTokensPerDay: config.LLM_GLOBAL_TOKENS_PER_DAY,
  };
  // Everything explicit: the SDK would otherwise read OPENAI_* from the process environment itself.
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? KEYLESS_SERVER_API_KEY,
    baseURL: config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 0,
  });
  deps.logger.info(
    {
      event: 'llm_enabled',
      model: config.OPENAI_MODEL,
      baseUrlHost: hostOf(config.OPENAI_BASE_URL),
      timeoutMs: config.OPENAI_TIMEOUT_MS,
      maxCallsPerUserPerHour: config.LLM_MAX_CALLS_PER_USER_PER_HOUR,
      budgets: limits,
    },
    'LLM phrasing enabled',
  );
  return new LlmPhraser({
    caller: new ChatCaller({ client, model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS }),
    model: config.OPENAI_MODEL,
    // Room for one slow call and a retry; beyond this the template answer is final.
    deadlineMs: config.OPENAI_TIMEOUT_MS * 2,
    maxCallsPerUserPerHour: config.LLM_MAX_CALLS_PER_USER_PER_HOUR,
    budget: new LlmBudget({ store: deps.store, limits, logger: deps.logger, metrics: deps.metrics }),
    secrets: config.OPENAI_API_KEY ? [config.OPENAI_API_KEY] : [],
    ...deps,
  });
}

function hostOf(url: string | undefined): string {
  if (!url) return 'api.openai.com';
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}
