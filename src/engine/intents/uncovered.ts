import { answerFromCell, baseAnswer } from '../build';
import { lowerFirst } from '../answerText';
import type { Intent, RouteContext } from './context';

/**
 * An AWS service the matrix does not cover yet: say so plainly, give the general rule for the
 * area asked about (at low confidence, as context rather than a verdict), and let the question
 * land in the curators' gap report (intent not_found).
 */
export const uncoveredIntent: Intent = {
  name: 'uncovered',
  matches: (ctx) => ctx.uncovered !== undefined,
  handle: (ctx: RouteContext) => {
    const name = ctx.uncovered!.name;
    const answer = baseAnswer('not_found', 'unknown', `${name} is not covered yet`, `${name} is not in the knowledge base yet, so I can't say who secures what for it. The question has been noted for the curators.`);
    const general = ctx.area ? ctx.kb.generalCell(ctx.area) : undefined;
    if (general) {
      const rule = answerFromCell(ctx.kb, general, { confidence: 0.3 });
      answer.text += `\n\nThe general rule for ${lowerFirst(ctx.kb.areas.get(general.area)?.title ?? general.area)} on AWS follows, though it may not hold for ${name}. ${general.summary}`;
      answer.citations = rule.citations;
      answer.cells = [general.id];
    }
    answer.confidence = 0.2;
    answer.suggestions = ctx.kb.lexicon.examples.slice(0, 3).map((s) => `What am I responsible for with ${ctx.kb.services.get(s)?.name ?? s}?`);
    return answer;
  },
};
