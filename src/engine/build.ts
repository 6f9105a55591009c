import { randomUUID } from 'node:crypto';
import type { Cell, Concept, KnowledgeBase, Owner } from '../knowledge/types';
import { actionWord, isThirdPerson } from '../knowledge/style';
import { composeText, lowerFirst, ownerClause, ownerHeadline, polarityPrefix, restClause, sentence } from './answerText';
import { CitationList } from './citations';
import type { Answer, AnswerRow, IntentName, Verdict } from './types';
import { EXAMPLE_QUESTIONS } from './examples';

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
  /**
   * Owner decided by something more specific than the cell. `because` is a situation label
   * (a condition's `when`), or with `reason` a clause saying why ("you asked what each side
   * does"), or with `duty` the one duty line that answered the question.
   */
  ownerOverride?: OwnerOverride;
  also?: Cell[];
  suggestions?: string[];
}

export interface OwnerOverride {
  owner: Owner;
  because: string;
  duty?: boolean;
  reason?: boolean;
}

/**
 * The lead: whole sentences that name the owner in words, then the cell's summary as its own
 * sentence (docs/answer-style.md). Never a headline glued to a summary.
 */
function leadSentences(kb: KnowledgeBase, cell: Cell, owner: Owner, override: OwnerOverride | undefined, serviceName: string | undefined): string {
  const area = kb.areas.get(cell.area);
  const areaTitle = lowerFirst(area?.title ?? cell.area);
  if (override?.duty && cell.service !== 'general') {
    // "AWS is responsible for this part: it patches the host. The rest of ... is shared ...."
    const duty = override.because.trim().replace(/[.;:,]+$/, '');
    const part = owner === 'aws' ? `AWS is responsible for this part: ${startsInThirdPerson(duty) ? 'it ' : ''}${lowerFirst(duty)}.` : `You are responsible for this part: ${lowerFirst(duty)}.`;
    return `${part} The rest of ${areaTitle} here ${restClause(cell.owner)}. ${cell.summary}`;
  }
  if (override && (cell.service !== 'general' || !serviceName)) {
    if (override.reason) return `${sentence(`since ${override.because}, ${ownerClause(owner)}`)} ${cell.summary}`;
    if (owner === 'depends') return `It depends on the situation (${lowerFirst(override.because)}). ${cell.summary}`;
    return `${sentence(`in your situation (${lowerFirst(override.because)}), ${ownerClause(owner)}`)} ${cell.summary}`;
  }
  if (serviceName && cell.service === 'general') {
    if (area?.universal) return `${cell.summary} This holds for ${serviceName} as for every AWS service.`;
    if (override) return `${sentence(`for ${serviceName}, ${ownerClause(owner)}: the general rule for ${lowerFirst(override.because)} applies`)} ${cell.summary}`;
    return `The knowledge base has no ${serviceName}-specific entry for this, so the general rule for every AWS service stands in. ${cell.summary}`;
  }
  return cell.summary;
}

/** AWS duty lines are written with AWS as the implied subject ("Patches the host"). */
function startsInThirdPerson(line: string): boolean {
  const word = actionWord(line);
  return word !== undefined && isThirdPerson(word);
}

export function answerFromCell(kb: KnowledgeBase, cell: Cell, options: CellAnswerOptions): Answer {
  const owner = options.ownerOverride?.owner ?? cell.owner;
  const service = options.forService ? kb.services.get(options.forService) : undefined;
  const citations = new CitationList(kb);
  citations.add(cell.citations);
  const lead = leadSentences(kb, cell, owner, options.ownerOverride, service?.name);
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
  answer.suggestions = [EXAMPLE_QUESTIONS.guestOs, EXAMPLE_QUESTIONS.rds, EXAMPLE_QUESTIONS.s3];
  return answer;
}
