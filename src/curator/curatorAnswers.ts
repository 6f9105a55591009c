import type { Store } from '../store/types';
import { displayQuestion } from './gaps';
// gaps.ts imports this file too: only functions cross, so the cycle is harmless at load time.

/** An escalation a curator answered: shown under "Answered by curators" for review into knowledge/. */
export interface CuratorAnswer {
  id: number;
  question: string;
  cell?: string;
  answeredAt: Date;
  proposal: string;
}

/** Answered escalations since a date, newest first (closed ones were reviewed, or dismissed). */
export async function answeredByCurators(store: Pick<Store, 'listEscalations'>, since: Date, workspace?: string): Promise<CuratorAnswer[]> {
  const rows = await store.listEscalations(since, 'answered');
  // An escalation keeps its platform and workspace id apart: `slack` and `T…` make `slack:T…`.
  return rows.filter((e) => workspace === undefined || `${e.platform}:${e.workspace}` === workspace).map((e) => ({
    id: e.id,
    question: displayQuestion(e.question),
    ...(e.cell ? { cell: e.cell } : {}),
    answeredAt: e.answeredAt ?? e.updatedAt,
    proposal: e.proposal ?? '',
  }));
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}\u2026` : text);

/** Plain text for a chat reply or the terminal; the channel escapes it for its own markup. */
export function formatCuratorAnswersText(answers: CuratorAnswer[], limit = 5): string {
  if (!answers.length) return '';
  const lines = [`Answered by curators (${answers.length}, to review into knowledge/):`];
  for (const a of answers.slice(0, limit)) {
    lines.push(`#${a.id} "${clip(a.question, 100)}"${a.cell ? ` (cell ${a.cell})` : ''}, ${a.answeredAt.toISOString().slice(0, 10)}`);
    lines.push(...a.proposal.trimEnd().split('\n').map((l) => `    ${clip(l, 300)}`));
  }
  if (answers.length > limit) lines.push(`… and ${answers.length - limit} more: npx whosecures kb gaps`);
  return lines.join('\n');
}
