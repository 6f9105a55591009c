import { answerFromConcept } from '../build';
import type { Intent } from './context';

/**
 * "Once we move to AWS, security is AWS's problem, right?": no concept phrase, no service, no
 * area, but a question about who owns security on AWS is a question about the model itself.
 */
const ABOUT_THE_MODEL = /\bsecur\w*\b.*\b(aws|cloud|amazon)\b|\b(aws|cloud|amazon)\b.*\bsecur\w*\b/;

export const conceptIntent: Intent = {
  name: 'concept',
  matches: (ctx) =>
    ctx.services.length === 0 &&
    !(ctx.area && strongArea(ctx)) &&
    (ctx.detection.concepts.length > 0 || (!ctx.area && ABOUT_THE_MODEL.test(ctx.detection.normalized))),
  handle: (ctx) => {
    const named = new Set(ctx.detection.concepts.map((c) => c.concept));
    // "security OF the cloud and security IN the cloud": the difference between the two.
    const both = named.has('security-of-the-cloud') && named.has('security-in-the-cloud');
    const id = both ? 'of-vs-in' : ctx.detection.concepts[0]?.concept ?? 'shared-responsibility-model';
    return answerFromConcept(ctx.kb, ctx.kb.concepts.get(id)!, ctx.detection.concepts.length ? 0.9 : 0.6);
  },
};

/**
 * An area named more strongly than the concept wins ("who is responsible for physical
 * security"); a concept phrase at least as long as the area's wins ("patch management").
 */
function strongArea(ctx: Parameters<Intent['matches']>[0]): boolean {
  const best = ctx.detection.areas[0];
  const concept = ctx.detection.concepts[0]?.length ?? 0;
  // "listed as a shared control in the model": words about the model itself make it a concept question.
  if (concept > 0 && /\b(control|controls|model|analogy|apartment|srm)\b/.test(ctx.detection.normalized)) return false;
  return best !== undefined && best.score >= 1.5 && best.score > concept;
}
