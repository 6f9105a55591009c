import type { Activity } from 'botbuilder';
import { CURATOR_ANSWER_MAX, ESCALATION_TEXT, verdictLabel } from '../../../curator/escalations';
import { formatGapsText, type GapReport } from '../../../curator';
import type { Escalation } from '../../../store/types';
import { escapeCardText, escapeMessageText, plainText } from '../text';
import { VERB_ESCALATION_CLOSE } from './actions';
import { adaptiveCard, cardAttachment, textBlock, type AdaptiveCardJson, type CardJson } from './adaptiveCard';

/** The id of the dialog's text box: its value comes back under this key in task/submit. */
export const ANSWER_INPUT = 'answer';
/** The digest shows the top ten gaps, like Slack's; the CLI lists the rest. */
export const DIGEST_GAPS_SHOWN = 10;

export const SENT_NOTE = 'Sent to the security team. A curator will answer in this conversation.';
export const ALREADY_SENT_NOTE = 'You already sent this answer to the security team; a curator will answer in this conversation.';
export const ALREADY_ANSWERED_NOTE = 'This question has been answered already; the card in the channel shows the answer.';
export const CLOSED_NOTE = 'This escalation is closed.';
export const NOT_HERE_NOTE = 'Escalations are answered in the curators\u2019 channel only.';
export const NOT_A_CURATOR_NOTE = 'Only the knowledge-base curators can answer or close escalations (TEAMS_CURATORS). If you should be one, ask whoever runs whosecures to add you.';
export const UNKNOWN_NOTE = ESCALATION_TEXT.unknown;
/** A button whose data does not parse (an old card, a changed format). */
export const STALE_BUTTON_NOTE = 'This button is no longer valid.';
export const ANSWER_SAVED_NOTE = 'Thanks: your answer goes to the asker, and it is kept as a proposed knowledge change for review.';

export type CuratorCardView = Pick<Escalation, 'id' | 'asker' | 'askerName' | 'channel' | 'question' | 'verdict' | 'summary' | 'cell' | 'state' | 'curatorAnswer'>;

interface Mention {
  text: string;
  entity: CardJson;
}

/** A mention of a Teams user built from their id and name: the name is escaped, so it cannot carry markup. */
function mentionOf(id: string | undefined, name: string | undefined): Mention | undefined {
  if (!id || !/^(29|8):[A-Za-z0-9._:-]{1,200}$/.test(id)) return undefined;
  const shown = escapeMessageText(plainText(name || 'Someone', 100));
  const text = `<at>${shown}</at>`;
  return { text, entity: { type: 'mention', text, mentioned: { id, name: shown } } };
}

/** Where the asker was, in words: a channel conversation id starts with 19: and ends in @thread.… */
function whereAsked(conversationId: string): string {
  if (conversationId.startsWith('a:') || conversationId.startsWith('8:')) return 'in a personal chat with me';
  if (/@thread\.(tacv2|skype)(;|$)/.test(conversationId)) return 'in a channel';
  return 'in a chat';
}

const quoted = (text: string, max: number) => textBlock(escapeCardText(plainText(text, max)), { isSubtle: false, spacing: 'Small', fontType: 'Default' });

/**
 * The escalation as the curators see it. Every piece of user or answer text is escaped; only
 * the asker's mention is built here, from the stored id. Open: **Answer** (a dialog) and
 * **Close**; answered: the curator's answer; closed: a line saying so.
 */
export function renderCuratorCard(e: CuratorCardView, answeredBy?: string): Partial<Activity> {
  const asker = mentionOf(e.asker, e.askerName);
  const body: CardJson[] = [
    textBlock(ESCALATION_TEXT.title, { size: 'Large', weight: 'Bolder' }),
    textBlock(`${asker?.text ?? 'Someone'} asked ${whereAsked(e.channel)}:`, { spacing: 'Medium' }),
    { type: 'Container', style: 'emphasis', items: [quoted(e.question, 1500)] },
    textBlock(`**The bot answered:** ${escapeCardText(verdictLabel(e.verdict))}${e.summary ? ` \u00b7 ${escapeCardText(plainText(e.summary, 300))}` : ''}`),
    textBlock(escapeCardText(`Escalation #${e.id}${e.cell ? ` \u00b7 cell ${e.cell}` : ' \u00b7 no knowledge-base cell'}`), { size: 'Small', isSubtle: true }),
  ];
  const actions: CardJson[] = [];
  if (e.state === 'open') {
    // Action.Submit with msteams task/fetch opens the dialog (handleTeamsTaskModuleFetch).
    actions.push({ type: 'Action.Submit', title: 'Answer', style: 'positive', data: { msteams: { type: 'task/fetch' }, escalation: e.id } });
    actions.push({ type: 'Action.Execute', title: 'Close', verb: VERB_ESCALATION_CLOSE, data: { escalation: e.id } });
  } else if (e.state === 'answered') {
    body.push(textBlock(`**Answered by ${escapeCardText(plainText(answeredBy || 'a curator', 100))}:**`, { spacing: 'Medium' }));
    body.push({ type: 'Container', style: 'good', items: [quoted(e.curatorAnswer ?? '', CURATOR_ANSWER_MAX)] });
    body.push(textBlock('Kept as a proposed knowledge change: kb gaps lists it under "Answered by curators".', { size: 'Small', isSubtle: true }));
  } else {
    body.push(textBlock('Closed.', { size: 'Small', isSubtle: true }));
  }
  // Fallback and preview text stay free of the user's words: no client can turn them into a link or a mention.
  const preview = `${ESCALATION_TEXT.title} (escalation #${e.id})`;
  const card: AdaptiveCardJson = adaptiveCard(body, actions, preview);
  if (asker) card.msteams = { width: 'Full', entities: [asker.entity] };
  return { type: 'message', summary: preview, attachments: [cardAttachment(card)] };
}

/** The dialog a curator's **Answer** opens: the question and a text box; Send comes back as task/submit. */
export function renderAnswerDialogCard(e: Pick<Escalation, 'id' | 'question'>, problem?: string): AdaptiveCardJson {
  const body: CardJson[] = [
    textBlock('Question', { weight: 'Bolder' }),
    quoted(e.question, 1500),
    ...(problem ? [textBlock(escapeCardText(problem), { color: 'Attention', weight: 'Bolder' })] : []),
    {
      type: 'Input.Text',
      id: ANSWER_INPUT,
      label: 'Your answer (sent to the asker\u2019s conversation)',
      isMultiline: true,
      isRequired: true,
      errorMessage: 'Write an answer first.',
      maxLength: CURATOR_ANSWER_MAX,
    },
    textBlock(ESCALATION_TEXT.keptAsProposal, { size: 'Small', isSubtle: true }),
  ];
  return adaptiveCard(body, [{ type: 'Action.Submit', title: 'Send', style: 'positive', data: { escalation: e.id } }], 'Answer the question');
}

/** The curator's answer as it reaches the asker: a mention of them in the text, the answer on a card. */
export function renderCuratorReply(asker: { id: string; name?: string }, curatorName: string, answer: string): Partial<Activity> {
  const mention = mentionOf(asker.id, asker.name);
  const curator = escapeMessageText(plainText(curatorName || 'a curator', 100));
  const card = adaptiveCard(
    [textBlock(`The security team (${escapeCardText(plainText(curatorName || 'a curator', 100))}) answered:`, { weight: 'Bolder' }), quoted(answer, CURATOR_ANSWER_MAX)],
    [],
    'The security team answered your question.',
  );
  return {
    type: 'message',
    text: `${mention?.text ?? 'You asked the security team'}, the security team (${curator}) answered your question:`,
    ...(mention ? { entities: [{ type: 'mention', text: mention.text, mentioned: (mention.entity as { mentioned: object }).mentioned }] } : {}),
    attachments: [cardAttachment(card)],
  };
}

/** The weekly gaps digest as one card: the same text as Slack's, escaped, one block per gap. */
export function renderTeamsDigest(report: GapReport, week: string): Partial<Activity> {
  const text = formatGapsText(report, DIGEST_GAPS_SHOWN);
  const paragraphs = text.split(/\n(?=\d+\. |\n|Answered by curators)/).map((p) => p.trim()).filter(Boolean);
  const body: CardJson[] = [
    textBlock(escapeCardText(`Weekly gaps digest (${week})`), { size: 'Large', weight: 'Bolder' }),
    ...paragraphs.slice(0, 40).map((p) => textBlock(escapeCardText(plainLines(p, 3000)), { spacing: 'Small' })),
    textBlock(escapeCardText("Examples are users' own words. The full list: npx whosecures kb gaps --since 7d"), { size: 'Small', isSubtle: true, spacing: 'Medium' }),
  ];
  const card = adaptiveCard(body, [], `Weekly gaps digest (${week})`);
  return { type: 'message', summary: plainText(`Weekly gaps digest (${week})`, 200), attachments: [cardAttachment(card)] };
}

/** Keeps line breaks (a TextBlock shows them) but bounds the length. */
function plainLines(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}
