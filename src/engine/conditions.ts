import type { Cell, Condition, KnowledgeBase } from '../knowledge/types';
import { words } from './wordsets';
import { isNegationTrigger, negatedPositions } from './negation';
import { normalizeText } from '../text/normalize';
import { gappedPhraseEnd } from './phrases';

/**
 * Picks the condition of a cell that the question itself states ("lambda runtime in manual
 * mode", "EKS managed node groups", "RDS Custom"), so the verdict is the owner in the asker's
 * situation rather than "it depends". Curators list the phrases that state each situation.
 */

/** Stemmed token lists of each condition's curated phrases, with the phrase as written, cached per condition. */
const phraseCache = new WeakMap<Condition, Array<{ tokens: string[]; text: string }>>();

function phrasesOf(condition: Condition): Array<{ tokens: string[]; text: string }> {
  let cached = phraseCache.get(condition);
  if (!cached) {
    cached = condition.phrases.map((text) => ({ tokens: words(text), text })).filter((p) => p.tokens.length > 0);
    phraseCache.set(condition, cached);
  }
  return cached;
}

/** Whether a curated phrase names the action the question asks about ("auto renewal" for "who renews it?"). */
export type NamesAction = (phrase: string) => boolean;

/** Words a phrase may skip between its own words: "manual runtime update mode" states "manual mode". */
const MAX_GAP = 2;

const phraseEnd = (tokens: string[], phrase: string[]): number => gappedPhraseEnd(tokens, phrase, MAX_GAP);

/**
 * The condition whose curated phrases the question contains. When phrases of conditions with
 * different owners both appear ("node-based cluster: critical security patches"), the one named
 * last is what is asked about; the earlier one sets the scene.
 */
function matchByPhrases(cell: Cell, allTokens: string[], ownName: Set<string>, negated: Set<number>, namesAction?: NamesAction): Condition | undefined {
  // "plain RDS, not Custom": negated words state no situation, unless the phrase itself is a
  // negative one ("without shield advanced").
  const affirmed = allTokens.map((w, i) => (negated.has(i) ? '\u0000' : w));
  let best: { condition: Condition; end: number; length: number } | undefined;
  // "We imported the cert. Who renews it?": a phrase naming the action asked about ("auto renew")
  // says what is asked, not the asker's situation; one that states a situation comes first.
  let bestAction: typeof best;
  for (const condition of cell.conditions) {
    for (const { tokens: full, text } of phrasesOf(condition)) {
      const isAction = namesAction !== undefined && namesAction(text);
      const tokens = full.some(isNegationTrigger) ? allTokens : affirmed;
      // "new sqs queue" states "new queue": the service's own name may also sit inside a phrase.
      const withoutName = tokens.filter((w) => !ownName.has(w));
      // "customer managed kms key" still says "customer managed key" on KMS; "sse s3" keeps its
      // name ("sse" alone says too little).
      const short = full.filter((w) => !ownName.has(w));
      const candidates: Array<[string[], string[]]> = [[tokens, full]];
      if (short.length >= 2 || (short.length === 1 && full.length === 1)) candidates.push([withoutName, short]);
      for (const [question, phrase] of candidates) {
        const end = phraseEnd(question, phrase);
        if (end < 0) continue;
        if (isAction) {
          if (isBetter(bestAction, condition, end, phrase.length)) bestAction = { condition, end, length: phrase.length };
        } else if (isBetter(best, condition, end, phrase.length)) best = { condition, end, length: phrase.length };
        break;
      }
    }
  }
  return (best ?? bestAction)?.condition;
}

/**
 * The situation named last wins, unless an earlier phrase is much more specific ("turned off
 * auto minor version upgrade ... minor engine patches"); a "shared" situation is usually the
 * setting, not the task asked about, so a definite owner beats it at similar length.
 */
function isBetter(best: { condition: Condition; end: number; length: number } | undefined, condition: Condition, end: number, length: number): boolean {
  if (!best) return true;
  const sharedVsDefinite = condition.owner === 'shared' && best.condition.owner !== 'shared';
  const definiteVsShared = condition.owner !== 'shared' && best.condition.owner === 'shared';
  if (sharedVsDefinite && length < best.length + 2) return false;
  if (definiteVsShared && length > best.length - 2) return true;
  if (end > best.end) return length > best.length - 2;
  if (end === best.end) return length > best.length;
  return length >= best.length + 2;
}

/** Every condition whose curated phrases the question contains ("managed node groups vs self-managed"). */
export function conditionsNamed(cell: Cell, question: string): Condition[] {
  const tokens = words(question);
  return cell.conditions.filter((c) => phrasesOf(c).some((p) => phraseEnd(tokens, p.tokens) >= 0));
}

/**
 * @param fullQuestion the whole question: curated phrases are matched against all of it.
 * @param question the question without the words that named the area, for the word heuristic.
 */
/**
 * The condition of a cell that the question states, by its curated phrases; undefined when it
 * states none (the cell's own owner then stands). Phrases for which `namesAction` holds name the
 * action asked about and yield to a phrase that states a situation.
 */
export function matchCondition(kb: KnowledgeBase, cell: Cell, question: string, namesAction?: NamesAction): Condition | undefined {
  if (cell.conditions.length === 0) return undefined;
  const service = kb.services.get(cell.service);
  // "AWS Lambda": "aws" is not part of the name that identifies the service ("aws managed key").
  const own = new Set((service ? [service.id, ...words(service.name)] : []).filter((w) => w !== 'aws' && w !== 'amazon'));
  // "X instead of Y", "X rather than Y": Y is what the asker is moving away from.
  const stated = question.replace(/\b(instead of|rather than|not the|other than)\b.*$/i, '');
  return matchByPhrases(cell, words(stated), own, negatedPositions(normalizeText(stated).split(' ').filter(Boolean)), namesAction);
}
