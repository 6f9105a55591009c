import type { KnowledgeBase } from '../knowledge/types';
import type { Detection } from './detect';
import type { SearchIndex } from './search';
import type { ThreadContext } from './types';
import type { QuestionForm } from './form';

/**
 * What a question is about once the thread's context, overview cues and comparisons are taken
 * into account: the services, the main area, a second area for two-part questions.
 */
export interface Subject {
  services: string[];
  area?: string;
  secondArea?: string;
  /** Two questions in one ("who patches X and who sets Y?"). */
  twoQuestions: boolean;
  compareCue: boolean;
}

/** Questions that ask for the whole picture of a service rather than one area. */
const OVERVIEW_CUE = /\b(on me vs|on us vs|what s on me|whats on me|what is on me|what s on us|whats on us|responsib\w*|on the hook for|who secures|who secure|who is securing|what are (we|i) on the hook|what (am i|are we|do i|do we|must i|must we|should i|should we) (still |really |actually )?(need to |have to )?(secure|do|own|handle|worry|care|manage|cover|look after|take care)|which parts|rundown|are ours|which are aws|what security work|stays with us|stay with us|what (work|stuff|tasks|parts) (stays|stay|remains|remain|is left|are left)|what does aws (do|handle|secure|cover|manage|take care of|own)|who does what|who owns what|who secures what|breakdown|overview|split|in general|everything|summary|shared responsibility|srm|duties|obligations|my part|our part)\b/;

/** Overview cues strong enough to outweigh a loose area word ("app", "data"): not "responsible". */
const STRONG_OVERVIEW_CUE = /\b(on me vs|on us vs|what s on me|whats on me|what is on me|what s on us|whats on us|what (am i|are we|do i|do we|must i|must we|should i|should we) (still |really |actually )?(need to |have to )?(secure|do|own|handle|worry|care|manage|cover|look after|take care)|which parts|rundown|are ours|which are aws|what security work|stays with us|stay with us|what (work|stuff|tasks|parts) (stays|stay|remains|remain|is left|are left)|who does what|who owns what|who secures what|breakdown|overview)\b/;

/** How much weaker an area word may be and still win because the service has a cell for it. */
const OWN_CELL_FACTOR = 3;

/** Minimum search score for reading an area off a service-only question's other words. */
const SERVICE_AREA_SCORE = 4;

const FOLLOW_UP_CUE = /^(and|what about|how about|same for|same question for|and what about|ok and|also|what of|now for|for)\b/;

const COMPARE_WORD = /^(vs|versus|compare|compared|comparison|difference|differ|differs)$/;
const QUESTION_WORD = /^(who|whose|whom|which|what|is|does|do)$/;
/** How close before the question word the re-named service must be ("for the documentdb cluster (player profiles), who"). */
const FOCUS_WINDOW = 6;

/** The service named again after the comparison, last before the question word and close to it. */
function focusedService(detection: Detection): string | undefined {
  const { tokens, serviceHits } = detection;
  let compareAt = -1;
  tokens.forEach((t, i) => { if (COMPARE_WORD.test(t)) compareAt = i; });
  const askAt = tokens.findIndex((t, i) => i > compareAt && QUESTION_WORD.test(t));
  if (compareAt < 0 || askAt < 0) return undefined;
  const named = serviceHits.filter((h) => h.start > compareAt && h.start < askAt);
  const last = named[named.length - 1];
  if (!last || askAt - (last.start + last.length) > FOCUS_WINDOW) return undefined;
  const id = last.value;
  // Named earlier too: a service of the comparison, now singled out.
  return serviceHits.some((h) => h.value === id && h.start < compareAt + 1) ? id : undefined;
}

export function resolveSubject(kb: KnowledgeBase, search: SearchIndex, detection: Detection, context: ThreadContext, form: QuestionForm): Subject {
  const compareCue = /\b(vs|versus|compare|compared|comparison|difference|differ|differs)\b/.test(detection.normalized);
  // Several services named but not as a list ("postgres on rds", "aurora mysql instances"): one subject.
  let services = detection.services.length > 1 && !compareCue && !detection.listed ? detection.services.slice(0, 1) : detection.services;
  let area: string | undefined = detection.areas[0]?.area;
  // One service named: an area it has a cell for is a better reading than one only the general
  // rule covers ("ECR images unencrypted unless we add a KMS key" is ECR's encryption at rest).
  if (detection.services.length === 1 && area && !kb.cell(detection.services[0], area) && !kb.areas.get(area)?.universal) {
    const own = detection.areas.find((a) => kb.cell(detection.services[0], a.area) && a.score * OWN_CELL_FACTOR >= detection.areas[0].score);
    if (own) area = own.area;
  }
  // "documentdb vs mongo on ec2 - for the documentdb cluster, who applies the engine patches?":
  // the comparison sets the scene; the one service named again right before the question is asked about.
  if (compareCue && services.length > 1) {
    const focus = focusedService(detection);
    if (focus && services.includes(focus)) services = [focus];
  }
  const cue = FOLLOW_UP_CUE.test(detection.normalized);
  const short = detection.tokens.length <= 7;
  if (services.length === 0 && context.service && area && (cue || short)) services = [context.service];
  if (!area && context.area && services.length > 0 && (cue || short) && detection.concepts.length === 0) area = context.area;
  if (services.length === 1 && !area && context.service && context.service !== services[0] && cue && context.area) area = context.area;

  // "What do we still have to take care of on Beanstalk?" asks for the whole picture even if
  // a loose area word ("app") appears.
  if (services.length === 1 && area && (STRONG_OVERVIEW_CUE.test(detection.normalized) || form.split) && (detection.areas[0]?.score ?? 0) <= 1) area = undefined;

  // "who owns the json documents in our document db": no area keyword, but the service's
  // cells know the words.
  if (services.length === 1 && !area && !OVERVIEW_CUE.test(detection.normalized) && !form.split) {
    const serviceTokens = new Set(detection.serviceHits.flatMap((h) => detection.tokens.slice(h.start, h.start + h.length)));
    const rest = detection.tokens.filter((t) => !serviceTokens.has(t)).join(' ');
    const best = rest ? search.bestCellOf(rest, services[0]) : undefined;
    if (best && best.score >= SERVICE_AREA_SCORE) area = kb.cells.get(best.id)!.area;
  }

  // A tool service asked about on its own ("shield standard, do we turn it on?") is about its main area.
  if (services.length === 1 && !area && kb.lexicon.tools[services[0]] && !OVERVIEW_CUE.test(detection.normalized)) area = kb.lexicon.tools[services[0]];

  // Two questions in one ("who patches X and who sets Y?") get both parts.
  const second = detection.areas[1];
  const twoQuestions = /\bwho\b.+\b(and|also|plus)\b.*\bwho\b/.test(detection.normalized);
  const secondArea =
    second && ((second.score >= 1.5 && detection.areas[0].score >= 1.5 && /\b(and|also|plus|as well as)\b/.test(detection.normalized)) || (twoQuestions && second.score >= 0.5))
      ? second.area
      : undefined;

  return { services, area, secondArea, twoQuestions, compareCue };
}
