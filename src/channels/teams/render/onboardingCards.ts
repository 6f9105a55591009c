import type { ActionView, DoneView, GradeView, LessonView, QuizView } from '../../../onboarding/views';
import type { ProgressSummary } from '../../../onboarding/service';
import { lessonHeading, progressText } from '../../../onboarding/text';
import { escapeCardText, plainText } from '../text';
import { VERB_ONBOARDING, type OnboardingData } from './actions';
import { adaptiveCard, cardAttachment, textBlock, type AdaptiveCardJson, type CardJson } from './adaptiveCard';
import { renderAnswerCard, sourcesSection } from './answerCard';

/**
 * Onboarding views -> Adaptive Cards. Lesson and quiz text comes from the course file and the
 * knowledge base and is escaped like any other text; the only links are citation URLs from the
 * knowledge base. Buttons are Action.Execute carrying the view's action id and value.
 */

export interface TeamsCardMessage {
  type: 'message';
  summary: string;
  attachments: Array<{ contentType: string; content: AdaptiveCardJson }>;
}

const SUMMARY_MAX = 200;
const FALLBACK_MAX = 1000;

function message(card: AdaptiveCardJson, summary: string): TeamsCardMessage {
  return { type: 'message', summary: plainText(summary, SUMMARY_MAX), attachments: [cardAttachment(card)] };
}

export function onboardingAction(view: ActionView, style?: 'positive' | 'destructive'): CardJson {
  const data: OnboardingData = { onboarding: view.actionId as OnboardingData['onboarding'], value: view.value };
  return { type: 'Action.Execute', verb: VERB_ONBOARDING, title: plainText(view.label, 40), data, ...(style ? { style } : {}) };
}

export interface LessonCardOptions {
  /** The install welcome: a greeting and the course intro above lesson 1. */
  welcome?: { intro: string };
}

export function renderTeamsLesson(view: LessonView, options: LessonCardOptions = {}): TeamsCardMessage {
  const body: CardJson[] = [];
  if (options.welcome) {
    body.push(
      textBlock('Welcome! Who secures it: AWS or you?', { size: 'Large', weight: 'Bolder' }),
      textBlock('Ask me about the AWS shared responsibility model at any time, for example "who patches the OS on RDS?". To get you started, here is a short course:'),
      textBlock(escapeCardText(options.welcome.intro), { isSubtle: true }),
    );
  }
  body.push(
    textBlock(escapeCardText(`${view.courseTitle}: lesson ${view.lessonNumber} of ${view.totalLessons}`), { isSubtle: true, size: 'Small', spacing: options.welcome ? 'Large' : 'Default', separator: Boolean(options.welcome) }),
    textBlock(escapeCardText(view.title), { size: 'Large', weight: 'Bolder', spacing: 'None' }),
    ...view.paragraphs.map((p) => textBlock(escapeCardText(p))),
  );
  if (view.citations.length) body.push(sourcesSection(view.citations));
  body.push(textBlock('Type **progress** to see your score, **stop** to end the course.', { isSubtle: true, size: 'Small' }));
  const actions = [onboardingAction(view.quizAction, 'positive'), ...(view.nextAction ? [onboardingAction(view.nextAction)] : []), onboardingAction(view.stopAction)];
  const summary = lessonHeading(view);
  return message(adaptiveCard(body, actions, plainText(`${summary}. ${view.paragraphs.join(' ')}`, FALLBACK_MAX)), summary);
}

export function renderTeamsQuiz(view: QuizView): TeamsCardMessage {
  const body: CardJson[] = [textBlock(escapeCardText(view.title), { size: 'Large', weight: 'Bolder' })];
  view.questions.forEach((q, i) => {
    body.push(textBlock(`**${i + 1}.** ${escapeCardText(q.prompt)}`, { spacing: 'Medium' }));
    body.push({ type: 'ActionSet', actions: q.choices.map((c) => onboardingAction(c)) });
  });
  const actions = view.nextAction ? [onboardingAction(view.nextAction)] : [];
  return message(adaptiveCard(body, actions, plainText(`${view.title}: ${view.questions.map((q) => q.prompt).join(' ')}`, FALLBACK_MAX)), view.title);
}

/** The verdict, a one-line why and the citation; a wrong answer adds the cell's full answer. */
export function renderTeamsGrade(view: GradeView): TeamsCardMessage {
  const body: CardJson[] = [
    textBlock(escapeCardText(view.headline), { size: 'Medium', weight: 'Bolder', color: view.correct ? 'Good' : 'Attention' }),
    ...(view.counted ? [] : [textBlock('Already answered: your score is unchanged.', { isSubtle: true, size: 'Small', spacing: 'None' })]),
    textBlock(escapeCardText(view.why)),
    sourcesSection([view.citation]),
  ];
  if (view.fullAnswer) {
    // The full answer as the bot gives it, without its buttons: those belong to answers, not to the quiz.
    body.push({ type: 'Container', separator: true, spacing: 'Large', items: [textBlock('The full answer', { weight: 'Bolder' }), ...renderAnswerCard(view.fullAnswer).body] });
  }
  return message(adaptiveCard(body, [], plainText(`${view.headline} ${view.why}`, FALLBACK_MAX)), view.headline);
}

export function renderTeamsDone(view: DoneView): TeamsCardMessage {
  return message(adaptiveCard([textBlock(escapeCardText(view.title), { size: 'Large', weight: 'Bolder' }), textBlock(escapeCardText(view.text))], [], plainText(view.text, FALLBACK_MAX)), view.title);
}

export function renderTeamsProgress(p: ProgressSummary | undefined): TeamsCardMessage {
  if (!p) return renderTeamsNotice('You have not started the onboarding course yet. Type onboard to start it.');
  return renderTeamsNotice(progressText(p));
}

export function renderTeamsNotice(text: string): TeamsCardMessage {
  return message(adaptiveCard([textBlock(escapeCardText(text))], [], plainText(text, FALLBACK_MAX)), text);
}
