import { answerFromCell, answerFromConcept, baseAnswer } from '../build';
import { hitQuestion } from '../answerText';
import type { Intent, RouteContext } from './context';
import { GUARD_TEXT } from './meta';
import { FALLBACK_SUGGESTIONS } from '../examples';
import { asksWhoOwns } from '../scope';

/** BM25 score above which a search hit is trusted as the answer (calibrated on the eval set). */
export const SEARCH_ANSWER_SCORE = 90;

function outOfScope() {
  const answer = baseAnswer('out_of_scope', 'out_of_scope', 'Out of scope', GUARD_TEXT.unrelated);
  answer.suggestions = [...FALLBACK_SUGGESTIONS];
  return answer;
}

/** Nothing detected: ranked search decides, or "not in the knowledge base" with suggestions. */
export const searchIntent: Intent = {
  name: 'search',
  matches: () => true,
  handle: (ctx: RouteContext) => {
    // Nothing in the message belongs to the domain (no service, area, concept, nor a word about
    // cloud security): chit-chat or an unrelated request, not a gap in the knowledge base;
    // a search hit on a stray word ("center" in "center a div") does not make it one, unless the
    // message asks who owns something ("who sets the visibility timeout?").
    const nothingOfTheDomain = ctx.services.length === 0 && ctx.detection.areas.length === 0 && ctx.detection.concepts.length === 0 && !ctx.mentionsDomain;
    if (nothingOfTheDomain && !asksWhoOwns(ctx.detection.normalized)) {
      return outOfScope();
    }
    const hits = ctx.search.search(ctx.clean, 5);
    const top = hits[0];
    if (top && top.score >= SEARCH_ANSWER_SCORE && (hits.length === 1 || top.score >= hits[1].score * 1.3)) {
      const confidence = Math.min(0.7, 0.4 + top.score / 100);
      if (top.kind === 'concept') return answerFromConcept(ctx.kb, ctx.kb.concepts.get(top.id)!, confidence);
      const cell = ctx.kb.cells.get(top.id)!;
      return answerFromCell(ctx.kb, cell, { confidence, asked: ctx.asked, forService: cell.service === 'general' ? undefined : cell.service });
    }
    if (nothingOfTheDomain) return outOfScope();
    const answer = baseAnswer(
      'not_found',
      'unknown',
      'Not in the knowledge base',
      hits.length
        ? 'I could not find that in the knowledge base; the questions offered below are the closest entries it has.'
        : 'I could not find that in the knowledge base. Try naming an AWS service and what you want to secure, e.g. "who patches the OS on RDS?".',
    );
    answer.suggestions = hits.slice(0, 3).map(hitQuestion);
    answer.confidence = top ? Math.min(0.3, top.score / 100) : 0;
    return answer;
  },
};
