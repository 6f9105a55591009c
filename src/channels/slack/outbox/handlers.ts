import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Query } from '../../../engine/types';
import { GiveUp, RetryLater } from '../../../outbox/errors';
import type { JobHandler } from '../../../outbox/worker';
import type { ReplyFlow } from '../../replyFlow';
import { isInstallationUnavailable } from '../oauth/installationCache';
import { renderSlackAnswer } from '../renderAnswer';
import { questionFromSlackText } from '../slackText';
import { APOLOGY } from '../reply/apology';
import { errorSummary } from '../reply/slackErrors';
import { escalateFor, type Escalates } from '../reply/escalateFor';
import { blocksField, slackTransport } from '../reply/slackTransport';
import { slackWorkspace } from '../workspace';
import {
  EXPIRED_TEXT,
  SLACK_ANSWER,
  SLACK_NOTICE,
  SLACK_ONBOARDING,
  SLACK_ONBOARDING_EPHEMERAL,
  type SlackAnswerPayload,
  type SlackEphemeralPayload,
  type SlackJobTarget,
  type SlackMessagePayload,
  type SlackNoticePayload,
} from './replyJobs';

/** The bot token for a job's workspace: the single token, or the stored installation's. */
export type TokenFor = (target: SlackJobTarget) => Promise<string>;

export interface SlackHandlerDeps {
  /** Answer, post, phrase, update: the reply flow every channel shares. */
  replies: ReplyFlow;
  logger: Logger;
  /** A client for one bot token, without retries of its own: the outbox retries, with Retry-After. */
  clientFor: (token: string) => webApi.WebClient;
  tokenFor: TokenFor;
  /** Whether answers in a workspace (`slack:T…`) carry "Ask the security team" (its curators' channel, else ESCALATION_CHANNEL). */
  escalates?: Escalates;
}

/** Slack answers that no retry can fix: the job is given up. */
const PERMANENT = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'user_not_in_channel',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
  'restricted_action',
  'ekm_access_denied',
  'team_access_not_granted',
  'user_not_found',
]);

/** Maps a Web API failure to the outbox's retry decision. */
export function classifySlackError(err: unknown): Error {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    return new RetryLater('rate limited by Slack', Math.max(1, Number(e.retryAfter ?? 1)) * 1000, true);
  }
  const slackError = e?.data?.error;
  if (slackError === 'ratelimited') return new RetryLater('rate limited by Slack', 1000, true);
  if (slackError && PERMANENT.has(slackError)) return new GiveUp(`Slack refused the post: ${slackError}`);
  return err instanceof Error ? err : new Error(String(errorSummary(err).message));
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classifySlackError(err);
  }
}

export async function authorized(deps: SlackHandlerDeps, target: SlackJobTarget): Promise<string> {
  try {
    return await deps.tokenFor(target);
  } catch (err) {
    // The store is slow or away and the workspace is not cached: try again later.
    if (isInstallationUnavailable(err)) throw new RetryLater('the workspace installation could not be read in time', 2000);
    // No installation (never installed, uninstalled, revoked): nothing can ever post this.
    if ((err as { code?: string }).code === 'slack_oauth_installer_authorization_error') throw new GiveUp(`Authorization of the workspace did not succeed: ${(err as Error).message}`);
    throw err;
  }
}

function ephemeral(deps: SlackHandlerDeps, token: string, target: SlackJobTarget, user: string, text: string) {
  return call(() =>
    deps.clientFor(token).chat.postEphemeral({ channel: target.channel, user, text, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) }),
  );
}

export function slackJobHandlers(deps: SlackHandlerDeps): Record<string, JobHandler> {
  const answer: JobHandler = async (job, context) => {
    const p = job.payload as unknown as SlackAnswerPayload;
    const token = await authorized(deps, p);
    const client = deps.clientFor(token);
    const query: Query = {
      text: questionFromSlackText(p.text, p.botUserId) || 'help',
      platform: 'slack',
      userId: p.user,
      conversationId: p.channel,
      ...(p.contextThread ? { threadId: p.contextThread } : {}),
      // A thread this mention starts has nothing earlier to read (the answer still leaves the
      // thread's context for follow-ups): no store read for it.
      ...(p.newThread ? { context: {} } : {}),
    };
    const workspace = slackWorkspace(p);
    const escalate = escalateFor(deps.escalates, workspace, query.text);
    return deps.replies.job(job, context, {
      query,
      workspace,
      transport: slackTransport(client, p, async (result) => renderSlackAnswer(result, await escalate), { onPostError: classifySlackError }),
      expired: async () => void (await ephemeral(deps, token, p, p.user, EXPIRED_TEXT)),
      apologise: async () => void (await call(() => client.chat.postMessage({ channel: p.channel, ...(p.threadTs ? { thread_ts: p.threadTs } : {}), text: APOLOGY, unfurl_links: false, unfurl_media: false }))),
    });
  };

  const notice: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackNoticePayload;
    const token = await authorized(deps, p);
    await ephemeral(deps, token, p, p.user, p.text);
    return { status: 'sent' };
  };

  const onboarding: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackMessagePayload;
    const token = await authorized(deps, p);
    // The blocks were rendered by renderOnboarding when the course decided on the message.
    const message = { channel: p.channel, text: p.text, ...(p.blocks ? { blocks: p.blocks } : {}), unfurl_links: false, unfurl_media: false };
    await call(() => deps.clientFor(token).chat.postMessage(message as webApi.ChatPostMessageArguments));
    return { status: 'sent' };
  };

  const onboardingEphemeral: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackEphemeralPayload;
    const token = await authorized(deps, p);
    await call(() =>
      deps.clientFor(token).chat.postEphemeral({
        channel: p.channel,
        user: p.user,
        text: p.text,
        ...(p.blocks ? { blocks: blocksField(p.blocks) } : {}),
        ...(p.threadTs ? { thread_ts: p.threadTs } : {}),
      }),
    );
    return { status: 'sent' };
  };

  return { [SLACK_ANSWER]: answer, [SLACK_NOTICE]: notice, [SLACK_ONBOARDING]: onboarding, [SLACK_ONBOARDING_EPHEMERAL]: onboardingEphemeral };
}
