import { distance } from 'fastest-levenshtein';
import { stemToken } from '../text/normalize';

/**
 * A dictionary of multi-word phrases matched against a tokenised question, longest first and
 * without overlap, with typo tolerance on long single words. Used for service aliases, area
 * keywords and concept phrasings alike.
 */
/**
 * Where `phrase` ends in `tokens` with its words in order, each at most `maxGap` words after the
 * one before ("manual runtime update mode" holds "manual mode"), or -1. The last occurrence counts.
 */
export function gappedPhraseEnd(tokens: string[], phrase: string[], maxGap: number): number {
  let end = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== phrase[0]) continue;
    let at = i;
    let ok = true;
    for (let k = 1; k < phrase.length && ok; k++) {
      let next = -1;
      for (let j = at + 1; j <= Math.min(tokens.length - 1, at + 1 + maxGap); j++) {
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

export interface PhraseHit<T> {
  value: T;
  phrase: string;
  start: number;
  length: number;
  fuzzy: boolean;
}

export interface PhraseEntry<T> {
  tokens: string[];
  /** The stemmed tokens joined, as hits report it (made once, not per hit). */
  phrase: string;
  value: T;
}

export class PhraseIndex<T> {
  private readonly byFirstToken = new Map<string, PhraseEntry<T>[]>();
  private readonly singleTokens = new Map<string, T[]>();
  /**
   * The nearest single-word phrase found for a word (null: none within its budget). The
   * dictionary does not change once built, and questions reuse few words, so each word is
   * compared with every phrase once instead of on every question.
   */
  private readonly nearest = new Map<string, { phrase: string; values: T[] } | null>();
  /** Each phrase with its value once: "patch" and "patches" stem alike, and would count twice. */
  private readonly entries = new Set<string>();
  private maxLength = 1;

  add(phrase: string, value: T): void {
    const tokens = phrase.split(' ').filter(Boolean).map(stemToken);
    if (tokens.length === 0) return;
    const entry = `${tokens.join(' ')}\u0000${JSON.stringify(value)}`;
    if (this.entries.has(entry)) return;
    this.entries.add(entry);
    const list = this.byFirstToken.get(tokens[0]) ?? [];
    list.push({ tokens, phrase: tokens.join(' '), value });
    this.byFirstToken.set(tokens[0], list);
    if (tokens.length === 1 && !(this.singleTokens.get(tokens[0]) ?? []).includes(value)) this.singleTokens.set(tokens[0], [...(this.singleTokens.get(tokens[0]) ?? []), value]);
    this.maxLength = Math.max(this.maxLength, tokens.length);
    this.nearest.clear();
  }

  private nearestPhrase(word: string): { phrase: string; values: T[] } | null {
    const known = this.nearest.get(word);
    if (known !== undefined) return known;
    const budget = word.length >= 9 ? 2 : 1;
    let best: { phrase: string; values: T[]; d: number } | undefined;
    for (const [phrase, values] of this.singleTokens) {
      if (phrase.length < 4 || Math.abs(phrase.length - word.length) > budget) continue;
      const d = distance(word, phrase);
      if (d <= budget && (!best || d < best.d)) best = { phrase, values, d };
    }
    const found = best ? { phrase: best.phrase, values: best.values } : null;
    if (this.nearest.size >= 20_000) this.nearest.clear();
    this.nearest.set(word, found);
    return found;
  }

  /**
   * Every non-overlapping hit, longest phrases first. `fuzzy` allows one edit on words of five
   * letters or more and two on words of nine or more, never on words in `protectedWords`
   * (ordinary words that happen to be one letter from a service name).
   */
  match(rawTokens: string[], options: { fuzzy?: boolean; protectedWords?: Set<string>; accept?: (value: T) => boolean } = {}): PhraseHit<T>[] {
    const accept = options.accept ?? (() => true);
    const tokens = rawTokens.map(stemToken);
    const candidates: PhraseHit<T>[] = [];
    for (let start = 0; start < tokens.length; start++) {
      for (const entry of this.byFirstToken.get(tokens[start]) ?? []) {
        const n = entry.tokens.length;
        if (start + n > tokens.length) continue;
        let ok = true;
        for (let k = 1; k < n; k++) if (tokens[start + k] !== entry.tokens[k]) { ok = false; break; }
        if (ok && accept(entry.value)) candidates.push({ value: entry.value, phrase: entry.phrase, start, length: n, fuzzy: false });
      }
      // Joined forms: "cloud front" -> "cloudfront", "dynamo db" -> "dynamodb". Only for long
      // results and never for ordinary words ("am i" is not "ami", "back up" is not "backup").
      if (options.fuzzy && start + 1 < tokens.length && tokens[start].length >= 2 && tokens[start + 1].length >= 2) {
        const joined = tokens[start] + tokens[start + 1];
        if (joined.length < 6 || options.protectedWords?.has(joined)) continue;
        for (const value of this.singleTokens.get(joined) ?? []) {
          candidates.push({ value, phrase: joined, start, length: 2, fuzzy: false });
        }
      }
    }
    if (options.fuzzy) {
      const matchedStarts = new Set(candidates.map((c) => c.start));
      for (let start = 0; start < tokens.length; start++) {
        const word = tokens[start];
        if (word.length < 5 || matchedStarts.has(start) || options.protectedWords?.has(rawTokens[start]) || options.protectedWords?.has(word) || /^\d+$/.test(word)) continue;
        const best = this.nearestPhrase(word);
        if (best) for (const value of best.values) candidates.push({ value, phrase: best.phrase, start, length: 1, fuzzy: true });
      }
    }
    // Most dictionaries find nothing in a question: nothing to order.
    if (candidates.length === 0) return [];
    // Longest first, then exact before fuzzy, then leftmost; drop overlaps.
    candidates.sort((a, b) => b.length - a.length || Number(a.fuzzy) - Number(b.fuzzy) || a.start - b.start);
    const taken = new Array<boolean>(tokens.length).fill(false);
    const hits: PhraseHit<T>[] = [];
    for (const c of candidates) {
      let free = true;
      for (let k = c.start; k < c.start + c.length; k++) if (taken[k]) { free = false; break; }
      // Several values may share one phrase (an area keyword also in a cell's keywords).
      const sameSpan = hits.find((h) => h.start === c.start && h.length === c.length);
      if (!free && !sameSpan) continue;
      for (let k = c.start; k < c.start + c.length; k++) taken[k] = true;
      hits.push(c);
    }
    return hits.sort((a, b) => a.start - b.start);
  }
}
