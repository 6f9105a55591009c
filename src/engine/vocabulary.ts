import type { KnowledgeBase } from '../knowledge/types';
import { normalizeText, stemToken } from '../text/normalize';
import { PhraseIndex } from './phrases';
import { QUESTION_FILLER } from './wordsets';

/**
 * Reads text in the domain's canonical terms (`knowledge/lexicon.yaml` synonyms): "applies
 * updates", "upgrades" and "patching" all read as "patch", so a question and a duty written in
 * different words still meet. Filler words drop out.
 */
export class Vocabulary {
  private readonly synonyms = new PhraseIndex<string>();

  constructor(kb: KnowledgeBase) {
    for (const group of kb.lexicon.synonyms) {
      const canonical = stemToken(normalizeText(group[0]).replace(/ /g, '_'));
      for (const phrase of group) {
        const n = normalizeText(phrase);
        if (n) this.synonyms.add(n, canonical);
      }
    }
  }

  /** The canonical terms of a text, in order, without filler; `skip` drops further words (a service's own name). */
  terms(text: string, skip?: ReadonlySet<string>): string[] {
    const tokens = normalizeText(text).split(' ').filter(Boolean);
    return this.termsOfTokens(tokens, skip);
  }

  termsOfTokens(tokens: string[], skip?: ReadonlySet<string>): string[] {
    const hits = this.synonyms.match(tokens);
    const out: string[] = [];
    let i = 0;
    for (const hit of hits) {
      for (; i < hit.start; i++) this.push(out, tokens[i], skip);
      out.push(hit.value);
      i = hit.start + hit.length;
    }
    for (; i < tokens.length; i++) this.push(out, tokens[i], skip);
    return out;
  }

  private push(out: string[], token: string, skip?: ReadonlySet<string>): void {
    const stem = stemToken(token);
    if (stem.length < 2 || QUESTION_FILLER.has(stem) || skip?.has(stem)) return;
    out.push(stem);
  }
}
