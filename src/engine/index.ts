import { loadKnowledge } from '../knowledge/loader';
import { createRouter, type Router } from './router';
import type { KnowledgeBase } from '../knowledge/types';

export type { Answer, Query, Verdict, IntentName, ThreadContext, ResolvedCitation, AnswerRow } from './types';
export { createRouter, type Router } from './router';

/** Loads the shipped knowledge base and builds a router over it. */
export function createEngine(dir?: string): { kb: KnowledgeBase; router: Router } {
  const kb = loadKnowledge(dir);
  return { kb, router: createRouter(kb) };
}
