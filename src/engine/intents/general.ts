import { answerFromCell, baseAnswer } from '../build';
import { composeText, listJoin, lowerFirst } from '../answerText';
import type { Intent, RouteContext } from './context';
import { matchCondition } from '../conditions';
import { resolveCell } from './lookup';
import { GENERAL } from '../../knowledge/types';

/** An area without a service: the general rule, or a clarification where the rule depends. */
export const generalIntent: Intent = {
  name: 'general',
  matches: (ctx) => ctx.services.length === 0 && ctx.area !== undefined,
  handle: (ctx: RouteContext) => {
    const { kb } = ctx;
    const cell = kb.generalCell(ctx.area!);
    if (!cell) return baseAnswer('not_found', 'unknown', 'Not in the knowledge base', 'The knowledge base has no general rule for that area yet.');
    // Offered when the answer depends on the service the question did not name.
    const offered = kb.lexicon.examples.filter((s) => kb.services.has(s));
    const areaTitle = lowerFirst(kb.areas.get(ctx.area!)?.title ?? ctx.area!);
    const question = (s: string) => `Who handles ${areaTitle} on ${kb.services.get(s)!.name}?`;
    // The general rule, or the situation the question states ("training our own devs").
    const stated = matchCondition(kb, cell, ctx.clean);
    if (cell.owner !== 'depends' && !stated) {
      // "who provides AWS's SOC 2 reports?": a general rule shared as a whole still has one side
      // performing the action asked about; its duties are read as any cell's are.
      const resolved = resolveCell(ctx, GENERAL, ctx.area!);
      if (resolved) {
        return answerFromCell(kb, resolved.cell, {
          confidence: Math.min(resolved.confidence, 0.85),
          asked: ctx.asked,
          ownerOverride: resolved.override,
          suggestions: offered.slice(0, 3).map(question),
        });
      }
    }
    if (cell.owner !== 'depends' || stated) {
      return answerFromCell(kb, cell, {
        confidence: stated ? 0.8 : 0.85,
        asked: ctx.asked,
        ownerOverride: stated ? { owner: stated.owner, because: stated.when } : undefined,
        suggestions: offered.slice(0, 3).map(question),
      });
    }
    const answer = answerFromCell(kb, cell, { intent: 'clarify', confidence: 0.8, asked: ctx.asked });
    answer.text = composeText(answer, `${cell.summary}\n\nWhich service do you mean? For example ${listJoin(offered.map((s) => kb.services.get(s)!.name))}.`);
    answer.suggestions = offered.slice(0, 4).map(question);
    return answer;
  },
};
