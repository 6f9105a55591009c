import type { Owner } from '../knowledge/types';
import type { Answer, AnswerCondition, Verdict } from './types';

/** Deterministic wording for every answer: the embedded default, and the fallback for the LLM. */

/** The headline of an answer that found nothing to stand on; its suggestions are what it may have meant. */
export const NOT_FOUND_HEADLINE = 'Not in the knowledge base';

export const OWNER_LABEL: Record<Owner, string> = {
  aws: 'AWS',
  customer: 'You',
  shared: 'Shared',
  depends: 'Depends',
};

/** One "When it changes" line, as every surface shows it: "Console-created file systems: AWS (note)". */
export function conditionLine(c: AnswerCondition): string {
  return `${c.when}: ${OWNER_LABEL[c.owner]}${c.note ? ` (${c.note})` : ''}`;
}

/** The verdict as every surface labels it (Slack, Teams, exports). */
export const VERDICT_LABEL: Record<Verdict, string> = {
  ...OWNER_LABEL,
  unknown: 'Not in the knowledge base',
  out_of_scope: 'Out of scope',
};

/** The owner as a headline label ("Shared: AWS and you"): shown above an answer, never glued into a sentence. */
const HEADLINE: Record<Owner, string> = {
  aws: 'AWS is responsible',
  customer: 'You are responsible',
  shared: 'Shared: AWS and you',
  depends: 'It depends on the service or setting',
};

/** The owner as a clause that starts or continues a lead sentence ("AWS is responsible for this"). */
const CLAUSE: Record<Owner, string> = {
  aws: 'AWS is responsible for this',
  customer: 'you are responsible for this',
  shared: 'this is shared between AWS and you',
  depends: 'it depends on the service or setting',
};

/** What the rest of a cell is, once one duty of it has been answered ("is shared between AWS and you"). */
const REST: Record<Owner, string> = {
  aws: "is AWS's responsibility",
  customer: 'is yours',
  shared: 'is shared between AWS and you',
  depends: 'depends on the situation',
};

export const ownerHeadline = (owner: Owner): string => HEADLINE[owner];
export const ownerClause = (owner: Owner): string => CLAUSE[owner];
export const restClause = (owner: Owner): string => REST[owner];

export const upperFirst = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** "Auto minor version upgrade" -> "auto minor version upgrade"; "RDS Custom" and "DDoS" stay. */
export const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s);

/** A clause made a sentence: capital letter, full stop. */
export const sentence = (s: string): string => {
  const t = upperFirst(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** "A", "A and B", "A, B and C". */
export function listJoin(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A search hit offered as a question a person would type ("Who handles encryption at rest on Amazon S3?"). */
export function hitQuestion(hit: { kind: 'cell' | 'concept'; title: string }): string {
  return hit.kind === 'cell' ? `Who handles ${lowerFirst(hit.title).replace(/ \(all AWS services\)$/, ' on AWS')}?` : `What about ${lowerFirst(hit.title)}?`;
}

/** "Yes." / "No." in front of yes/no questions, so the first word answers what was asked. */
export function polarityPrefix(asked: 'aws' | 'customer' | undefined, owner: Owner): string {
  if (!asked || owner === 'depends') return '';
  if (owner === 'shared') return 'Partly. ';
  return asked === owner ? 'Yes. ' : 'No. ';
}

export function bulletSection(title: string, items: string[]): string {
  return items.length ? `${title}\n${items.map((i) => `  - ${i}`).join('\n')}` : '';
}

/**
 * The lead of an answer's template text: what precedes the lists composeText appends, which
 * every surface renders as sections of their own.
 */
export function leadOfText(answer: Pick<Answer, 'text' | 'aws' | 'customer' | 'conditions' | 'rows'>): string {
  const rest = composeText(answer, '');
  return rest && answer.text.endsWith(rest) ? answer.text.slice(0, answer.text.length - rest.length).trim() : answer.text.trim();
}

/** The plain text the CLI prints and the platforms use as their notification fallback. */
export function composeText(answer: Pick<Answer, 'aws' | 'customer' | 'conditions' | 'rows'>, lead: string): string {
  const parts = [lead];
  if (answer.rows.length) {
    parts.push(answer.rows.map((r) => `  - ${r.label}: ${OWNER_LABEL[r.owner]}. ${r.summary}`).join('\n'));
  }
  parts.push(bulletSection('What AWS does:', answer.aws));
  parts.push(bulletSection('What you do:', answer.customer));
  parts.push(
    bulletSection(
      'When it changes:',
      answer.conditions.map(conditionLine),
    ),
  );
  return parts.filter(Boolean).join('\n\n');
}
