import type { Cell, Condition, KnowledgeBase } from '../knowledge/types';
import { QUESTION_FILLER, stemmedSet, words } from './wordsets';

/**
 * Picks the condition of a cell that the question itself states ("lambda runtime in manual
 * mode", "EKS managed node groups", "RDS Custom"), so the verdict is the owner in the asker's
 * situation rather than "it depends". Conservative: one distinctive word, or two weaker ones,
 * and a clear winner; a question that only mentions "default" states no situation.
 */

/** Filler, plus the verbs of every patching question: none of them names a situation. */
const IGNORED = new Set([...QUESTION_FILLER, ...stemmedSet('patch patches patching update updates updating run runs running setting settings option options case')]);

/** Words that describe a situation only loosely; they count half. */
const WEAK = stemmedSet(
  `default defaults enabled enable turned turn on off automatic automatically auto new older region regions
  account accounts key keys encryption encrypted time version versions mode type`,
);

/** Stemmed token lists of each condition's curated phrases, cached per condition. */
const phraseCache = new WeakMap<Condition, string[][]>();

function phraseTokens(condition: Condition): string[][] {
  let cached = phraseCache.get(condition);
  if (!cached) {
    cached = condition.phrases.map(words).filter((p) => p.length > 0);
    phraseCache.set(condition, cached);
  }
  return cached;
}


/** Words a phrase may skip between its own words: "manual runtime update mode" states "manual mode". */
const MAX_GAP = 2;

/**
 * Where a phrase ends in the question (its words in order, each within MAX_GAP words of the
 * previous one), or -1. The last occurrence counts.
 */
function phraseEnd(tokens: string[], phrase: string[]): number {
  let end = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== phrase[0]) continue;
    let at = i;
    let ok = true;
    for (let k = 1; k < phrase.length && ok; k++) {
      let next = -1;
      for (let j = at + 1; j <= Math.min(tokens.length - 1, at + 1 + MAX_GAP); j++) {
        if (tokens[j] === phrase[k]) {
          next = j;
          break;
        }
      }
      if (next < 0) ok = false;
      else at = next;
    }
    if (ok) end = at + 1;
  }
  return end;
}

/**
 * The condition whose curated phrases the question contains. When phrases of conditions with
 * different owners both appear ("node-based cluster: critical security patches"), the one named
 * last is what is asked about; the earlier one sets the scene.
 */
function matchByPhrases(cell: Cell, tokens: string[], ownName: Set<string>): Condition | undefined {
  // "new sqs queue" states "new queue": the service's own name may also sit inside a phrase.
  const withoutName = tokens.filter((w) => !ownName.has(w));
  let best: { condition: Condition; end: number; length: number } | undefined;
  for (const condition of cell.conditions) {
    for (const full of phraseTokens(condition)) {
      // "customer managed kms key" still says "customer managed key" on KMS; "sse s3" keeps its
      // name ("sse" alone says too little).
      const short = full.filter((w) => !ownName.has(w));
      const candidates: Array<[string[], string[]]> = [[tokens, full]];
      if (short.length >= 2 || (short.length === 1 && full.length === 1)) candidates.push([withoutName, short]);
      for (const [question, phrase] of candidates) {
        const end = phraseEnd(question, phrase);
        if (end < 0) continue;
        if (isBetter(best, condition, end, phrase.length)) best = { condition, end, length: phrase.length };
        break;
      }
    }
  }
  return best?.condition;
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
  return cell.conditions.filter((c) => phraseTokens(c).some((p) => phraseEnd(tokens, p) >= 0));
}

/**
 * @param fullQuestion the whole question: curated phrases are matched against all of it.
 * @param question the question without the words that named the area, for the word heuristic.
 */
export function matchCondition(kb: KnowledgeBase, cell: Cell, question: string, fullQuestion: string = question): Condition | undefined {
  if (cell.conditions.length === 0) return undefined;
  const service = kb.services.get(cell.service);
  // "AWS Lambda": "aws" is not part of the name that identifies the service ("aws managed key").
  const own = new Set((service ? [service.id, ...words(service.name)] : []).filter((w) => w !== 'aws' && w !== 'amazon'));
  // "X instead of Y", "X rather than Y": Y is what the asker is moving away from.
  const stated = fullQuestion.replace(/\b(instead of|rather than|not the|other than)\b.*$/i, '');
  const byPhrase = matchByPhrases(cell, words(stated), own);
  if (byPhrase) return byPhrase;
  // Words that name the topic itself ("master password" for credentials) say nothing about the situation.
  const area = kb.areas.get(cell.area);
  const topicWords = new Set((area?.keywords ?? []).flatMap(words));
  // Only the service's own name: its aliases may name a situation ("eks self-managed").
  const serviceWords = new Set(service ? [service.id, ...words(service.name)] : []);
  const asked = new Set(words(question));
  const perCondition = cell.conditions.map((c) => new Set(words(c.when).filter((w) => !IGNORED.has(w) && !serviceWords.has(w) && !topicWords.has(w))));
  // A word every condition shares does not tell them apart.
  const shared = new Set([...(perCondition[0] ?? [])].filter((w) => perCondition.every((set) => set.has(w))));
  const scored = cell.conditions.map((condition, i) => {
    let score = 0;
    let distinct = 0;
    let matched = 0;
    for (const w of perCondition[i]) {
      if (shared.has(w) && cell.conditions.length > 1) continue;
      distinct++;
      if (asked.has(w)) {
        matched++;
        score += WEAK.has(w) || w.length < 4 ? 1 : 2;
      }
    }
    // One shared word with a long description is a coincidence, not the situation being stated.
    return { condition, score, coverage: distinct ? matched / distinct : 0 };
  });
  scored.sort((a, b) => b.score - a.score || b.coverage - a.coverage);
  const [best, second] = scored;
  const convincing = (best.score >= 2 && best.coverage >= 0.5) || (best.score >= 1 && best.coverage === 1);
  if (convincing && (!second || best.score > second.score)) return best.condition;
  return undefined;
}
