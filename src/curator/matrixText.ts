import type { Owner } from '../knowledge/schema';
import type { KnowledgeBase } from '../knowledge/types';
import { buildMatrixModel } from './matrixModel';

const LETTER: Record<Owner, string> = { aws: 'A', customer: 'Y', shared: 'S', depends: 'D' };

/**
 * The matrix for a terminal: one line per service, one letter per area (upper case: the
 * service's own cell; lower case: the general rule for every service; `.`: no entry; `!`: no
 * entry for a core area).
 */
export function matrixText(kb: KnowledgeBase): string {
  const model = buildMatrixModel(kb);
  const width = Math.max(...model.groups.flatMap((g) => g.rows.map((r) => r.service.id.length)));
  const lines = [
    'A = AWS, Y = you, S = shared, D = depends; lower case = general rule; . = no entry; ! = core area missing',
    '',
    ...model.areas.map((a, i) => `${String(i + 1).padStart(2)} ${a.title}${a.core ? ' (core)' : ''}`),
    '',
    `${''.padEnd(width)}  ${model.areas.map((_, i) => String(i + 1).padStart(2)).join(' ')}`,
  ];
  for (const group of model.groups) {
    for (const row of group.rows) {
      const letters = row.positions.map((p) => (p.kind === 'own' ? LETTER[p.cell.owner] : p.kind === 'inherited' ? LETTER[p.cell.owner].toLowerCase() : p.missingCore ? '!' : '.'));
      lines.push(`${row.service.id.padEnd(width)}  ${letters.map((l) => l.padStart(2)).join(' ')}`);
    }
  }
  return lines.join('\n');
}
