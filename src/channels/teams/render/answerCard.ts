import type { Activity } from 'botbuilder';
import type { Answer, AnswerRow, ResolvedCitation } from '../../../engine/types';
import { conditionLine, leadOfText, OWNER_LABEL, VERDICT_LABEL } from '../../../engine/answerText';
import { escapeCardText, escapeMessageText, plainText } from '../text';
import { ESCALATION_TEXT, escalationRequest, isEscalatable } from '../../../curator/escalations';
import { VERB_ASK, VERB_ESCALATE, VERB_FEEDBACK, type AskData, type EscalateData, type FeedbackData } from './actions';
import { adaptiveCard, cardAttachment, textBlock, type AdaptiveCardJson, type CardJson } from './adaptiveCard';
import { aiMessageEntity } from './aiEntities';

/** Follow-up buttons shown under an answer; more would crowd the card on mobile. */
const MAX_FOLLOW_UPS = 3;
/** The most actions a card shows (the Adaptive Card host config's maxActions, 5 by default). */
const MAX_ACTIONS = 5;
const FALLBACK_MAX = 1000;

/** Container styles Teams supports, chosen so AWS / you / shared read differently at a glance. */
const VERDICT_STYLE: Record<string, string> = {
  aws: 'accent',
  customer: 'warning',
  shared: 'good',
  depends: 'emphasis',
};

export interface TeamsAnswerMessage extends Partial<Activity> {
  type: 'message';
  attachments: Array<{ contentType: string; content: AdaptiveCardJson }>;
}

/**
 * The Teams message for an answer: one Adaptive Card with the verdict, what each side does,
 * conditions, numbered sources (Action.OpenUrl from the knowledge base only), follow-ups and
 * feedback buttons. When an LLM phrased the explanation it goes in the message text with `[n]`
 * markers, marked AI-generated, with citation entities Teams renders as pills. Pure function.
 */
export interface TeamsRenderOptions {
  /**
   * Add "Ask the security team" (TEAMS_ESCALATION_CHANNEL set): the question the answer
   * answers, so the curators see what was asked.
   */
  escalate?: { question: string };
}

export function renderTeamsAnswer(answer: Answer, options: TeamsRenderOptions = {}): TeamsAnswerMessage {
  const card = renderAnswerCard(answer, options);
  const message: TeamsAnswerMessage = {
    type: 'message',
    summary: plainText(answer.topic ? `${answer.headline}: ${answer.topic.title}` : answer.headline, 200),
    attachments: [cardAttachment(card)],
  };
  if (answer.phrased) {
    const text = phrasedMessageText(answer.phrased.text, answer.citations);
    message.text = text;
    message.textFormat = 'markdown';
    message.entities = [aiMessageEntity(text, answer.citations)];
  }
  return message;
}

export function renderAnswerCard(answer: Answer, options: TeamsRenderOptions = {}): AdaptiveCardJson {
  const body: CardJson[] = [header(answer)];
  // With an LLM phrasing, the explanation is the message text above the card; do not repeat it.
  if (!answer.phrased) body.push(textBlock(escapeCardText(leadOf(answer)), { spacing: 'Medium' }));
  else body.push(textBlock('The explanation above is AI-generated from the sources below; the verdict comes from the curated knowledge base.', { isSubtle: true, size: 'Small' }));
  if (answer.rows.length) body.push(rowsSection(answer.rows));
  if (answer.aws.length) body.push(listSection('What AWS does', answer.aws));
  if (answer.customer.length) body.push(listSection('What you do', answer.customer));
  if (answer.conditions.length) {
    body.push(
      listSection(
        'When it changes',
        answer.conditions.map(conditionLine),
      ),
    );
  }
  if (answer.citations.length) body.push(sourcesSection(answer.citations));
  body.push(footer(answer));
  return adaptiveCard(body, actionsOf(answer, options), plainText(answer.text, FALLBACK_MAX));
}

/**
 * The template text before its lists (rows, what each side does, conditions), which have
 * sections of their own: every paragraph of it, so a clarifying question keeps the answer after it.
 */
function leadOf(answer: Answer): string {
  return leadOfText(answer) || answer.headline;
}

function header(answer: Answer): CardJson {
  const items: CardJson[] = [textBlock(escapeCardText(answer.headline), { size: 'Large', weight: 'Bolder' })];
  if (answer.topic && answer.topic.title !== answer.headline) items.push(textBlock(escapeCardText(answer.topic.title), { isSubtle: true, spacing: 'None' }));
  const verdict = answer.verdict ? VERDICT_LABEL[answer.verdict] : undefined;
  if (verdict && answer.intent !== 'out_of_scope') items.push(textBlock(`Responsible: **${escapeCardText(verdict)}**`, { spacing: 'Small' }));
  return { type: 'Container', style: (answer.verdict && VERDICT_STYLE[answer.verdict]) || 'default', bleed: true, items };
}

function markers(numbers: number[]): string {
  return numbers.map((n) => `[${n}]`).join('');
}

function rowsSection(rows: AnswerRow[]): CardJson {
  return {
    type: 'Container',
    spacing: 'Medium',
    items: rows.map((row) => ({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: 'auto', items: [textBlock(`**${escapeCardText(OWNER_LABEL[row.owner])}**`)] },
        {
          type: 'Column',
          width: 'stretch',
          items: [textBlock(`**${escapeCardText(row.label)}**: ${escapeCardText(row.summary)} ${escapeCardText(markers(row.citationNumbers))}`)],
        },
      ],
    })),
  };
}

function listSection(title: string, items: string[]): CardJson {
  return {
    type: 'Container',
    spacing: 'Medium',
    items: [textBlock(title, { weight: 'Bolder' }), textBlock(items.map((i) => `- ${escapeCardText(i)}`).join('\n'), { spacing: 'Small' })],
  };
}

/** Numbered sources; each row opens its knowledge-base URL (the only links a card carries). */
export function sourcesSection(citations: ResolvedCitation[]): CardJson {
  return {
    type: 'Container',
    spacing: 'Medium',
    separator: true,
    items: [
      textBlock('Sources', { weight: 'Bolder', size: 'Small' }),
      ...citations.map((c) => ({
        type: 'Container',
        spacing: 'None',
        selectAction: { type: 'Action.OpenUrl', url: c.url, title: plainText(c.title, 100) },
        items: [
          textBlock(`${escapeCardText(`[${c.n}]`)} ${escapeCardText(c.title)}${c.locator ? `, ${escapeCardText(c.locator)}` : ''}`, { size: 'Small', color: 'Accent' }),
          ...(c.quote ? [textBlock(`"${escapeCardText(c.quote)}"`, { size: 'Small', isSubtle: true, spacing: 'None' })] : []),
        ],
      })),
    ],
  };
}

function footer(answer: Answer): CardJson {
  const parts = [`Answer ${answer.id.slice(0, 8)}`];
  if (answer.verified) parts.push(`verified ${answer.verified}`);
  if (answer.cells.length) parts.push(`confidence ${answer.confidence.toFixed(2)}`);
  return textBlock(escapeCardText(parts.join(' · ')), { size: 'Small', isSubtle: true, spacing: 'Medium' });
}

function actionsOf(answer: Answer, options: TeamsRenderOptions): CardJson[] {
  const escalate = options.escalate && isEscalatable(answer, options.escalate.question) ? options.escalate : undefined;
  // Hosts show at most MAX_ACTIONS buttons: follow-ups give way to feedback and the escalation.
  const room = MAX_ACTIONS - (answer.cells.length ? 2 : 0) - (escalate ? 1 : 0);
  const actions: CardJson[] = answer.suggestions.slice(0, Math.min(MAX_FOLLOW_UPS, room)).map((question) => {
    const data: AskData = { question: question.slice(0, 500) };
    return { type: 'Action.Execute', verb: VERB_ASK, title: plainText(question, 60), data };
  });
  if (answer.cells.length) {
    for (const helpful of [true, false]) {
      const data: FeedbackData = { answerId: answer.id, helpful, cells: answer.cells.slice(0, 20) };
      actions.push({ type: 'Action.Execute', verb: VERB_FEEDBACK, title: helpful ? 'Helpful' : 'Not helpful', data });
    }
  }
  if (escalate) {
    const data: EscalateData = escalationRequest(answer, escalate.question);
    actions.push({ type: 'Action.Execute', verb: VERB_ESCALATE, title: ESCALATION_TEXT.button, data });
  }
  return actions;
}

/**
 * The LLM's explanation as message text: escaped like any other untrusted text, then only the
 * `[n]` markers of citations that exist are restored, so Teams can attach its citation pills.
 */
export function phrasedMessageText(text: string, citations: ResolvedCitation[]): string {
  const known = new Set(citations.map((c) => c.n));
  return escapeMessageText(text).replace(/\\\[(\d{1,3})\\\]/g, (whole, n: string) => (known.has(Number(n)) ? `[${n}]` : ''));
}
