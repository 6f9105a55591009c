import { distance } from 'fastest-levenshtein';
import englishWords from 'an-array-of-english-words';
import type { KnowledgeBase } from '../knowledge/types';
import { normalizeText } from '../text/normalize';

/**
 * Typos in the words that carry a question ("cloudtrial event histroy", "runtime pathces"):
 * a word the knowledge base never uses is read as the one word it does use that is a typing
 * slip away. The words it corrects towards are the knowledge base's own (names, aliases,
 * keywords, duties, summaries, the lexicon and scope lists); an English word ("paste", "miner",
 * "standup") is never corrected, and a word with two equally close readings is left alone.
 */

/** Every English word, once per process: a real word is what the asker meant. */
let english: ReadonlySet<string> | undefined;
export function isEnglish(word: string): boolean {
  english ??= new Set(englishWords);
  return english.has(word);
}

/** Words shorter than this are too often another word one edit away. */
const MIN_LENGTH = 5;

export class Speller {
  private readonly known = new Set<string>();
  /** Known words by length, for the candidates one or two letters longer or shorter. */
  private readonly byLength = new Map<number, string[]>();
  private readonly cache = new Map<string, string>();
  /** Shorthand (knowledge/lexicon.yaml `abbreviations`), word -> the words it stands for. */
  private readonly abbreviations = new Map<string, string[]>();

  constructor(kb: KnowledgeBase) {
    for (const [short, full] of Object.entries(kb.lexicon.abbreviations)) this.abbreviations.set(short, normalizeText(full).split(' '));
    for (const word of spellerWords(kb)) this.known.add(word);
    for (const word of this.known) {
      if (word.length < MIN_LENGTH - 1) continue;
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  /** The question's words with typing slips in knowledge-base words corrected. */
  correct(tokens: string[]): string[] {
    return tokens.flatMap((token) => {
      const expanded = this.abbreviations.get(token);
      return expanded ?? [this.correctWord(token)];
    });
  }

  private correctWord(token: string): string {
    if (token.length < MIN_LENGTH || this.known.has(token) || /\d/.test(token) || isEnglish(token)) return token;
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    // One slip for short words; two from seven letters.
    const limit = token.length >= 7 ? 2 : 1;
    let best: string | undefined;
    let bestDistance = limit + 1;
    let tie = false;
    for (let length = token.length - limit; length <= token.length + limit; length++) {
      for (const word of this.byLength.get(length) ?? []) {
        // The first letter is rarely the slip; comparing it first keeps this fast.
        if (word[0] !== token[0]) continue;
        if (distance(token, word) > limit) continue;
        // A swapped pair of letters is one slip, not two ("pathces", "histroy").
        const d = slips(token, word);
        if (d < bestDistance) {
          best = word;
          bestDistance = d;
          tie = false;
        } else if (d === bestDistance && word !== best) {
          tie = true;
        }
      }
    }
    const out = best && !tie ? best : token;
    this.cache.set(token, out);
    return out;
  }
}

/**
 * Every word the speller corrects towards, once per occurrence in the knowledge base's texts
 * (names, aliases, keywords, duties, summaries, condition phrases, the lexicon and scope lists).
 */
export function spellerWords(kb: KnowledgeBase): string[] {
  const texts: string[] = [];
  for (const service of kb.services.values()) texts.push(service.id, service.name, service.summary, ...service.aliases);
  for (const area of kb.areas.values()) texts.push(area.id.replace(/-/g, ' '), area.title, ...area.keywords);
  for (const cell of kb.cells.values()) {
    texts.push(cell.summary, ...cell.aws, ...cell.customer, ...cell.keywords);
    for (const condition of cell.conditions) texts.push(condition.when, condition.note ?? '', ...condition.phrases);
  }
  for (const concept of kb.concepts.values()) texts.push(...concept.keywords);
  for (const group of kb.lexicon.synonyms) texts.push(...group);
  for (const list of Object.values(kb.scope)) if (Array.isArray(list)) texts.push(...list.filter((x): x is string => typeof x === 'string'));
  for (const entry of kb.uncovered) texts.push(entry.name, ...entry.aliases);
  return texts.flatMap((text) => normalizeText(text).split(' ').filter(Boolean));
}

/** Edits between two words where swapping two neighbouring letters counts as one (optimal string alignment). */
export function slips(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
