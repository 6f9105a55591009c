import englishWords from 'an-array-of-english-words';
import type { CheckProblem } from './check';
import type { KnowledgeBase } from './types';
import { normalizeText } from '../text/normalize';

/**
 * The checks of docs/answer-style.md that can be read off the text: bullets are read under
 * their heading ("What AWS does: Patches...", "What you do: Install..."), one action per bullet,
 * one label per situation, short summaries. They read only a bullet's first words, so they are
 * warnings for a curator to look at, not proof that a bullet reads well.
 */

export interface StyleOptions {
  /** A summary longer than this many words is reported (docs/answer-style.md: one or two sentences). */
  maxSummaryWords?: number;
}

export const MAX_SUMMARY_WORDS = 45;

let english: ReadonlySet<string> | undefined;
function isEnglish(word: string): boolean {
  english ??= new Set(englishWords);
  return english.has(word);
}

/** Third-person forms the -s rule does not find ("Does" is not doe + s). */
const IRREGULAR_THIRD_PERSON = new Set(['does', 'has', 'is', 'goes', 'was']);

/** Words that may open a bullet before its verb without changing how the verb must read. */
const ADVERBS = new Set(['always', 'never', 'also', 'then', 'still', 'first', 'otherwise', 'again', 'only', 'optionally', 'usually', 'regularly', 'periodically', 'automatically', 'manually']);

/** Words that open a clause before the action ("If you import a key, rotate it"). */
const CLAUSE_OPENERS = new Set(['if', 'when', 'where', 'for', 'with', 'before', 'after', 'unless', 'once', 'on', 'in', 'while', 'whenever', 'to', 'from', 'at', 'by', 'during', 'since', 'until', 'as']);

/** Function words and names whose -s form happens to be a word ("can"/"cans", "in"/"ins"). */
const NOT_VERBS = new Set(['a', 'an', 'the', 'all', 'any', 'each', 'every', 'both', 'some', 'no', 'none', 'nothing', 'this', 'that', 'these', 'those', 'its', 'their', 'your', 'can', 'may', 'will', 'must', 'amazon', 'aws', 'you', 'it', 'they', 'one', 'not', 'nor', 'or', 'and', 'but', 'so', 'up', 'out', 'off', 'over', 'under']);

/** "optionally", "regularly": an adjective + ly; "apply" and "reply" are not. */
function isAdverb(word: string): boolean {
  return ADVERBS.has(word) || (word.endsWith('ly') && word.length >= 6 && isEnglish(word.slice(0, -2)));
}

const words = (text: string) => text.split(/\s+/).map((w) => w.toLowerCase().replace(/^[^a-z]+|[^a-z-]+$/g, '')).filter(Boolean);

/**
 * The word that carries a bullet's action: the first word, past leading adverbs
 * ("Optionally enables...") and past an opening clause up to its comma ("If you use X, enable Y").
 * Undefined when a bullet opens with a clause that has no comma: there is no telling where the
 * action starts.
 */
export function actionWord(bullet: string): string | undefined {
  let text = bullet.trim();
  let list = words(text);
  while (list.length > 1 && isAdverb(list[0])) {
    text = text.replace(/^\S+\s*/, '');
    list = words(text);
  }
  if (list.length === 0) return undefined;
  if (CLAUSE_OPENERS.has(list[0])) {
    const comma = text.indexOf(',');
    if (comma < 0) return undefined;
    return actionWord(text.slice(comma + 1));
  }
  return list[0];
}

/** "installs", "manages", "applies", "does": a verb in the third person (or a plural noun, which reads no better under "What you do"). */
export function isThirdPerson(word: string): boolean {
  if (IRREGULAR_THIRD_PERSON.has(word)) return true;
  if (NOT_VERBS.has(word) || isAdverb(word) || !/^[a-z][a-z-]*s$/.test(word) || /(ss|us|is)$/.test(word)) return false;
  const last = word.split('-').pop()!;
  const stems = [last.slice(0, -1), last.endsWith('es') ? last.slice(0, -2) : '', last.endsWith('ies') ? `${last.slice(0, -3)}y` : ''].filter((s) => s.length >= 2);
  return stems.some(isEnglish);
}

/** "install", "patch", "apply": a base form whose third person is a word, i.e. it reads as an instruction. */
export function isImperative(word: string): boolean {
  if (NOT_VERBS.has(word) || IRREGULAR_THIRD_PERSON.has(word) || CLAUSE_OPENERS.has(word) || isAdverb(word)) return false;
  if (/(s|ed|ing)$/.test(word) || !/^[a-z][a-z-]*$/.test(word)) return false;
  const last = word.split('-').pop()!;
  if (!isEnglish(last)) return false;
  const forms = [`${last}s`, `${last}es`, /[^aeiou]y$/.test(last) ? `${last.slice(0, -1)}ies` : ''].filter(Boolean);
  return forms.some(isEnglish);
}

/** Sentences of a bullet, not split after "e.g." and the like. */
function sentences(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    const previous = out[out.length - 1];
    if (previous !== undefined && /\b(e\.g|i\.e|etc|vs|approx|incl)\.$/i.test(previous)) out[out.length - 1] = `${previous} ${part}`;
    else out.push(part.trim());
  }
  return out.filter(Boolean);
}

/** The second (or later) sentence of a bullet that is another action: one action per bullet. */
function secondAction(bullet: string): string | undefined {
  for (const sentence of sentences(bullet).slice(1)) {
    const word = actionWord(sentence);
    if (word && (isThirdPerson(word) || isImperative(word))) return sentence;
  }
  return undefined;
}

const quote = (s: string, n = 60) => `"${s.length > n ? `${s.slice(0, n - 3)}...` : s}"`;

/** One problem per customer bullet that does not read as an instruction, or AWS bullet that does. */
function checkBullets(aws: string[], customer: string[], file: string, entry: string, out: CheckProblem[]): void {
  for (const bullet of customer) {
    const word = actionWord(bullet);
    if (/^you\b/i.test(bullet.trim())) out.push({ file, entry, message: `What you do bullet starts with "You"; write it as an instruction: ${quote(bullet)}` });
    else if (word && isThirdPerson(word)) out.push({ file, entry, message: `What you do bullet reads in the third person ("${word}"); write it as an instruction: ${quote(bullet)}` });
    const second = secondAction(bullet);
    if (second) out.push({ file, entry, message: `What you do bullet holds two actions; split it: ${quote(bullet)}` });
  }
  for (const bullet of aws) {
    const word = actionWord(bullet);
    if (word && isImperative(word)) out.push({ file, entry, message: `What AWS does bullet reads as an instruction ("${word}"); AWS is its subject: ${quote(bullet)}` });
    const second = secondAction(bullet);
    if (second) out.push({ file, entry, message: `What AWS does bullet holds two actions; split it: ${quote(bullet)}` });
  }
}

/** Style warnings for every cell and concept (docs/answer-style.md). An empty list means none. */
export function checkStyle(kb: KnowledgeBase, options: StyleOptions = {}): CheckProblem[] {
  const maxWords = options.maxSummaryWords ?? MAX_SUMMARY_WORDS;
  const out: CheckProblem[] = [];
  for (const cell of kb.cells.values()) {
    const entry = `cell ${cell.id}`;
    checkBullets(cell.aws, cell.customer, cell.file, entry, out);
    const labels = new Set<string>();
    for (const condition of cell.conditions) {
      const label = normalizeText(condition.when);
      if (labels.has(label)) out.push({ file: cell.file, entry, message: `two conditions share the label "${condition.when}"; merge them or say what differs` });
      labels.add(label);
    }
    const count = cell.summary.split(/\s+/).filter(Boolean).length;
    if (count > maxWords) out.push({ file: cell.file, entry, message: `summary has ${count} words (at most ${maxWords}: one or two sentences)` });
  }
  for (const concept of kb.concepts.values()) checkBullets(concept.aws, concept.customer, 'concepts.yaml', `concept ${concept.id}`, out);
  return out;
}
