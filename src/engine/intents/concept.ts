import { answerFromConcept } from '../build';
import type { Intent } from './context';

export const conceptIntent: Intent = {
  name: 'concept',
  matches: (ctx) => ctx.services.length === 0 && ctx.detection.concepts.length > 0 && !(ctx.area && strongArea(ctx)),
  handle: (ctx) => answerFromConcept(ctx.kb, ctx.kb.concepts.get(ctx.detection.concepts[0].concept)!, 0.9),
};

/** An area phrase longer than the concept phrase wins: "who is responsible for physical security". */
function strongArea(ctx: Parameters<Intent['matches']>[0]): boolean {
  const best = ctx.detection.areas[0];
  return best !== undefined && best.score >= 1.5;
}
