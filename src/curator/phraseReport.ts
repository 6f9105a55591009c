import type { Area, Cell, KnowledgeBase } from '../knowledge/types';
import { createRouter, type Router, type RouterParts } from '../engine/router';
import { Detector } from '../engine/detect';
import { SearchIndex } from '../engine/search';
import { ScopeReader } from '../engine/scope';
import { UnitIndex } from '../engine/units';
import { Vocabulary } from '../engine/vocabulary';
import { Speller, spellerWords } from '../engine/spelling';
import { words } from '../engine/wordsets';
import type { EvalQuestion } from '../eval/evaluate';
import { normalizeText, stemToken } from '../text/normalize';

/**
 * Which curated phrases change an answer (issue 14): every condition phrase, cell keyword and
 * area keyword is removed in turn, and the tuning questions that contain it are answered again
 * without it. A phrase after which no such question changes its verdict or its first cell is
 * dead weight on the tuning sets (a duplicate, a phrase a longer one always covers, a tuning
 * leftover); one no tuning question contains is reported apart, since nothing has tried it.
 *
 * One router per phrase, but not a whole one: a router is built from parts (router.ts
 * `RouterParts`), and only the parts that read the removed phrase are rebuilt. A condition
 * phrase is read only when the cell is answered (conditions.ts, through the cell object, so the
 * changed cell and condition are fresh objects and the shared ones are never touched) and by
 * the speller's vocabulary; a keyword also by the detector and the search index. The speller
 * is rebuilt only when the phrase holds a word no other text of the knowledge base has.
 */

export const PHRASE_KINDS = ['condition', 'cell-keyword', 'area-keyword'] as const;
export type PhraseKind = (typeof PHRASE_KINDS)[number];

export interface PhraseRef {
  kind: PhraseKind;
  /** The knowledge file it is written in: `services/rds.yaml`, `areas.yaml`. */
  file: string;
  /** The cell (`rds.os-patching`) or the area (`os-patching`) it belongs to. */
  owner: string;
  /** For a condition phrase: the condition's `when` and its place in the cell's list. */
  condition?: { index: number; when: string };
  /** Its place in its list (`phrases:` or `keywords:`). */
  index: number;
  phrase: string;
}

export interface PhraseResult extends PhraseRef {
  /** Tuning questions that contain the phrase (by the pre-filter); none of them changes its answer without it. */
  questions: number;
  /**
   * Another phrase of the same list that reads the same once plural-folded ("building",
   * "buildings"): each is judged alone, so both may be listed while only one can go.
   */
  sameAs?: string;
}

export interface PhraseReport {
  /** Tuning questions read. */
  questions: number;
  /** Phrases checked, by kind. */
  checked: Record<PhraseKind, number>;
  /** Phrases contained by at least one tuning question whose removal changes an answer. */
  deciding: number;
  /** Phrases contained by tuning questions whose removal changes none of their answers. */
  noChange: PhraseResult[];
  /** Phrases no tuning question contains: they change no answer either, untested. */
  unmatched: PhraseResult[];
  /** Routers built (one per phrase some question contains) and questions answered again (stopping at the first that changes). */
  routers: number;
  reroutes: number;
  /** How long the report took. */
  seconds: number;
}

/** What the router answered: the verdict and the first cell (what the evaluation scores). */
function outcome(answer: { verdict: string | null; cells: string[] }): string {
  return `${answer.verdict ?? 'none'} ${answer.cells[0] ?? ''}`;
}

/** Every curated phrase of the knowledge base, in file order. */
export function curatedPhrases(kb: KnowledgeBase): PhraseRef[] {
  const out: PhraseRef[] = [];
  for (const area of kb.areas.values()) {
    area.keywords.forEach((phrase, index) => out.push({ kind: 'area-keyword', file: 'areas.yaml', owner: area.id, index, phrase }));
  }
  for (const cell of kb.cells.values()) {
    cell.keywords.forEach((phrase, index) => out.push({ kind: 'cell-keyword', file: cell.file, owner: cell.id, index, phrase }));
    cell.conditions.forEach((condition, c) =>
      condition.phrases.forEach((phrase, index) => out.push({ kind: 'condition', file: cell.file, owner: cell.id, condition: { index: c, when: condition.when }, index, phrase })),
    );
  }
  return out;
}

/** `needle` as consecutive words of `tokens`. */
function containsRun(tokens: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= tokens.length; i++) {
    for (let k = 0; k < needle.length; k++) if (tokens[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** `needle`'s words in order in `tokens`, anything between them. */
function containsInOrder(tokens: string[], needle: string[]): boolean {
  let k = 0;
  for (const t of tokens) if (t === needle[k] && ++k === needle.length) return true;
  return false;
}

/** The knowledge base with one cell or area replaced; every other object is the original. */
function withReplaced(kb: KnowledgeBase, change: { cell?: Cell; area?: Area }): KnowledgeBase {
  const cells = change.cell ? new Map(kb.cells).set(change.cell.id, change.cell) : kb.cells;
  const areas = change.area ? new Map(kb.areas).set(change.area.id, change.area) : kb.areas;
  const replaced = change.cell;
  return {
    ...kb,
    cells,
    areas,
    generalCell: (areaId) => cells.get(`general.${areaId}`),
    cell: (serviceId, areaId) => cells.get(`${serviceId}.${areaId}`),
    cellsOf: (serviceId) => kb.cellsOf(serviceId).map((c) => (replaced && c.id === replaced.id ? replaced : c)),
  };
}

/** The knowledge base without one phrase: fresh objects for what changes, the shipped ones untouched. */
export function withoutPhrase(kb: KnowledgeBase, ref: PhraseRef): KnowledgeBase {
  const drop = <T>(list: T[]) => list.filter((_, i) => i !== ref.index);
  if (ref.kind === 'area-keyword') {
    const area = kb.areas.get(ref.owner)!;
    return withReplaced(kb, { area: { ...area, keywords: drop(area.keywords) } });
  }
  const cell = kb.cells.get(ref.owner)!;
  if (ref.kind === 'cell-keyword') return withReplaced(kb, { cell: { ...cell, keywords: drop(cell.keywords) } });
  const conditions = cell.conditions.map((c, i) => (i === ref.condition!.index ? { ...c, phrases: drop(c.phrases) } : c));
  return withReplaced(kb, { cell: { ...cell, conditions } });
}

/** How many words of the search index's keyword field an area lends each of its cells (search.ts). */
const AREA_KEYWORDS_SEARCHED = 4;

/** The parts of a router over `kb`, built once and shared by the routers of every phrase removed. */
export function routerParts(kb: KnowledgeBase): RouterParts {
  return { detector: new Detector(kb), search: new SearchIndex(kb), scope: new ScopeReader(kb), units: new UnitIndex(kb, new Vocabulary(kb)), speller: new Speller(kb) };
}

/**
 * A router over `kb` without the phrase `ref`: the parts that read it are built again over the
 * reduced knowledge base (the search index only when a question searches), the rest are `base`'s.
 * `spellerChanges` says whether the phrase holds a word the rest of the knowledge base lacks.
 */
export function routerWithout(kb: KnowledgeBase, ref: PhraseRef, base: RouterParts, spellerChanges = true): Router {
  const reduced = withoutPhrase(kb, ref);
  const keyword = ref.kind !== 'condition';
  const searched = ref.kind === 'cell-keyword' || (ref.kind === 'area-keyword' && ref.index < AREA_KEYWORDS_SEARCHED);
  return createRouter(reduced, {
    ...base,
    ...(keyword ? { detector: new Detector(reduced) } : {}),
    ...(searched ? { search: new SearchIndex(reduced, { lazy: true }) } : {}),
    ...(spellerChanges ? { speller: new Speller(reduced) } : {}),
  });
}

export interface PhraseReportOptions {
  /** Called after each phrase with how many are done, for a progress line. */
  progress?: (done: number, total: number) => void;
}

export function phraseReport(shipped: KnowledgeBase, questions: EvalQuestion[], options: PhraseReportOptions = {}): PhraseReport {
  // The calibration sets only the confidence (and, below a threshold, the readings offered,
  // which search the index): never the verdict or the cell compared here.
  const started = Date.now();
  const kb: KnowledgeBase = { ...shipped, calibration: undefined };
  const base = routerParts(kb);
  const router = createRouter(kb, base);
  const query = (q: EvalQuestion) => ({ text: q.q, platform: 'cli' as const, userId: 'eval', conversationId: 'eval', context: q.context });
  const before = questions.map((q) => outcome(router.route(query(q))));

  // The question's words as the router reads them: as typed (conditions) and spelling-corrected
  // (the detector), plural-folded. A phrase can only act on a question holding all its words.
  const forms = questions.map((q) => {
    const typed = normalizeText(q.q).split(' ').filter(Boolean);
    const corrected = normalizeText(base.speller.correct(typed).join(' ')).split(' ').filter(Boolean);
    return [typed.map(stemToken), corrected.map(stemToken)];
  });
  const byWord = new Map<string, number[]>();
  forms.forEach((pair, i) => {
    for (const w of new Set(pair.flat())) {
      const list = byWord.get(w);
      if (list) list.push(i);
      else byWord.set(w, [i]);
    }
  });

  const vocabulary = new Map<string, number>();
  for (const w of spellerWords(kb)) vocabulary.set(w, (vocabulary.get(w) ?? 0) + 1);
  /** Removing the phrase takes a word out of the speller's vocabulary. */
  const changesSpeller = (phrase: string) => {
    const own = new Map<string, number>();
    for (const w of normalizeText(phrase).split(' ').filter(Boolean)) own.set(w, (own.get(w) ?? 0) + 1);
    return [...own].some(([w, n]) => (vocabulary.get(w) ?? 0) <= n);
  };

  const ownNames = new Map<string, Set<string>>();
  const ownName = (serviceId: string) => {
    let set = ownNames.get(serviceId);
    if (!set) {
      const service = kb.services.get(serviceId);
      set = new Set((service ? [service.id, ...words(service.name)] : []).filter((w) => w !== 'aws' && w !== 'amazon'));
      ownNames.set(serviceId, set);
    }
    return set;
  };

  /** The questions that contain the phrase: its words in a run (keywords) or in order (conditions, which may skip words and the service's own name). */
  const containing = (ref: PhraseRef): number[] => {
    let needle = words(ref.phrase);
    if (needle.length === 0) return [];
    const contains = ref.kind === 'condition' ? containsInOrder : containsRun;
    if (ref.kind === 'condition') {
      const own = ownName(kb.cells.get(ref.owner)!.service);
      const short = needle.filter((w) => !own.has(w));
      if (short.length > 0) needle = short;
    }
    return (byWord.get(needle[0]) ?? []).filter((i) => forms[i].some((tokens) => contains(tokens, needle)));
  };

  const refs = curatedPhrases(kb);
  // Phrases of one list that read alike: each covers the other.
  const listKey = (r: PhraseRef) => `${r.kind} ${r.owner} ${r.condition?.index ?? ''}`;
  const readings = new Map<string, PhraseRef[]>();
  for (const r of refs) {
    const key = `${listKey(r)}\u0000${words(r.phrase).join(' ')}`;
    readings.set(key, [...(readings.get(key) ?? []), r]);
  }
  const sameAs = (ref: PhraseRef): { sameAs?: string } => {
    const twin = readings.get(`${listKey(ref)}\u0000${words(ref.phrase).join(' ')}`)?.find((r) => r !== ref);
    return twin ? { sameAs: twin.phrase } : {};
  };
  const checked: Record<PhraseKind, number> = { condition: 0, 'cell-keyword': 0, 'area-keyword': 0 };
  const report: PhraseReport = { questions: questions.length, checked, deciding: 0, noChange: [], unmatched: [], routers: 0, reroutes: 0, seconds: 0 };
  refs.forEach((ref, done) => {
    checked[ref.kind]++;
    const asked = containing(ref);
    if (asked.length === 0) {
      report.unmatched.push({ ...ref, questions: 0, ...sameAs(ref) });
    } else {
      const other = routerWithout(kb, ref, base, changesSpeller(ref.phrase));
      report.routers++;
      // One changed answer settles it.
      const changes = (i: number) => {
        report.reroutes++;
        return outcome(other.route(query(questions[i]))) !== before[i];
      };
      if (asked.some(changes)) report.deciding++;
      else report.noChange.push({ ...ref, questions: asked.length, ...sameAs(ref) });
    }
    options.progress?.(done + 1, refs.length);
  });
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
