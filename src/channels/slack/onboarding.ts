import type { App, BlockButtonAction, RespondFn, webApi } from '@slack/bolt';
import type { ChannelDeps } from '../channel';
import type { SlackSettings } from './settings';
import { loadCourse } from '../../onboarding/course';
import { parseAnswerValue, parseLessonValue, ONBOARDING_ACTIONS } from '../../onboarding/actions';
import { OnboardingService, type AnswerResult, type ScheduledRef, type StartResult, type UserRef } from '../../onboarding/service';
import { NOT_TAKING_COURSE, ONBOARDING_STOPPED } from '../../onboarding/text';
import type { OnboardingProgress, OutboxJobInput } from '../../store/types';
import { withApology } from './reply/apology';
import type { ChannelPacer } from './reply/channelPacer';
import { onboardingEphemeralJob, onboardingJob, type SlackJobTarget } from './outbox/replyJobs';
import { errorSummary } from './reply/slackErrors';
import type { SlackMessage } from './renderAnswer';
import { renderSlackDone, renderSlackGrade, renderSlackLesson, renderSlackNotice, renderSlackProgress, renderSlackQuiz } from './renderOnboarding';
import { isSlackUserId } from './slackText';

/** `/whosecures onboard …` and `/whosecures progress` belong to the course, not to questions. */
export function isOnboardingCommand(text: string | undefined): boolean {
  return /^\s*(onboard|progress)\b/i.test(text ?? '');
}

/** A top-level DM saying just "stop" opts out of the course. */
export function isStopMessage(text: string | undefined): boolean {
  return /^\s*stop[.!]?\s*$/i.test(text ?? '');
}

const slackUser = (userId: string): UserRef => ({ platform: 'slack', userId });

/** The workspace of a listener's event, from Bolt's context: whose token posts the message. */
interface Workspace {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

const STOPPED = `${ONBOARDING_STOPPED} Type /whosecures onboard to start again.`;

/**
 * The onboarding course on Slack: welcome DMs on team_join and on joining ONBOARDING_CHANNELS,
 * lessons scheduled with chat.scheduleMessage (Slack keeps them, so a restart loses nothing),
 * quiz buttons, "Next lesson", opt-out, and the onboard/progress commands. Messages go through
 * the reply outbox (`wake` starts its worker); a lesson the course moves the user to is
 * written to the outbox in the same transaction as that progress.
 */
export function registerSlackOnboarding(app: App, deps: ChannelDeps<SlackSettings>, pacer: ChannelPacer, wake: () => void): void {
  const { settings, logger, kb, store } = deps;
  const course = loadCourse(kb);
  if (!course) {
    logger.info({ channel: 'slack' }, 'no onboarding course in the knowledge folder; onboarding off');
    return;
  }
  const service = new OnboardingService({ store, kb, course, onQueued: wake });
  const handlerDeps = { logger, metrics: deps.metrics, pacer };

  async function openDm(client: webApi.WebClient, userId: string): Promise<string> {
    const opened = await client.conversations.open({ users: userId });
    // Posting to a user id also reaches the bot's DM with that user.
    return opened.channel?.id ?? userId;
  }

  function targetOf(workspace: Workspace, channel: string, threadTs?: string): SlackJobTarget {
    return {
      ...(workspace.teamId ? { teamId: workspace.teamId } : {}),
      ...(workspace.enterpriseId ? { enterpriseId: workspace.enterpriseId } : {}),
      isEnterpriseInstall: workspace.isEnterpriseInstall === true,
      channel,
      ...(threadTs ? { threadTs } : {}),
    };
  }

  /** The outbox job posting `message` into `channel`; the outbox worker posts it, paced with the DM's other posts. */
  function job(workspace: Workspace, channel: string, message: SlackMessage): OutboxJobInput {
    return onboardingJob(targetOf(workspace, channel), message);
  }

  /** Through the outbox: a crash after this returns does not lose the message. */
  async function post(workspace: Workspace, channel: string, message: SlackMessage): Promise<void> {
    await store.enqueueJob(job(workspace, channel, message));
    wake();
  }

  async function cancel(client: webApi.WebClient, refs: ScheduledRef[]): Promise<void> {
    for (const ref of refs) {
      if (!ref.channelId) continue;
      // A message already posted can no longer be deleted; that is fine.
      await client.chat.deleteScheduledMessage({ channel: ref.channelId, scheduled_message_id: ref.messageId }).catch((err: unknown) => {
        logger.info({ err: errorSummary(err), event: 'onboarding_unschedule_failed', lesson: ref.lesson }, 'scheduled lesson could not be cancelled');
      });
    }
  }

  async function scheduleRest(client: webApi.WebClient, user: UserRef, progress: OnboardingProgress, channel: string, timeZone: string | undefined): Promise<void> {
    const scheduled: Array<{ lesson: number; messageId: string }> = [];
    for (const { lesson, at } of service.upcomingLessons(progress, timeZone)) {
      const message = renderSlackLesson(service.lessonView(lesson)!);
      try {
        const result = await client.chat.scheduleMessage({ channel, post_at: Math.floor(at.getTime() / 1000), text: message.text, blocks: message.blocks, unfurl_links: false });
        if (result.scheduled_message_id) scheduled.push({ lesson, messageId: result.scheduled_message_id });
      } catch (err) {
        logger.warn({ err: errorSummary(err), event: 'onboarding_schedule_failed', lesson }, 'could not schedule a lesson; the user can still press "Next lesson"');
      }
    }
    await service.recordScheduled(user, scheduled);
  }

  /** Lesson 1 of a new run, for the service to queue with the run's progress. */
  const lessonOneIn = (workspace: Workspace, channel: string) => (started: Pick<StartResult, 'lesson'>) => [job(workspace, channel, renderSlackLesson(started.lesson))];

  /** After a new run was started (lesson 1 queued with it): cancels the old run's lessons and schedules the rest on working days. */
  async function scheduleRun(client: webApi.WebClient, user: UserRef, started: Pick<StartResult, 'progress' | 'cancel'>, channel: string, timeZone: string | undefined): Promise<void> {
    await cancel(client, started.cancel);
    await scheduleRest(client, user, started.progress, channel, timeZone);
  }

  async function timeZoneOf(client: webApi.WebClient, userId: string): Promise<string | undefined> {
    const info = await client.users.info({ user: userId }).catch(() => undefined);
    return info?.user?.tz;
  }

  async function welcome(client: webApi.WebClient, workspace: Workspace, userId: string, timeZone: string | undefined, trigger: string): Promise<void> {
    const user = slackUser(userId);
    const channel = await openDm(client, userId);
    const result = await service.welcome(user, { channelId: channel, jobs: lessonOneIn(workspace, channel) });
    if (!result.sent) {
      logger.info({ event: 'onboarding_welcome_skipped', reason: result.reason, trigger }, 'welcome already sent');
      return;
    }
    logger.info({ event: 'onboarding_welcome', platform: 'slack', trigger }, 'onboarding welcome sent');
    await scheduleRun(client, user, { ...result, cancel: [] }, channel, timeZone ?? (await timeZoneOf(client, userId)));
  }

  app.event('team_join', async ({ event, client, context }) => {
    if (!settings.ONBOARDING_ENABLED) return logger.debug({ event: 'onboarding_join_ignored', reason: 'disabled', trigger: 'team_join' }, 'onboarding welcomes are off');
    const member = event.user as { id?: string; is_bot?: boolean; deleted?: boolean; tz?: string };
    if (!isSlackUserId(member.id) || member.is_bot || member.deleted) return;
    await withApology(handlerDeps, 'onboarding.team_join', () => welcome(client, context, member.id!, member.tz, 'team_join'));
  });

  app.event('member_joined_channel', async ({ event, client, context }) => {
    if (!settings.ONBOARDING_ENABLED || !settings.ONBOARDING_CHANNELS.includes(event.channel)) {
      return logger.debug({ event: 'onboarding_join_ignored', reason: settings.ONBOARDING_ENABLED ? 'not an onboarding channel' : 'disabled', trigger: 'member_joined_channel' }, 'no welcome for this join');
    }
    if (!isSlackUserId(event.user) || event.user === context.botUserId) return;
    await withApology(handlerDeps, 'onboarding.member_joined_channel', () => welcome(client, context, event.user, undefined, 'member_joined_channel'));
  });

  app.event('message', async ({ event, client, context }) => {
    const message = event as { channel_type?: string; channel: string; user?: string; text?: string; thread_ts?: string; subtype?: string };
    if (message.channel_type !== 'im' || message.subtype || message.thread_ts || !message.user || !isStopMessage(message.text)) return;
    await withApology(handlerDeps, 'onboarding.stop', async () => {
      const out = await service.optOut(slackUser(message.user!));
      await cancel(client, out.cancel);
      await post(context, message.channel, renderSlackNotice(out.progress ? STOPPED : NOT_TAKING_COURSE));
    });
  });

  app.action<BlockButtonAction>(new RegExp(`^${ONBOARDING_ACTIONS.answer}:`), async ({ ack, action, body, client, context }) => {
    await ack();
    // The grade is a new message only the user sees, under the quiz they answered (as the
    // button's response_url would put it, but durable): it is written into the outbox in the
    // transaction that counts the answer, so a crash after the answer is recorded cannot lose
    // it, and the outbox worker posts it with chat.postEphemeral.
    const container = body.container as { channel_id?: string; thread_ts?: string } | undefined;
    const channel = body.channel?.id ?? container?.channel_id;
    const threadTs = container?.thread_ts ?? (body.message as { thread_ts?: string } | undefined)?.thread_ts;
    const user = body.user.id;
    const shown = (r: AnswerResult): OutboxJobInput[] => {
      const target = targetOf(context, channel ?? r.progress?.channelId ?? user, threadTs);
      return [onboardingEphemeralJob(target, user, renderSlackGrade(r.grade)), ...(r.done ? [onboardingEphemeralJob(target, user, renderSlackDone(r.done))] : [])];
    };
    const apologise = channel ? { client, target: { channel, ...(threadTs ? { threadTs } : {}) }, user } : undefined;
    await withApology(
      handlerDeps,
      'onboarding.answer',
      async () => {
        const value = parseAnswerValue(action.value);
        const result = value ? await service.answer(slackUser(user), value.questionId, value.choice, shown) : undefined;
        if (!result) logger.warn({ event: 'onboarding_answer_malformed' }, 'quiz button without a known question');
      },
      apologise,
    );
  });

  app.action<BlockButtonAction>(ONBOARDING_ACTIONS.quiz, async ({ ack, action, respond }) => {
    await ack();
    await withApology(handlerDeps, 'onboarding.quiz', async () => {
      const view = service.quizView(parseLessonValue(action.value) ?? 0);
      if (view) await reply(respond, renderSlackQuiz(view));
    });
  });

  app.action<BlockButtonAction>(ONBOARDING_ACTIONS.next, async ({ ack, action, body, client, context, respond }) => {
    await ack();
    await withApology(handlerDeps, 'onboarding.next', async () => {
      const result = await service.next(slackUser(body.user.id), parseLessonValue(action.value), (shown) => [
        job(context, body.channel?.id ?? shown.progress.channelId ?? body.user.id, shown.kind === 'lesson' ? renderSlackLesson(shown.lesson) : renderSlackDone(shown.done)),
      ]);
      if (result.kind === 'not-started') return reply(respond, renderSlackProgress(undefined));
      await cancel(client, result.cancel);
    });
  });

  app.action<BlockButtonAction>(ONBOARDING_ACTIONS.stop, async ({ ack, body, client, respond }) => {
    await ack();
    await withApology(handlerDeps, 'onboarding.opt_out', async () => {
      const out = await service.optOut(slackUser(body.user.id));
      await cancel(client, out.cancel);
      await reply(respond, renderSlackNotice(STOPPED));
    });
  });

  app.command('/whosecures', async ({ command, ack, client, context, respond }) => {
    if (!isOnboardingCommand(command.text)) return;
    await ack();
    await withApology(handlerDeps, 'onboarding.command', async () => {
      const [verb, arg] = command.text.trim().split(/\s+/, 2);
      if (verb!.toLowerCase() === 'progress') return reply(respond, renderSlackProgress(await service.progress(slackUser(command.user_id))));
      if (arg?.toLowerCase() === 'stop') {
        const out = await service.optOut(slackUser(command.user_id));
        await cancel(client, out.cancel);
        return reply(respond, renderSlackNotice(ONBOARDING_STOPPED));
      }
      let target = command.user_id;
      if (arg) {
        const mentioned = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(arg)?.[1];
        if (!mentioned) return reply(respond, renderSlackNotice('Usage: /whosecures onboard, /whosecures onboard @user (admins), /whosecures onboard stop, /whosecures progress'));
        if (!settings.ONBOARDING_ADMINS.includes(command.user_id)) return reply(respond, renderSlackNotice('Only onboarding admins (ONBOARDING_ADMINS) can start the course for someone else.'));
        target = mentioned;
      }
      const user = slackUser(target);
      const channel = await openDm(client, target);
      const started = await service.restart(user, { channelId: channel, jobs: lessonOneIn(context, channel) });
      await scheduleRun(client, user, started, channel, await timeZoneOf(client, target));
      logger.info({ event: 'onboarding_started', platform: 'slack', byAdmin: target !== command.user_id, restarted: started.restarted }, 'onboarding started by command');
      // Code builds the mention from a validated id; nothing typed by the user is echoed.
      const whom = target === command.user_id ? 'you' : `<@${target}>`;
      await respond({ response_type: 'ephemeral', replace_original: false, text: `Onboarding ${started.restarted ? 'restarted' : 'started'} for ${whom}: lesson 1 is in the DM.` });
    });
  });
}

async function reply(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
}
