import { createHash } from 'node:crypto';
import type { Answer } from '../engine/types';
import { normalizeText, stripMarkup } from '../text/normalize';
import { PROMPT_VERSION } from './prompt';

/** How long a phrasing is reused: the knowledge base changes by release, and a release changes cell text. */
export const PHRASING_CACHE_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Same model, same cells (with the same verdict) and the same question once normalised: the
 * same phrasing. The prompt version is part of the key so changed instructions start afresh.
 */
export function phrasingCacheKey(model: string, answer: Answer, question: string): string {
  const normalized = normalizeText(stripMarkup(question));
  const digest = createHash('sha256')
    .update(JSON.stringify([PROMPT_VERSION, model, answer.cells, answer.verdict, answer.rows.map((r) => r.owner), normalized]))
    .digest('hex');
  return `phrasing:${digest}`;
}
