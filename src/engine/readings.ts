import type { RouteContext } from './intents/context';
import type { Answer, Reading } from './types';

/** At most this many readings are offered: the answer's own and the likeliest others. */
export const MAX_READINGS = 4;

/**
 * The cells a low-confidence lookup may have meant: its own first, then the other areas the
 * question's words point at where the service has a cell, then the same area on the other
 * services it names, then the service's cells its words match best. These are what a chooser (an LLM, when one is configured) may pick from;
 * whichever is picked, the verdict still comes from that cell of the knowledge base.
 */
export function answerReadings(ctx: RouteContext, answer: Answer): Reading[] {
  const main = answer.cells[0] ? ctx.kb.cells.get(answer.cells[0]) : undefined;
  if (!main) return [];
  const out: Reading[] = [];
  const add = (cellId: string) => {
    const cell = ctx.kb.cells.get(cellId);
    if (!cell || out.some((r) => r.cell === cellId) || out.length >= MAX_READINGS) return;
    const area = ctx.kb.areas.get(cell.area)?.title ?? cell.area;
    const service = cell.service === 'general' ? 'all AWS services' : (ctx.kb.services.get(cell.service)?.name ?? cell.service);
    out.push({ cell: cellId, label: `${area} on ${service}`, summary: cell.summary });
  };
  add(main.id);
  const service = main.service;
  for (const hit of ctx.detection.areas) {
    const cell = ctx.kb.cell(service, hit.area);
    if (cell) add(cell.id);
  }
  for (const other of ctx.services) {
    const cell = ctx.kb.cell(other, main.area);
    if (cell) add(cell.id);
  }
  // Then the service's cells whose text the question's words match best (BM25).
  if (service !== 'general') for (const hit of ctx.search.cellsOf(ctx.clean, service, MAX_READINGS)) add(hit.id);
  return out.length > 1 ? out : [];
}
