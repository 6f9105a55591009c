import { INTENT_TRAITS, type Answer } from '../engine/types';
import type { Cell, Citation, KnowledgeBase, Owner } from '../knowledge/types';
import type { AnswerCondition } from '../engine/types';

/**
 * One thing an answer rules on: a (service, area) cell with the owner the router decided for
 * it. The prompt gives these to the model, and the contradiction check holds the model's text
 * against them.
 */
export interface Subject {
  cellId: string;
  /** Shown to the model: "Amazon EC2" or "Operating system patching". */
  label: string;
  owner: Owner;
  summary: string;
  awsDuties: string[];
  customerDuties: string[];
  conditions: AnswerCondition[];
  /** Numbers of Answer.citations backing this subject. */
  citationIds: number[];
  serviceId?: string;
  /** Names of the service as users and models write them (name, id, aliases). */
  serviceNames: string[];
  areaId: string;
  areaTitle: string;
  /** Phrases that name the area (title and keywords). */
  areaNames: string[];
}

/** Aliases that name a kind of thing rather than one service ("instances" also appear in RDS answers). */
const GENERIC_ALIASES = /^(instances?|servers?|vms?|virtual machines?|databases?|dbs?|clusters?|buckets?|functions?|containers?|queues?|topics?|tables?|keys?|streams?|nodes?|volumes?|files?|jobs?|workflows?|models?|domains?|caches?)$/i;

export function isPhrasable(answer: Answer): boolean {
  return (
    INTENT_TRAITS[answer.intent].phrasable &&
    answer.cells.length > 0 &&
    (answer.verdict === 'aws' || answer.verdict === 'customer' || answer.verdict === 'shared' || answer.verdict === 'depends')
  );
}

/** The subjects of an answer: its main cell (lookups) and its rows (comparisons, overviews, second areas). */
export function subjectsOf(answer: Answer, kb: KnowledgeBase): Subject[] {
  const subjects: Subject[] = [];
  const rowCells = new Set(answer.rows.map((r) => r.cellId));
  const main = answer.cells[0] ? kb.cells.get(answer.cells[0]) : undefined;
  if (main && !rowCells.has(main.id) && answer.verdict && answer.verdict !== 'unknown' && answer.verdict !== 'out_of_scope') {
    // The answer's own fields, not the cell's: a general rule applied to a service may have
    // had its owner decided by a condition, and the verdict is what the user was told.
    subjects.push(
      subjectOf(kb, main, {
        owner: answer.verdict,
        label: answer.topic?.title ?? main.id,
        summary: main.summary,
        awsDuties: answer.aws,
        customerDuties: answer.customer,
        conditions: answer.conditions,
        citationIds: citationNumbers(answer, main.citations),
        serviceId: answer.context.service ?? (main.service === 'general' ? undefined : main.service),
      }),
    );
  }
  for (const row of answer.rows) {
    const cell = kb.cells.get(row.cellId);
    if (!cell) continue;
    const rowService = serviceOfRow(kb, answer, row.label, cell);
    subjects.push(
      subjectOf(kb, cell, {
        owner: row.owner,
        label: row.label,
        summary: row.summary,
        awsDuties: cell.aws,
        customerDuties: cell.customer,
        conditions: cell.conditions,
        citationIds: row.citationNumbers,
        serviceId: rowService,
      }),
    );
  }
  return subjects;
}

function subjectOf(
  kb: KnowledgeBase,
  cell: Cell,
  fields: Pick<Subject, 'owner' | 'label' | 'summary' | 'awsDuties' | 'customerDuties' | 'conditions' | 'citationIds' | 'serviceId'>,
): Subject {
  const area = kb.areas.get(cell.area);
  const service = fields.serviceId ? kb.services.get(fields.serviceId) : undefined;
  return {
    cellId: cell.id,
    ...fields,
    serviceNames: service ? [service.name, service.name.replace(/^(Amazon|AWS)\s+/, ''), service.id, ...service.aliases.filter((a) => !GENERIC_ALIASES.test(a))] : [],
    areaId: cell.area,
    areaTitle: area?.title ?? cell.area,
    areaNames: area ? [area.title, ...area.keywords] : [cell.area],
  };
}

/** A row about a general cell names its service only in the label ("Amazon EC2, Encryption at rest"). */
function serviceOfRow(kb: KnowledgeBase, answer: Answer, label: string, cell: Cell): string | undefined {
  if (cell.service !== 'general') return cell.service;
  for (const service of kb.services.values()) if (label === service.name || label.startsWith(`${service.name}, `)) return service.id;
  return answer.intent === 'overview' ? answer.topic?.id : answer.context.service;
}

/** The numbers under which a cell's citations appear in the answer's citation list. */
function citationNumbers(answer: Answer, citations: Citation[]): number[] {
  const out: number[] = [];
  for (const c of citations) {
    const hit = answer.citations.find((r) => r.id === c.source && r.locator === c.locator && r.quote === c.quote);
    if (hit && !out.includes(hit.n)) out.push(hit.n);
  }
  return out;
}
