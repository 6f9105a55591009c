import OpenAI from 'openai';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { Store } from '../store/types';
import { ChatCaller } from './chatCaller';
import { Circuit } from './circuit';
import { LlmBudget, type BudgetLimits } from './budget';
import { LlmPhraser } from './llmPhraser';
import type { Phraser } from './phraser';
import { READING_JSON_SCHEMA, ReadingChooser } from './readingChooser';
import { UserCallCap } from './userCallCap';

export interface PhraserDeps {
  kb: KnowledgeBase;
  store: Store;
  logger: Logger;
  metrics: Metrics;
}

/** Servers such as vLLM and Ollama need no key, but the SDK refuses to start without one. */
const KEYLESS_SERVER_API_KEY = 'no-key-needed';

/** How long every LLM call stops after an exhausted quota or a rejected key. */
const CIRCUIT_OPEN_MS = 5 * 60_000;

/**
 * What the LLM does when OPENAI_API_KEY or OPENAI_BASE_URL is set (otherwise nothing: templates
 * only): phrase answers, and pick among a low-confidence answer's readings. Both share one
 * circuit and the same per-workspace and global budgets.
 */
export function createLlm(config: Config, deps: PhraserDeps): { phraser?: Phraser; chooser?: ReadingChooser } {
  if (!config.llmEnabled) return {};
  const circuit = new Circuit(CIRCUIT_OPEN_MS);
  const limits = {
    workspaceCallsPerMinute: config.LLM_WORKSPACE_CALLS_PER_MINUTE,
    workspaceTokensPerDay: config.LLM_WORKSPACE_TOKENS_PER_DAY,
    globalCallsPerMinute: config.LLM_GLOBAL_CALLS_PER_MINUTE,
    globalTokensPerDay: config.LLM_GLOBAL_TOKENS_PER_DAY,
  };
  const budget = new LlmBudget({ store: deps.store, limits, logger: deps.logger, metrics: deps.metrics });
  const client = openAiClient(config);
  return { phraser: createPhraser(config, deps, client, circuit, budget, limits), chooser: createReadingChooser(config, deps, client, circuit, budget) };
}

function createPhraser(config: Config, deps: PhraserDeps, client: OpenAI, circuit: Circuit, budget: LlmBudget, limits: BudgetLimits): Phraser {
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
    budget,
    secrets: config.OPENAI_API_KEY ? [config.OPENAI_API_KEY] : [],
    circuit,
    circuitOpenMs: CIRCUIT_OPEN_MS,
    ...deps,
  });
}

/**
 * The LLM's pick among a low-confidence answer's readings (LLM_CHOOSE_READINGS, on by default
 * when an LLM is configured): one call with a single attempt, bounded by OPENAI_TIMEOUT_MS.
 */
function createReadingChooser(config: Config, deps: PhraserDeps, client: OpenAI, circuit: Circuit, budget: LlmBudget): ReadingChooser | undefined {
  if (!config.LLM_CHOOSE_READINGS) return undefined;
  return new ReadingChooser({
    caller: new ChatCaller({ client, model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS, maxAttempts: 1, jsonSchema: READING_JSON_SCHEMA, maxCompletionTokens: 20 }),
    logger: deps.logger,
    metrics: deps.metrics,
    deadlineMs: config.OPENAI_TIMEOUT_MS,
    secrets: config.OPENAI_API_KEY ? [config.OPENAI_API_KEY] : [],
    cap: new UserCallCap(deps.store, config.LLM_MAX_CALLS_PER_USER_PER_HOUR),
    circuit,
    budget,
  });
}

function openAiClient(config: Config): OpenAI {
  // Everything explicit: the SDK would otherwise read OPENAI_* from the process environment itself.
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? KEYLESS_SERVER_API_KEY,
    baseURL: config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 0,
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
