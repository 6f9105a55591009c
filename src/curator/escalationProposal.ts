import { dump } from 'js-yaml';
import type { Escalation } from '../store/types';
import { displayQuestion } from './gaps';

export interface ProposalInput {
  escalation: Pick<Escalation, 'id' | 'question' | 'verdict' | 'summary' | 'cell' | 'platform'>;
  curator: string;
  answer: string;
  at: Date;
}

/**
 * A curator's answer to an escalation as a proposed knowledge change: a YAML snippet that names
 * the cell the bot answered from (or none: a question the knowledge base does not cover), what
 * the bot said and what the curator said. Someone reviews it into `knowledge/services/*.yaml`
 * (owner, duties, citations, verified date): a chat answer alone is never the knowledge base.
 */
export function escalationProposal(input: ProposalInput): string {
  const e = input.escalation;
  const doc = {
    proposed_change: {
      escalation: e.id,
      status: 'to review',
      cell: e.cell ?? null,
      question: displayQuestion(e.question),
      bot_answer: { verdict: e.verdict ?? null, summary: e.summary ? displayQuestion(e.summary) : null },
      curator_answer: input.answer.trim(),
      answered_by: `${e.platform}:${input.curator}`,
      answered_on: input.at.toISOString().slice(0, 10),
      todo: e.cell
        ? 'Check the curator answer against the cell and its AWS sources; update summary, duties or conditions, citations and verified.'
        : 'No cell answered this: add one (or an alias) in knowledge/services/<service>.yaml with its AWS sources, or record it in knowledge/scope.yaml.',
    },
  };
  // lineWidth -1: the curator's answer stays as written, never folded mid-sentence.
  return dump(doc, { lineWidth: -1, noRefs: true, quotingType: '"' });
}
