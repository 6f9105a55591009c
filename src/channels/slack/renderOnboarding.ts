import type { types } from '@slack/bolt';
import type { ResolvedCitation } from '../../engine/types';
import type { ActionView, DoneView, GradeView, LessonView, QuizView } from '../../onboarding/views';
import type { ProgressSummary } from '../../onboarding/service';
import { lessonHeading, progressText } from '../../onboarding/text';
import { mrkdwnLink, plainText, safeText, truncate } from './mrkdwn';
import { renderSlackAnswer, type SlackMessage } from './renderAnswer';
import { SLACK_LIMITS } from './slackLimits';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/**
 * Onboarding views -> Block Kit. Lesson text comes from the course file and is escaped like
 * any knowledge-base text; the only links are citation URLs from the knowledge base.
 */

function button(action: ActionView, actionId = action.actionId, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: truncate(actionId, SLACK_LIMITS.actionId),
    text: { type: 'plain_text', text: plainText(action.label, SLACK_LIMITS.buttonText), emoji: false },
    value: action.value,
    ...(style ? { style } : {}),
  };
}

function citationLine(c: ResolvedCitation): string {
  const where = c.locator ? `, ${safeText(c.locator)}` : '';
  const quote = c.quote ? `: _"${safeText(c.quote)}"_` : '';
  return `[${c.n}] ${mrkdwnLink(c.url, c.title)}${where}${quote}`;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

export function renderSlackLesson(view: LessonView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(lessonHeading(view), SLACK_LIMITS.headerText), emoji: false } },
    ...view.paragraphs.map((p) => section(safeText(p))),
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(view.citations.map(citationLine).join('\n'), SLACK_LIMITS.sectionText) }] },
    {
      type: 'actions',
      block_id: `onboarding_lesson_${view.lessonNumber}`,
      elements: [button(view.quizAction, view.quizAction.actionId, 'primary'), ...(view.nextAction ? [button(view.nextAction)] : []), button(view.stopAction)],
    },
  ];
  return { text: plainText(`${view.courseTitle}: lesson ${view.lessonNumber} of ${view.totalLessons}, ${view.title}`, SLACK_LIMITS.fallbackText), blocks };
}

export function renderSlackQuiz(view: QuizView): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: plainText(view.title, SLACK_LIMITS.headerText), emoji: false } }];
  view.questions.forEach((q, i) => {
    blocks.push(section(`*${i + 1}.* ${safeText(q.prompt)}`));
    // Action ids must be unique within a message: one per question and choice.
    blocks.push({ type: 'actions', block_id: `onboarding_quiz_${i + 1}`, elements: q.choices.map((c) => button(c, `${c.actionId}:${q.questionId}:${c.choice}`)) });
  });
  if (view.nextAction) blocks.push({ type: 'actions', block_id: 'onboarding_quiz_next', elements: [button(view.nextAction)] });
  return { text: plainText(view.title, SLACK_LIMITS.fallbackText), blocks };
}

/** The verdict, a one-line why and the citation; wrong answers add the cell's full answer. */
export function renderSlackGrade(view: GradeView): SlackMessage {
  const note = view.counted ? '' : ' _(already answered: your score is unchanged)_';
  const blocks: KnownBlock[] = [
    section(`*${safeText(view.headline)}*${note}\n${safeText(view.why)}`),
    { type: 'context', elements: [{ type: 'mrkdwn', text: citationLine(view.citation) }] },
  ];
  if (view.fullAnswer) {
    const full = renderSlackAnswer(view.fullAnswer, { maxFollowUps: 0 });
    // The full answer's feedback buttons belong to the bot's answers, not to the quiz.
    const kept = full.blocks.filter((b) => b.type !== 'actions');
    blocks.push({ type: 'divider' }, ...kept.slice(0, SLACK_LIMITS.blocksPerMessage - blocks.length - 1));
  }
  return { text: plainText(view.headline, SLACK_LIMITS.fallbackText), blocks };
}

export function renderSlackDone(view: DoneView): SlackMessage {
  return { text: plainText(view.title, SLACK_LIMITS.fallbackText), blocks: [section(`*${safeText(view.title)}*\n${safeText(view.text)}`)] };
}

export function renderSlackProgress(p: ProgressSummary | undefined): SlackMessage {
  if (!p) return { text: 'You have not started the course yet. Type `/whosecures onboard` to start.', blocks: [section('You have not started the onboarding course yet. Type `/whosecures onboard` to start.')] };
  const text = progressText(p);
  return { text, blocks: [section(safeText(text))] };
}

export function renderSlackNotice(text: string): SlackMessage {
  return { text, blocks: [section(safeText(text))] };
}
