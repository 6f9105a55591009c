import type { RouteContext } from './intents/context';
import { lowerFirst } from './answerText';
import type { Answer } from './types';

/**
 * Below this calibrated confidence a lookup answer also asks one short clarifying question with
 * the two or three likeliest other readings, offered as buttons (Slack) or card actions (Teams).
 * The best reading's verdict still stands, so nothing is lost by not answering the question.
 */
// On the scale the novelty shift gives (calibrated on answers to unseen questions), answers
// below 0.6 were wrong three times in four at heldout9's first score; above it, right 76-100%.
export const CLARIFY_BELOW = 0.6;

export function addClarification(ctx: RouteContext, answer: Answer): void {
  const service = ctx.services[0] ? ctx.kb.services.get(ctx.services[0]) : undefined;
  const main = answer.cells[0] ? ctx.kb.cells.get(answer.cells[0]) : undefined;
  if (!service || !main) return;
  const area = (id: string) => lowerFirst(ctx.kb.areas.get(id)?.title ?? id);
  // Each other reading is offered as the question a person would type (docs/answer-style.md).
  const choices: string[] = [];
  // Other areas the question's words point at, where this service has a cell.
  for (const hit of ctx.detection.areas) {
    if (hit.area === main.area || !ctx.kb.cell(service.id, hit.area)) continue;
    choices.push(`Who handles ${area(hit.area)} on ${service.name}?`);
  }
  // The situations that change the owner of the chosen cell.
  // A label with brackets of its own is not put in brackets again.
  const situation = (when: string) => (when.includes('(') ? `, for ${lowerFirst(when)}` : ` (${lowerFirst(when)})`);
  for (const condition of main.conditions) choices.push(`Who handles ${area(main.area)} on ${service.name}${situation(condition.when)}?`);
  const offered = [...new Set(choices)].slice(0, 3);
  if (offered.length === 0) return;
  // The readings are the follow-up questions below the answer; the text says so once.
  answer.text = `I may have read this wrongly: the questions offered below ask about the other readings. Here is my best reading.\n\n${answer.text}`;
  answer.suggestions = [...offered, ...answer.suggestions].slice(0, 3);
}
