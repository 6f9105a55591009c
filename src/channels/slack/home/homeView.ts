import type { types } from '@slack/bolt';
import { formatGapsText } from '../../../curator';
import { OWNER_LABEL } from '../../../engine/answerText';
import { ONBOARDING_ACTIONS } from '../../../onboarding/actions';
import { plainText, safeText, splitMrkdwn, truncate } from '../mrkdwn';
import { SLACK_LIMITS } from '../slackLimits';
import type { HomeData } from './homeData';
import { renderHomeSettings, type HomeSettings } from './settingsSection';

type KnownBlock = types.KnownBlock;

/** Slack's limits for a Home tab view: twice a message's blocks, the same text limits. */
export const HOME_LIMITS = { blocks: 100, privateMetadata: 3000 } as const;

export const HOME_ACTION = {
  /** A suggested question: `home_ask_0`, `home_ask_1`, ... (unique per view). Value: the question. */
  askPrefix: 'home_ask_',
  /** Post a lesson's quiz in the DM: `home_quiz_1`, ... Value: the lesson number. */
  quizPrefix: 'home_quiz_',
} as const;
export const HOME_ASK_ACTION = /^home_ask_\d+$/;
export const HOME_QUIZ_ACTION = /^home_quiz_\d+$/;

/** Gaps shown on a curator's Home tab; `/whosecures gaps 7d` lists ten, the CLI all. */
export const HOME_GAPS_SHOWN = 5;

export interface HomeViewInput {
  data: HomeData;
  /** Suggested questions, shown as buttons. */
  questions: Array<{ title: string; message: string }>;
  /** The message shortcut is offered (SLACK_MESSAGE_SHORTCUT_ENABLED). */
  shortcut: boolean;
  /** The bot's DM with this user (app_home_opened's channel), kept in the view for the buttons. */
  dmChannel?: string;
  /** A curator's settings section, where curators can choose (src/channels/slack/home/settingsSection.ts). */
  settings?: HomeSettings;
}

export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
  private_metadata?: string;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true } });
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: plainText(text, SLACK_LIMITS.headerText), emoji: false } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true }] });
const button = (text: string, actionId: string, value: string, primary = false) => ({
  type: 'button' as const,
  text: { type: 'plain_text' as const, text: plainText(text, SLACK_LIMITS.buttonText), emoji: false },
  action_id: actionId,
  value: value.slice(0, SLACK_LIMITS.buttonValue),
  ...(primary ? { style: 'primary' as const } : {}),
});

function howToAsk(shortcut: boolean): KnownBlock[] {
  const ways = [
    '• Mention *@whosecures* in a channel: the answer comes in the thread, and later mentions there keep the context.',
    '• Write to me in *Messages* (the tab beside this one): follow-ups need no mention.',
    '• `/whosecures <question>` anywhere: a private answer with a *Share in channel* button.',
    ...(shortcut ? ['• On any message, *⋯ More actions → Ask whosecures*: I answer that message in its thread.'] : []),
  ];
  return [
    header('Who secures it on AWS: you or AWS?'),
    section(`Name a service and what you want secured (patching, encryption, network rules, access, backups...), or two services to compare. Every answer gives the verdict, what each side does, when that changes, and its sources.\n${ways.join('\n')}`),
  ];
}

function suggested(questions: HomeViewInput['questions']): KnownBlock[] {
  if (!questions.length) return [];
  const shown = questions.slice(0, SLACK_LIMITS.actionsElements);
  return [
    section('*Try one* (the answer arrives in our direct messages):'),
    { type: 'actions', block_id: 'home_questions', elements: shown.map((q, i) => button(q.title, `${HOME_ACTION.askPrefix}${i}`, q.message)) },
  ];
}

function onboarding(data: HomeData): KnownBlock[] {
  const o = data.onboarding;
  if (!o) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, header('Your onboarding course')];
  const p = o.summary;
  if (!p) return [...blocks, section(`${o.totalLessons} short lessons with quizzes whose answers come from the matrix. Type \`/whosecures onboard\` to start: lesson 1 arrives in our direct messages.`)];
  const score = `Quiz: ${p.score} right of ${p.answered} answered (${p.totalQuestions} questions in the course).`;
  if (p.optedOut && !p.completed) return [...blocks, section(`You stopped the course at lesson ${p.lesson} of ${p.totalLessons}. ${score}\nType \`/whosecures onboard\` to start again.`)];
  if (p.completed) {
    const lessons = Array.from({ length: Math.min(o.totalLessons, SLACK_LIMITS.actionsElements) }, (_, i) => button(`Quiz ${i + 1}`, `${HOME_ACTION.quizPrefix}${i + 1}`, String(i + 1)));
    return [...blocks, section(`:white_check_mark: Finished: all ${p.totalLessons} lessons. ${score}\nRetake a lesson's quiz:`), { type: 'actions', block_id: 'home_onboarding', elements: lessons }];
  }
  const bar = `${'\u25a0'.repeat(p.lesson)}${'\u25a1'.repeat(Math.max(0, p.totalLessons - p.lesson))}`;
  const next = p.lesson < p.totalLessons ? [button(`Continue: lesson ${p.lesson + 1}`, ONBOARDING_ACTIONS.next, String(p.lesson), true)] : [];
  return [
    ...blocks,
    section(`${bar}  Lesson ${p.lesson} of ${p.totalLessons}. ${score}`),
    { type: 'actions', block_id: 'home_onboarding', elements: [...next, button(`Lesson ${p.lesson} quiz`, `${HOME_ACTION.quizPrefix}${p.lesson}`, String(p.lesson))] },
  ];
}

const OWNER_MARK: Record<string, string> = { aws: ':large_orange_square:', customer: ':large_blue_square:', shared: ':large_purple_square:', depends: ':white_square:' };

function asked(data: HomeData): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'divider' }, header('The services you ask about most')];
  if (!data.asked) return [...blocks, context('The question log is off in this workspace (QUESTION_LOG_ENABLED=false), so I keep no list of what you asked.')];
  if (!data.asked.length) return [...blocks, section(`Nothing yet in the last ${data.askedDays} days. Once you ask about a service, it shows here with who owns each of its core areas.`)];
  for (const a of data.asked) {
    const rows = a.rows.map((r) => `${OWNER_MARK[r.owner] ?? ''} ${safeText(r.area)}: *${OWNER_LABEL[r.owner]}*${r.own ? '' : ' _(general rule)_'}`);
    blocks.push(section(`*${safeText(a.service.name)}* \u00b7 ${a.count} question${a.count === 1 ? '' : 's'}\n${rows.join('\n')}`));
  }
  blocks.push(context(`Core areas only, from the last ${data.askedDays} days of your questions. Ask me about any other area for the full answer and its sources.`));
  return blocks;
}

function gaps(data: HomeData): KnownBlock[] {
  if (!data.isCurator || !data.gaps) return [];
  // The examples are users' own words: escaped, URLs removed, sections verbatim.
  const text = safeText(formatGapsText(data.gaps, HOME_GAPS_SHOWN));
  return [
    { type: 'divider' },
    header("This week's gaps (curators)"),
    ...splitMrkdwn(text, SLACK_LIMITS.sectionText).slice(0, 4).map(section),
    context("Questions answered \u201cnot in the knowledge base\u201d, with low confidence, or marked Not helpful, in the last 7 days. Examples are users' own words. More: `/whosecures gaps 7d`, or `npx whosecures kb gaps --since 7d`."),
  ];
}

/**
 * The Home tab for one user, within Slack's limits for a view (100 blocks; section text 3,000,
 * header 150, button label 75, value 2,000 characters). Every piece of knowledge-base or user
 * text is escaped; the only mentions and links are none at all.
 */
export function renderHomeView(input: HomeViewInput): HomeView {
  const all: KnownBlock[] = [...howToAsk(input.shortcut), ...suggested(input.questions), ...onboarding(input.data), ...asked(input.data), ...gaps(input.data)];
  // The curators' settings come last and are never the part cut off.
  const settings = input.data.isCurator && input.settings ? renderHomeSettings(input.settings) : [];
  const room = HOME_LIMITS.blocks - settings.length;
  const blocks = [...(all.length <= room ? all : all.slice(0, room)), ...settings];
  const metadata = input.dmChannel && /^D[A-Z0-9]{2,20}$/.test(input.dmChannel) ? JSON.stringify({ dm: input.dmChannel }) : undefined;
  return { type: 'home', blocks, ...(metadata ? { private_metadata: metadata } : {}) };
}

/** The DM channel kept in a Home view's private_metadata, if it is one. */
export function dmChannelOf(privateMetadata: string | undefined): string | undefined {
  try {
    const dm = (JSON.parse(privateMetadata ?? '') as { dm?: unknown }).dm;
    return typeof dm === 'string' && /^D[A-Z0-9]{2,20}$/.test(dm) ? dm : undefined;
  } catch {
    return undefined;
  }
}
