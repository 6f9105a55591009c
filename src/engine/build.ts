import { randomUUID } from 'node:crypto';
import type { Cell, Concept, KnowledgeBase, Owner } from '../knowledge/types';
import { composeText, ownerHeadline, polarityPrefix } from './answerText';
import { CitationList } from './citations';
import type { Answer, AnswerRow, IntentName, Verdict } from './types';

/** Builders shared by the intents: they turn cells and concepts into Answer values. */

export function baseAnswer(intent: IntentName, verdict: Verdict | null, headline: string, text: string): Answer {
  return {
    id: randomUUID(),
    intent,
    verdict,
    topic: null,
    headline,
    text,
    aws: [],
    customer: [],
    conditions: [],
    rows: [],
    citations: [],
    suggestions: [],
    confidence: 1,
    cells: [],
    context: {},
  };
}

export function cellTitle(kb: KnowledgeBase, cell: Cell): string {
  const area = kb.areas.get(cell.area)?.title ?? cell.area;
  if (cell.service === 'general') return `${area} (all AWS services)`;
  return `${area} on ${kb.services.get(cell.service)?.name ?? cell.service}`;
}

export interface CellAnswerOptions {
  intent?: IntentName;
  confidence: number;
  asked?: 'aws' | 'customer';
  /** The service asked about, when the cell is the general rule applied to it. */
  forService?: string;
  /** Owner decided for this service by a condition of a general cell. */
  /** `duty`: one duty line answered the question; `because` is that duty. */
  ownerOverride?: { owner: Owner; because: string; duty?: boolean };
  also?: Cell[];
  suggestions?: string[];
}

export function answerFromCell(kb: KnowledgeBase, cell: Cell, options: CellAnswerOptions): Answer {
  const owner = options.ownerOverride?.owner ?? cell.owner;
  const service = options.forService ? kb.services.get(options.forService) : undefined;
  const citations = new CitationList(kb);
  citations.add(cell.citations);
  let lead = cell.summary;
  if (options.ownerOverride?.duty && cell.service !== 'general') {
    // "AWS does this part (...); the rest of the area is shared: ..."
    const area = kb.areas.get(cell.area)?.title ?? cell.area;
    const who = owner === 'aws' ? 'AWS does this part' : 'This part is yours';
    const rest = cell.owner === 'depends' ? 'depends on the situation' : cell.owner === 'shared' ? 'is shared' : cell.owner === 'aws' ? "is AWS's" : 'is yours';
    lead = `${who}: ${lowerFirst(options.ownerOverride.because)} The rest of ${area.toLowerCase()} here ${rest}: ${cell.summary}`;
  } else if (options.ownerOverride && cell.service !== 'general') {
    lead = `In your situation (${lowerFirst(options.ownerOverride.because)}): ${ownerHeadline(owner)}. ${cell.summary}`;
  } else if (service && cell.service === 'general') {
    const area = kb.areas.get(cell.area);
    lead = area?.universal
      ? `${cell.summary} This holds for ${service.name} as for every AWS service.`
      : options.ownerOverride
        ? `For ${service.name} (${options.ownerOverride.because}): ${ownerHeadline(owner)}. ${cell.summary}`
        : `The knowledge base has no ${service.name}-specific entry for this, so here is the general rule: ${cell.summary}`;
  }
  const rows: AnswerRow[] = [];
  for (const extra of options.also ?? []) {
    rows.push({ cellId: extra.id, label: cellTitle(kb, extra), owner: extra.owner, summary: extra.summary, citationNumbers: citations.add(extra.citations) });
  }
  const answer = baseAnswer(options.intent ?? 'lookup', owner, ownerHeadline(owner), '');
  answer.topic = { id: cell.id, title: service && cell.service === 'general' ? `${kb.areas.get(cell.area)?.title ?? cell.area} on ${service.name}` : cellTitle(kb, cell) };
  answer.aws = cell.aws;
  answer.customer = cell.customer;
  answer.conditions = cell.conditions.map(({ when, owner, note }) => (note === undefined ? { when, owner } : { when, owner, note }));
  answer.rows = rows;
  answer.text = composeText(answer, polarityPrefix(options.asked, owner) + lead);
  answer.citations = citations.items;
  answer.confidence = options.confidence;
  answer.cells = [cell.id, ...rows.map((r) => r.cellId)];
  answer.verified = cell.verified;
  answer.suggestions = options.suggestions ?? [];
  answer.context = { service: options.forService ?? (cell.service === 'general' ? undefined : cell.service), area: cell.area };
  return answer;
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

export function answerFromConcept(kb: KnowledgeBase, concept: Concept, confidence: number): Answer {
  const citations = new CitationList(kb);
  citations.add(concept.citations);
  const answer = baseAnswer('concept', concept.verdict ?? null, concept.title, '');
  answer.topic = { id: concept.id, title: concept.title };
  answer.aws = concept.aws;
  answer.customer = concept.customer;
  answer.text = composeText(answer, concept.summary);
  answer.citations = citations.items;
  answer.confidence = confidence;
  answer.verified = concept.verified;
  answer.suggestions = ['who patches the guest OS on EC2?', 'what am I responsible for with RDS?', 'is S3 encryption on me?'];
  return answer;
}
