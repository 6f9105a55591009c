import type { Vocabulary } from './vocabulary';

/**
 * The action a duty performs and the action a question asks about, read as verbs.
 *
 * Every duty line starts with what one side does ("Picks a maintenance window…", "Runs, patches
 * and scales the query fleet"), and "who schedules the maintenance window?" asks who performs
 * one action on one object. Matching the question's verb against the duties' leading verbs
 * tells the duty asked about from one that only mentions the same object ("Performs OS
 * maintenance during the weekly maintenance window"). The verbs known are the ones the duties
 * themselves start with, so no verb list is kept by hand.
 */

/**
 * An adverb before a duty's verb ("Automatically applies…"), not a verb that ends in -ly
 * ("Apply Vault Lock…", "Supply the key…").
 */
const ADVERB = '(?:(?!(?:apply|applies|supply|supplies|reply|replies|rely|relies|comply|complies|multiply|multiplies|rally|tally)\\s)[a-z]+ly\\s+)?';

/** "Runs, patches and scales …": the leading verbs of a duty line (an adverb may come first). */
const LEADING_VERBS = new RegExp(`^${ADVERB}([a-z-]+(?:,\\s*[a-z-]+)*(?:,?\\s+(?:and|or)\\s+[a-z-]+)?)\\b`, 'i');

/** "Starts renewing…", "Begins rotating…": a verb of starting or going on, then the action itself. */
const ASPECT = new RegExp(`^${ADVERB}(?:starts|begins|continues|keeps on)\\s+([a-z]+ing)\\b`, 'i');
/** Words between "who" and the verb ("who is actually responsible for rotating…"). */
const BEFORE_VERB = new Set(
  `is s are was will would should must can could does do did actually really still even usually normally then now ever
  gets get got to has have had need needs ultimately exactly typically also responsible for in charge of supposed expected
  going gonna the one that job task it their our my your aws amazon we i you they us me on who whose supposedly`.split(/\s+/),
);

/** Where an action is asked about: the words after these open the search for its verb. */
const ASKING = new Set(['who', 'whose', 'whom']);
const ASKING_PAIRS = [/^(do|does|should|must|will|can|would) (we|i|aws|amazon|you|they)$/, /^(need|needs|have|has) to$/, /^responsible for$/];

/** Lines a word must lead to count as a verb. */
const MIN_LEADS = 2;

/** How far after the cue the verb may sit ("who does the os patching": three words). */
const VERB_WINDOW = 4;

export class VerbReader {
  /** How many duty lines start with each verb: a word that leads one line only may be a noun ("Groups…"). */
  private readonly leads = new Map<string, number>();

  constructor(private readonly vocabulary: Vocabulary, private readonly light: ReadonlySet<string>) {}

  /** The leading verbs of a duty line in canonical terms; they become known verbs. */
  leadingVerbs(line: string): Set<string> {
    const out = new Set<string>();
    const lead = (term: string | undefined): boolean => {
      if (!term || this.light.has(term)) return false;
      out.add(term);
      this.leads.set(term, (this.leads.get(term) ?? 0) + 1);
      return true;
    };
    // "Starts renewing managed certificates…": the action is the one started.
    const started = ASPECT.exec(line.trim());
    if (started) lemmaCandidates(started[1].toLowerCase()).some((form) => lead(this.canonical(form)));
    const match = LEADING_VERBS.exec(line.trim());
    if (!match) return out;
    for (const word of match[1].split(/,\s*|\s+(?:and|or)\s+|\s+/).filter(Boolean)) lead(this.canonical(word.toLowerCase()));
    return out;
  }

  /**
   * Every action a line names in any of its words, one word at a time ("can apply updates" names
   * apply even where the vocabulary reads the phrase as patch).
   */
  actionsNamed(line: string): Set<string> {
    const out = new Set<string>();
    for (const word of line.toLowerCase().split(/[^a-z-]+/)) {
      if (word.length < 3) continue;
      for (const form of lemmaCandidates(word)) {
        const term = this.canonical(form);
        if (term) out.add(term);
      }
    }
    return out;
  }

  /**
   * Verbs a line names later, after "and" or a comma ("Tracks the shipment and inspects the
   * device"), once the leading verbs of every line are known.
   */
  laterVerbs(line: string): Set<string> {
    const out = new Set<string>();
    const words = line.toLowerCase().split(/\s+/);
    for (let i = 1; i < words.length; i++) {
      if (!/^(and|or|then)$/.test(words[i - 1]) && !words[i - 1].endsWith(',')) continue;
      const term = this.canonical(words[i].replace(/[^a-z-]/g, ''));
      if (term && (this.leads.get(term) ?? 0) >= MIN_LEADS && !this.light.has(term)) out.add(term);
    }
    return out;
  }

  /**
   * The verb of the action a question asks about, in canonical terms: the first known verb
   * after "who", "do we", "need to" or "responsible for", within a few words.
   */
  askedVerb(tokens: string[]): string | undefined {
    return this.askedVerbAt(tokens)?.verb;
  }

  /** The asked verb and its position in `tokens`. */
  askedVerbAt(tokens: string[]): { verb: string; at: number } | undefined {
    for (let i = 0; i < tokens.length; i++) {
      const pair = i + 1 < tokens.length ? `${tokens[i]} ${tokens[i + 1]}` : '';
      const opens = ASKING.has(tokens[i]) ? i + 1 : ASKING_PAIRS.some((p) => p.test(pair)) ? i + 2 : -1;
      if (opens < 0) continue;
      for (let j = opens, seen = 0; j < tokens.length && seen < VERB_WINDOW; j++) {
        if (BEFORE_VERB.has(tokens[j])) continue;
        seen++;
        const verb = this.asVerb(tokens[j]);
        if (verb) return { verb, at: j };
      }
    }
    return undefined;
  }

  /** A question word read as a known verb: "rotating", "created", "schedules", "runs". */
  private asVerb(token: string): string | undefined {
    for (const form of lemmaCandidates(token)) {
      const term = this.canonical(form);
      if (term && (this.leads.get(term) ?? 0) >= MIN_LEADS && !this.light.has(term)) return term;
    }
    return undefined;
  }

  private readonly canonicalCache = new Map<string, string | undefined>();

  private canonical(word: string): string | undefined {
    if (!this.canonicalCache.has(word)) this.canonicalCache.set(word, this.vocabulary.terms(word)[0]);
    return this.canonicalCache.get(word);
  }
}

/** Words that end the object of a verb: "creates the KSK | from your KMS key". */
const OBJECT_ENDS = new Set('for from in on with to by at when where if before after so and or that which unless until while as into onto per via than'.split(' '));
const DETERMINERS = new Set('the a an your our my its their this that these those each every any all'.split(' '));
/** Most words an object is read over. */
const OBJECT_WINDOW = 6;

/**
 * The object of the verb at `verbAt`: the words after it up to a preposition or conjunction
 * ("creates the key-signing key from your KMS key" -> key signing key), without determiners.
 */
export function objectAfter(tokens: string[], verbAt: number): string[] {
  const out: string[] = [];
  for (let k = verbAt + 1; k < tokens.length && out.length < OBJECT_WINDOW; k++) {
    if (OBJECT_ENDS.has(tokens[k])) break;
    if (!DETERMINERS.has(tokens[k])) out.push(tokens[k]);
  }
  return out;
}

/** Base forms a verb form may come from, most likely first; the known verbs decide which is real. */
export function lemmaCandidates(token: string): string[] {
  const out = [token];
  for (const suffix of ['ing', 'ed']) {
    if (!token.endsWith(suffix) || token.length < suffix.length + 3) continue;
    const stem = token.slice(0, -suffix.length);
    out.push(stem, `${stem}e`);
    if (/([bdgklmnprt])\1$/.test(stem)) out.push(stem.slice(0, -1));
    if (stem.endsWith('i')) out.push(`${stem.slice(0, -1)}y`);
  }
  return out;
}
