import type { App, BlockAction, BlockButtonAction, BlockElementAction, webApi } from '@slack/bolt';
import type { KnowledgeBase } from '../../../knowledge/types';
import { loadCourse } from '../../../onboarding/course';
import { parseLessonValue } from '../../../onboarding/actions';
import { OnboardingService } from '../../../onboarding/service';
import { collectHomeData } from '../home/homeData';
import { dmChannelOf, HOME_ASK_ACTION, HOME_QUIZ_ACTION, renderHomeView } from '../home/homeView';
import { DM_THREAD } from '../outbox/replyJobs';
import { withApology } from '../reply/apology';
import { errorSummary } from '../reply/slackErrors';
import type { SlackDeps } from '../reply/slackDeps';
import { renderSlackQuiz } from '../renderOnboarding';
import { isSlackUserId } from '../slackText';
import { MAX_QUESTION_CHARS } from '../slackLimits';
import { SUGGESTED_PROMPTS } from './assistantPanel';
import { queueAsked, type AskQueueDeps } from './askQueue';
import type { SlackCurators } from '../curators';
import { slackWorkspace } from '../workspace';
import { applyChoice, checkAll, type Choice } from '../curatorChannels/choose';
import { CURATOR_CHANNEL_KINDS, workspaceKey, type SlackCuratorChannels, type SlackWorkspaceRef } from '../curatorChannels/curatorChannels';
import { renderChoice } from '../curatorChannels/renderSettings';
import { HOME_SETTING_ACTION, parseHomeSettingAction, type HomeSettings } from '../home/settingsSection';

export interface HomeTabSettings {
  kb: KnowledgeBase;
  /** Who sees the week's gaps (SLACK_CURATORS, else ONBOARDING_ADMINS). */
  curators: SlackCurators;
  /** The distributed app: a curator sees their own workspace's gaps only. */
  perWorkspace: boolean;
  questionLogEnabled: boolean;
  questionLogDays: number;
  /** The message shortcut is on, so the Home tab mentions it. */
  shortcut: boolean;
  /** Curators choose their channels on the tab too (when some curator is configured). */
  channels?: SlackCuratorChannels;
}

/** "Asked most" looks back a month at most (or the log's own retention, if shorter). */
const ASKED_DAYS = 30;

/**
 * The Home tab: published with views.publish on app_home_opened (the event was claimed by the
 * outbox gate, so one replica publishes it). Suggested questions are answered in the user's DM
 * through the reply outbox; the course buttons reuse the course's own "next lesson" action,
 * and a quiz is posted in the DM, where its answer buttons work as in a lesson.
 */
export function registerAppHome(app: App, deps: SlackDeps & AskQueueDeps, settings: HomeTabSettings): void {
  const course = loadCourse(settings.kb);
  const onboarding = course ? new OnboardingService({ store: deps.store, kb: settings.kb, course }) : undefined;
  const dataDeps = {
    store: deps.store,
    kb: settings.kb,
    questionLogEnabled: settings.questionLogEnabled,
    askedDays: Math.min(ASKED_DAYS, settings.questionLogDays),
    ...(onboarding && course ? { progress: (userId: string) => onboarding.progress({ platform: 'slack', userId }), totalLessons: course.lessons.length } : {}),
  };

  async function dmWith(client: webApi.WebClient, userId: string, privateMetadata: string | undefined): Promise<string> {
    const known = dmChannelOf(privateMetadata);
    if (known) return known;
    const opened = await client.conversations.open({ users: userId });
    return opened.channel?.id ?? userId;
  }

  /** The channels' settings a curator sees on the tab, each channel checked with the workspace's token. */
  async function curatorSettings(client: webApi.WebClient, ref: SlackWorkspaceRef, notice?: string): Promise<HomeSettings | undefined> {
    const workspace = workspaceKey(ref);
    if (!settings.channels || !workspace) return undefined;
    const all = await settings.channels.all(workspace);
    const shown = CURATOR_CHANNEL_KINDS.map((k) => all[k]);
    return { settings: shown, checks: await checkAll(client, shown), ...(notice ? { notice } : {}) };
  }

  async function publish(client: webApi.WebClient, user: string, ref: SlackWorkspaceRef, dmChannel: string | undefined, notice?: string): Promise<void> {
    const started = Date.now();
    const workspace = slackWorkspace(ref);
    const data = await collectHomeData(
      { ...dataDeps, isCurator: (userId) => settings.curators.isCurator(userId, client, workspace), ...(settings.perWorkspace && workspace ? { workspace } : {}) },
      user,
    );
    const curator = data.isCurator ? await curatorSettings(client, ref, notice) : undefined;
    const view = renderHomeView({ data, questions: SUGGESTED_PROMPTS, shortcut: settings.shortcut, ...(dmChannel ? { dmChannel } : {}), ...(curator ? { settings: curator } : {}) });
    await client.views.publish({ user_id: user, view });
    deps.logger.info({ event: 'slack_home_published', blocks: view.blocks.length, curator: data.isCurator, ms: Date.now() - started }, 'Home tab published');
  }

  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home' || !isSlackUserId(event.user)) return;
    await withApology(deps, 'app_home_opened', () =>
      publish(client, event.user, { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall }, event.channel),
    );
  });

  // A curator's pick, "Turn off" or "Use the default" in the tab's settings: checked, kept, and the tab published again with the outcome.
  app.action<BlockAction<BlockElementAction>>(HOME_SETTING_ACTION, async ({ ack, action, body, client, context }) => {
    await ack();
    const control = parseHomeSettingAction(action.action_id);
    const channels = settings.channels;
    if (!control || !channels || !isSlackUserId(body.user.id)) return;
    await withApology(deps, 'home_setting', async () => {
      const ref: SlackWorkspaceRef = { teamId: body.team?.id ?? context.teamId, enterpriseId: body.enterprise?.id ?? context.enterpriseId, isEnterpriseInstall: body.is_enterprise_install === true };
      const workspace = workspaceKey(ref);
      const dm = dmChannelOf(body.view?.private_metadata);
      // Checked again on every change: the tab may have been published while they were still a curator.
      if (!workspace || !(await settings.curators.isCurator(body.user.id, client, slackWorkspace(ref)))) {
        deps.logger.warn({ event: 'slack_curator_refused', action: 'home_setting' }, 'a settings change from someone who is not a curator was refused');
        return publish(client, body.user.id, ref, dm);
      }
      const selected = action.type === 'conversations_select' ? action.selected_conversation : undefined;
      const picked = selected && /^[CG][A-Z0-9]{2,20}$/.test(selected) ? selected : undefined;
      const choice: Choice | undefined = control.control === 'channel' ? (picked ? { channel: picked } : undefined) : control.control;
      if (!choice) return;
      const outcome = await applyChoice(channels, client, workspace, control.kind, choice, body.user.id);
      deps.logger.info({ event: outcome.kept ? 'slack_curator_channel_set' : 'slack_curator_channel_refused', kind: control.kind, workspace, choice: control.control, from: 'home' }, 'a curator changed where curator messages go, on the Home tab');
      await publish(client, body.user.id, ref, dm, renderChoice(outcome).text);
    });
  });

  app.action<BlockButtonAction>(HOME_ASK_ACTION, async ({ ack, action, body, client, context }) => {
    await ack();
    await withApology(deps, 'home_ask', async () => {
      const question = (action.value ?? '').slice(0, MAX_QUESTION_CHARS);
      if (!question.trim() || !isSlackUserId(body.user.id)) return;
      const channel = await dmWith(client, body.user.id, body.view?.private_metadata);
      const teamId = body.team?.id ?? context.teamId;
      const enterpriseId = body.enterprise?.id ?? context.enterpriseId;
      const outcome = await queueAsked(deps, {
        target: { ...(teamId ? { teamId } : {}), ...(enterpriseId ? { enterpriseId } : {}), isEnterpriseInstall: body.is_enterprise_install === true, channel },
        user: body.user.id,
        text: question,
        origin: 'home',
        contextThread: DM_THREAD,
        interactionId: action.action_ts,
      });
      deps.logger.info({ event: 'slack_home_ask', outcome }, 'suggested question from the Home tab');
    });
  });

  app.action<BlockButtonAction>(HOME_QUIZ_ACTION, async ({ ack, action, body, client }) => {
    await ack();
    await withApology(deps, 'home_quiz', async () => {
      const view = onboarding?.quizView(parseLessonValue(action.value) ?? 0);
      if (!view) return;
      const channel = await dmWith(client, body.user.id, body.view?.private_metadata);
      const quiz = renderSlackQuiz(view);
      await deps.pacer
        .run(channel, () => client.chat.postMessage({ channel, text: quiz.text, blocks: quiz.blocks, unfurl_links: false, unfurl_media: false }))
        .catch((err: unknown) => {
          deps.logger.warn({ err: errorSummary(err), event: 'slack_home_quiz_failed' }, 'could not post the quiz');
          throw err;
        });
    });
  });
}
