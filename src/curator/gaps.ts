import { CLARIFY_BELOW } from '../engine/clarify';
import { intentTraits } from '../engine/types';
import { Detector } from '../engine/detect';
import { GENERAL, type KnowledgeBase } from '../knowledge/types';
import type { FeedbackRow, QuestionLogRow, Store } from '../store/types';
import { normalizeText, removeControlCharacters } from '../text/normalize';
import { answeredByCurators, type CuratorAnswer } from './curatorAnswers';

export const GAP_REASONS = ['not_found', 'low_confidence', 'not_helpful'] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/**
 * Below this the answer was likely a guess: the same calibrated threshold below which the
 * router asks a clarifying question (engine/clarify.ts), so curators see what users were asked about.
 */
export const LOW_CONFIDENCE = CLARIFY_BELOW;

/** Intents that answer from the knowledge base, so their confidence means something. */

/** Words that say nothing about what was missing ("who is responsible for ..."). */
const STOP_WORDS = new Set(
  `a about after all also am an and any are as at aws amazon be been but by can could do does doing for from get
  handle handles handled has have how i if in into is it its me my need needs of on or our responsibility
  responsible secure secures securing security should so take takes than that the their them then there this to
  us was we what whats when where which who whos whose why will with would you your yours care job part own owns
  question tell know please thanks thank hi hello`
    .split(/\s+/)
    .filter(Boolean),
);

export interface GapGroup {
  /** `service.area`, `service`, `area:<id>` or `words:<word>`: stable, for scripts. */
  key: string;
  service?: { id: string; name: string };
  area?: { id: string; title: string };
  /** When no service or area was recognised: the words these questions share, most telling first. */
  words?: string[];
  count: number;
  reasons: Record<GapReason, number>;
  /** Distinct (hashed) users: one person asking ten times is not ten people. */
  users: number;
  lastAt: Date;
  /** Distinct questions, most recent first. */
  examples: string[];
}

export interface GapReport {
  since: Date;
  /** Question-log rows and feedback rows read. */
  scanned: { questions: number; feedback: number };
  gaps: GapGroup[];
  /** Escalations a curator answered in the period, each with its proposed knowledge change. */
  answeredByCurators?: CuratorAnswer[];
}

export interface GapOptions {
  since: Date;
  lowConfidence?: number;
  /** Examples kept per group (default 3). */
  examples?: number;
  /**
   * Only what was asked, voted and escalated in this workspace (`slack:T…`, as the question log
   * keeps it): one workspace of the distributed Slack app never sees another's questions.
   * Absent: every workspace.
   */
  workspace?: string;
}

interface GapItem {
  reason: GapReason;
  question?: string;
  cells: string[];
  userHash: string;
  at: Date;
}

/** Reads the question log and feedback since a date and groups where users found no good answer. */
export async function collectGaps(store: Pick<Store, 'listQuestions' | 'listFeedback'> & Partial<Pick<Store, 'listEscalations'>>, kb: KnowledgeBase, options: GapOptions): Promise<GapReport> {
  const [questions, feedback, answered] = await Promise.all([
    store.listQuestions(options.since),
    store.listFeedback(options.since),
    store.listEscalations ? answeredByCurators(store as Pick<Store, 'listEscalations'>, options.since, options.workspace) : Promise.resolve(undefined),
  ]);
  const ws = options.workspace;
  const report = ws === undefined ? findGaps(questions, feedback, kb, options) : findGaps(questions.filter((q) => q.workspace === ws), feedback.filter((f) => f.workspace === ws), kb, options);
  return answered?.length ? { ...report, answeredByCurators: answered } : report;
}

/** Cleans a user's question for display: no control characters (terminal escapes), one line. */
export function displayQuestion(text: string): string {
  return removeControlCharacters(text).replace(/\s+/g, ' ').trim();
}

function gapItems(questions: QuestionLogRow[], feedback: FeedbackRow[], threshold: number): GapItem[] {
  const items: GapItem[] = [];
  for (const q of questions) {
    const reason: GapReason | undefined = q.intent === 'not_found' ? 'not_found' : intentTraits(q.intent)?.answers === true && q.confidence < threshold ? 'low_confidence' : undefined;
    if (reason) items.push({ reason, question: q.question, cells: q.cells, userHash: q.userHash, at: q.at });
  }
  for (const f of feedback) {
    if (!f.helpful) items.push({ reason: 'not_helpful', ...(f.question ? { question: f.question } : {}), cells: f.cells, userHash: f.userHash, at: f.at });
  }
  return items;
}

function significantWords(question: string): string[] {
  const words = normalizeText(question)
    .split(' ')
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set(words)];
}

/** The same grouping as `collectGaps`, over rows already read (tests, other stores). */
export function findGaps(questions: QuestionLogRow[], feedback: FeedbackRow[], kb: KnowledgeBase, options: GapOptions): GapReport {
  const detector = new Detector(kb);
  const keep = options.examples ?? 3;
  const groups = new Map<string, { group: GapGroup; items: GapItem[] }>();
  const unplaced: Array<{ item: GapItem; words: string[] }> = [];

  const add = (key: string, item: GapItem, make: () => Omit<GapGroup, 'count' | 'reasons' | 'users' | 'lastAt' | 'examples' | 'key'>) => {
    let entry = groups.get(key);
    if (!entry) {
      entry = { group: { key, ...make(), count: 0, reasons: { not_found: 0, low_confidence: 0, not_helpful: 0 }, users: 0, lastAt: item.at, examples: [] }, items: [] };
      groups.set(key, entry);
    }
    entry.items.push(item);
  };
  const serviceRef = (id: string) => ({ id, name: kb.services.get(id)?.name ?? id });
  const areaRef = (id: string) => ({ id, title: kb.areas.get(id)?.title ?? id });

  // The same question is often asked many times; detect each wording once.
  const detections = new Map<string, ReturnType<Detector['detect']>>();
  const detect = (text: string) => {
    let d = detections.get(text);
    if (!d) detections.set(text, (d = detector.detect(text)));
    return d;
  };
  for (const item of gapItems(questions, feedback, options.lowConfidence ?? LOW_CONFIDENCE)) {
    const detection = item.question ? detect(item.question) : undefined;
    const cell = item.cells.length ? kb.cells.get(item.cells[0]) : undefined;
    // A general cell standing in for a service: the gap is that service's, not the general rule's.
    const service = cell && cell.service !== GENERAL ? cell.service : detection?.services[0] ?? (cell ? GENERAL : undefined);
    const area = cell?.area ?? detection?.areas[0]?.area;
    if (service && area) add(`${service}.${area}`, item, () => ({ service: serviceRef(service), area: areaRef(area) }));
    else if (service) add(service, item, () => ({ service: serviceRef(service) }));
    else if (area) add(`area:${area}`, item, () => ({ area: areaRef(area) }));
    else unplaced.push({ item, words: item.question ? significantWords(item.question) : [] });
  }

  // Questions about nothing the KB knows: group each under its most shared word, so
  // "redshift spectrum" asked three ways lands in one group.
  const frequency = new Map<string, number>();
  for (const u of unplaced) for (const w of u.words) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const rank = (a: string, b: string) => (frequency.get(b) ?? 0) - (frequency.get(a) ?? 0) || b.length - a.length || a.localeCompare(b);
  for (const u of unplaced) {
    const word = [...u.words].sort(rank)[0];
    add(word ? `words:${word}` : 'words:', u.item, () => ({ words: word ? [word] : [] }));
  }

  const gaps = [...groups.values()].map(({ group, items }) => {
    items.sort((a, b) => b.at.getTime() - a.at.getTime());
    for (const item of items) group.reasons[item.reason]++;
    group.count = items.length;
    group.users = new Set(items.map((i) => i.userHash)).size;
    group.lastAt = items[0].at;
    const seen = new Set<string>();
    for (const item of items) {
      if (!item.question || group.examples.length >= keep) continue;
      const shown = displayQuestion(item.question);
      const norm = normalizeText(shown);
      if (!shown || seen.has(norm)) continue;
      seen.add(norm);
      group.examples.push(shown);
    }
    if (group.words && group.words.length) group.words = [group.words[0], ...sharedWords(items, group.words[0])];
    return group;
  });
  gaps.sort((a, b) => b.count - a.count || b.users - a.users || b.lastAt.getTime() - a.lastAt.getTime() || a.key.localeCompare(b.key));
  return { since: options.since, scanned: { questions: questions.length, feedback: feedback.length }, gaps };
}

/** Up to two more words most of a word group's questions also use. */
function sharedWords(items: GapItem[], lead: string): string[] {
  const counts = new Map<string, number>();
  for (const item of items) for (const w of item.question ? significantWords(item.question) : []) if (w !== lead) counts.set(w, (counts.get(w) ?? 0) + 1);
  const half = Math.max(2, Math.ceil(items.length / 2));
  return [...counts.entries()]
    .filter(([, n]) => n >= half)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 2)
    .map(([w]) => w);
}
