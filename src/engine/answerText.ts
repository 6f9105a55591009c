import type { Owner } from '../knowledge/types';
import type { Answer, AnswerCondition, Verdict } from './types';

/** Deterministic wording for every answer: the embedded default, and the fallback for the LLM. */

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

export function ownerHeadline(owner: Owner): string {
  switch (owner) {
    case 'aws':
      return 'AWS is responsible';
    case 'customer':
      return 'You are responsible';
    case 'shared':
      return 'Shared: AWS and you';
    case 'depends':
      return 'It depends on the service or setting';
  }
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
