import type { types } from '@slack/bolt';
import { CURATOR_ANSWER_MAX, ESCALATION_TEXT, verdictLabel } from '../../../curator/escalations';
import type { Escalation } from '../../../store/types';
import { ACTION, ESCALATION_MODAL } from '../actionIds';
import { plainText, safeText, truncate } from '../mrkdwn';
import type { SlackMessage } from '../renderAnswer';
import { SLACK_LIMITS } from '../slackLimits';
import { isSlackUserId } from '../slackText';

type KnownBlock = types.KnownBlock;

/** The longest curator answer the modal takes (it is posted as one section). */
export { CURATOR_ANSWER_MAX, verdictLabel };
export const MODAL_BLOCK = 'curator_answer';
export const MODAL_INPUT = 'answer';

export const SENT_NOTE = 'Sent to the security team. A curator will answer in this thread; you will be mentioned. (Only you can see this.)';
export const ALREADY_SENT_NOTE = 'You already sent this answer to the security team; a curator will answer in its thread. (Only you can see this.)';

export type CuratorView = Pick<Escalation, 'id' | 'asker' | 'channel' | 'question' | 'verdict' | 'summary' | 'cell' | 'state' | 'curator' | 'curatorAnswer'>;

const mention = (user: string | undefined) => (user && isSlackUserId(user) ? `<@${user}>` : 'someone');
const where = (channel: string) => (/^[CG][A-Z0-9]{2,20}$/.test(channel) ? `in <#${channel}>` : 'in a direct message with me');
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true } });
const quoted = (text: string) => safeText(text).split('\n').map((l) => `>${l}`).join('\n');

/**
 * The escalation as the curators see it. Every piece of user or answer text is escaped: only
 * the asker's and the curator's mentions and the channel link are built here, from checked ids.
 */
export function renderCuratorMessage(e: CuratorView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(ESCALATION_TEXT.title, SLACK_LIMITS.headerText), emoji: false } },
    section(`${mention(e.asker)} asked ${where(e.channel)}:\n${quoted(truncate(e.question, 1500))}`),
    section(`*The bot answered:* ${safeText(verdictLabel(e.verdict))}${e.summary ? ` · ${safeText(truncate(e.summary, 300))}` : ''}`),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Escalation #${e.id}${e.cell ? ` · cell \`${safeText(e.cell)}\`` : ' · no knowledge-base cell'}` }] },
  ];
  if (e.state === 'open') {
    blocks.push({
      type: 'actions',
      block_id: 'escalation_actions',
      elements: [
        { type: 'button', action_id: ACTION.escalationReply, style: 'primary', text: { type: 'plain_text', text: 'Reply', emoji: false }, value: String(e.id) },
        { type: 'button', action_id: ACTION.escalationClose, text: { type: 'plain_text', text: 'Close', emoji: false }, value: String(e.id) },
      ],
    });
  } else if (e.state === 'answered') {
    blocks.push(section(`*Answered by ${mention(e.curator)}:*\n${quoted(truncate(e.curatorAnswer ?? '', CURATOR_ANSWER_MAX))}`));
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Kept as a proposed knowledge change: `/whosecures gaps` lists it under "Answered by curators".' }] });
  } else {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Closed.' }] });
  }
  return { text: truncate(`Question for the security team: ${safeText(e.question)}`, SLACK_LIMITS.fallbackText), blocks };
}

/** The curator's answer as posted in the asker's thread. */
export function renderCuratorReply(asker: string, curator: string, answer: string): SlackMessage {
  const text = `${mention(asker)}, the security team (${mention(curator)}) answered:\n${quoted(truncate(answer, CURATOR_ANSWER_MAX))}`;
  return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: [section(text)] };
}

/** The modal a curator's "Reply" opens; the escalation id rides in private_metadata. */
export function renderAnswerModal(e: Pick<Escalation, 'id' | 'question'>): types.ModalView {
  return {
    type: 'modal',
    callback_id: ESCALATION_MODAL,
    private_metadata: String(e.id),
    title: { type: 'plain_text', text: 'Answer the question', emoji: false },
    submit: { type: 'plain_text', text: 'Send', emoji: false },
    close: { type: 'plain_text', text: 'Cancel', emoji: false },
    blocks: [
      section(`*Question:*\n${quoted(truncate(e.question, 1500))}`),
      {
        type: 'input',
        block_id: MODAL_BLOCK,
        label: { type: 'plain_text', text: 'Your answer (posted in the asker\u2019s thread)', emoji: false },
        element: { type: 'plain_text_input', action_id: MODAL_INPUT, multiline: true, min_length: 1, max_length: CURATOR_ANSWER_MAX },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ESCALATION_TEXT.keptAsProposal }] },
    ],
  };
}
