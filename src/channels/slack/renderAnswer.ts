import type { types } from '@slack/bolt';
import type { Answer, AnswerRow } from '../../engine/types';
import { OWNER_LABEL, VERDICT_LABEL, conditionLine, leadOfText } from '../../engine/answerText';
import { ACTION, encodeFeedbackValue } from './actionIds';
import { mrkdwnLink, plainText, safeText, splitMrkdwn, truncate, withoutUrls } from './mrkdwn';
import { ESCALATION_TEXT, isEscalatable } from '../../curator/escalations';
import { encodeEscalateValue } from './escalation/escalateValue';
import { SLACK_LIMITS } from './slackLimits';
import { isSlackUserId } from './slackText';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type ActionsBlock = types.ActionsBlock;
type Button = types.Button;

export interface SlackMessage {
  /** Notification and screen-reader fallback; always set. */
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Add a "Share in channel" button (ephemeral answers to the slash command). */
  share?: boolean;
  /** One line per comparison row (the slash command's `compare`). */
  compact?: boolean;
  /** The user who shared this answer into the channel; rendered as a mention by code. */
  sharedBy?: string;
  /** Follow-up buttons (default 3). */
  maxFollowUps?: number;
  /**
   * A context line under the header, e.g. "<@U123> asked me about this message". Built by code:
   * mentions only from validated ids, every other piece already escaped with safeText.
   */
  intro?: string;
  /**
   * Add "Ask the security team" (ESCALATION_CHANNEL set): the question the answer answers, so
   * the curators see what was asked.
   */
  escalate?: { question: string };
}

/** The render option that adds "Ask the security team" when the feature is on. */
export function escalateOption(enabled: boolean | string | undefined, question: string): Pick<RenderOptions, 'escalate'> {
  return enabled ? { escalate: { question } } : {};
}

/** The mark on an answer whose explanation an LLM worded. */
export const AI_PHRASED_MARK = 'Worded by AI';


/**
 * Answer -> Block Kit. Pure: the same answer always gives the same message. Every piece of
 * text is escaped for mrkdwn; the only links are knowledge-base citation URLs; the result
 * never exceeds Slack's limits (long answers are split into sections, then trimmed with a link).
 */
export function renderSlackAnswer(answer: Answer, options: RenderOptions = {}): SlackMessage {
  const head: KnownBlock[] = [header(answer)];
  if (options.sharedBy && isSlackUserId(options.sharedBy)) {
    head.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Shared by <@${options.sharedBy}>` }] });
  }
  if (options.intro) head.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(options.intro, SLACK_LIMITS.sectionText) }] });
  const body: KnownBlock[] = [
    ...sections(leadText(answer)),
    ...sections(rowsText(answer, options.compact === true)),
    ...sections(listText('What AWS does', answer.aws)),
    ...sections(listText('What you do', answer.customer)),
    ...sections(listText('When it changes', answer.conditions.map(conditionLine))),
    ...sections(citationsText(answer)),
  ];
  const tail: KnownBlock[] = [];
  const about = aboutLine(answer);
  if (about) tail.push({ type: 'context', elements: [{ type: 'mrkdwn', text: about }] });
  const followUps = followUpButtons(answer, options.maxFollowUps ?? 3);
  if (followUps) tail.push(followUps);
  const actions = answerActions(answer, options.share === true, options.escalate);
  if (actions) tail.push(actions);

  const room = SLACK_LIMITS.blocksPerMessage - head.length - tail.length;
  const kept = body.length <= room ? body : [...body.slice(0, room - 1), trimmedNotice(answer, body.length - (room - 1))];
  return { text: fallbackText(answer), blocks: [...head, ...kept, ...tail] };
}

function header(answer: Answer): KnownBlock {
  const verdict = answer.verdict && answer.topic && !['unknown', 'out_of_scope'].includes(answer.verdict) ? VERDICT_LABEL[answer.verdict] : undefined;
  const title = verdict && answer.topic ? `${verdict} · ${answer.topic.title}` : answer.headline;
  return { type: 'header', text: { type: 'plain_text', text: plainText(withoutUrls(title), SLACK_LIMITS.headerText), emoji: false } };
}

/**
 * The explanation without the parts rendered as their own sections: the engine's text is the
 * lead followed by composeText's lists, so those are cut off when they match. An LLM phrasing
 * replaces the lead only; the verdict, lists and citations still come from the answer.
 */
export function leadOf(answer: Answer): string {
  if (answer.phrased?.text) return answer.phrased.text;
  return leadOfText(answer);
}

function leadText(answer: Answer): string {
  const lead = safeText(leadOf(answer));
  const title = answer.verdict && answer.topic ? `*${safeText(answer.headline)}*\n` : '';
  return `${title}${lead}`.trim();
}

function rowsText(answer: Answer, compact: boolean): string {
  return answer.rows.map((row) => rowLine(row, compact)).join('\n');
}

function rowLine(row: AnswerRow, compact: boolean): string {
  const refs = row.citationNumbers.length ? ` [${row.citationNumbers.join(', ')}]` : '';
  const summary = compact ? truncate(row.summary, 110) : row.summary;
  return `• *${safeText(row.label)}*: ${OWNER_LABEL[row.owner]}. ${safeText(summary)}${refs}`;
}

function listText(title: string, items: string[]): string {
  if (!items.length) return '';
  return `*${title}*\n${items.map((i) => `• ${safeText(i)}`).join('\n')}`;
}

function citationsText(answer: Answer): string {
  if (!answer.citations.length) return '';
  const lines = answer.citations.map((c) => {
    const where = c.locator ? `, ${safeText(c.locator)}` : '';
    return `[${c.n}] ${mrkdwnLink(c.url, truncate(c.title, 200))}${where}`;
  });
  return `*Sources*\n${lines.join('\n')}`;
}

function sections(text: string): SectionBlock[] {
  if (!text) return [];
  return splitMrkdwn(text, SLACK_LIMITS.sectionText).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk, verbatim: true } }));
}

function aboutLine(answer: Answer): string | undefined {
  const parts: string[] = [];
  if (answer.verified) parts.push(`Verified ${safeText(answer.verified)}`);
  if (answer.cells.length) parts.push(`confidence ${answer.confidence.toFixed(2)}`);
  // Readers should know which words came from a model; the verdict never does.
  if (answer.phrased) parts.push(`${AI_PHRASED_MARK} (${safeText(truncate(answer.phrased.model, 60))}); verdict and sources from the knowledge base`);
  return parts.length ? parts.join(' · ') : undefined;
}

function followUpButtons(answer: Answer, max: number): ActionsBlock | undefined {
  const buttons: Button[] = answer.suggestions.slice(0, Math.min(max, 5)).map((suggestion, i) => ({
    type: 'button',
    action_id: `${ACTION.followUpPrefix}${i}`,
    text: { type: 'plain_text', text: plainText(withoutUrls(suggestion), SLACK_LIMITS.buttonText), emoji: false },
    value: suggestion.slice(0, SLACK_LIMITS.buttonValue),
  }));
  return buttons.length ? { type: 'actions', block_id: 'followups', elements: buttons } : undefined;
}

function answerActions(answer: Answer, share: boolean, escalate?: { question: string }): ActionsBlock | undefined {
  const elements: Button[] = [];
  if (answer.cells.length) {
    const value = encodeFeedbackValue(answer.id, answer.cells);
    elements.push(
      { type: 'button', action_id: ACTION.helpful, text: { type: 'plain_text', text: 'Helpful', emoji: false }, value },
      { type: 'button', action_id: ACTION.notHelpful, text: { type: 'plain_text', text: 'Not helpful', emoji: false }, value },
    );
  }
  if (share) {
    elements.push({ type: 'button', action_id: ACTION.share, style: 'primary', text: { type: 'plain_text', text: 'Share in channel', emoji: false }, value: answer.id });
  }
  if (escalate && isEscalatable(answer, escalate.question)) {
    elements.push({ type: 'button', action_id: ACTION.escalate, text: { type: 'plain_text', text: ESCALATION_TEXT.button, emoji: false }, value: encodeEscalateValue(answer, escalate.question.trim()) });
  }
  return elements.length ? { type: 'actions', block_id: 'answer_actions', elements } : undefined;
}

function trimmedNotice(answer: Answer, dropped: number): SectionBlock {
  const source = answer.citations[0];
  const more = source ? ` The full entry is in ${mrkdwnLink(source.url, truncate(source.title, 200))}.` : ' Ask a narrower question to see the rest.';
  return { type: 'section', text: { type: 'mrkdwn', text: `_This answer was trimmed to fit Slack (${dropped} more ${dropped === 1 ? 'part' : 'parts'}).${more}_`, verbatim: true } };
}

/** The notification text: the verdict line, escaped and cut to a readable length. */
function fallbackText(answer: Answer): string {
  const verdict = answer.verdict && answer.topic ? `${VERDICT_LABEL[answer.verdict]}: ${answer.topic.title}. ` : '';
  return truncate(safeText(`${verdict}${answer.headline}. ${leadOf(answer)}`.replace(/\s+/g, ' ')), SLACK_LIMITS.fallbackText);
}
