import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { ESCALATION_TEXT, saveCuratorAnswer } from '../../../curator/escalations';
import type { OutboxWorker } from '../../../outbox/worker';
import type { Escalation } from '../../../store/types';
import { ACTION, ESCALATION_MODAL } from '../actionIds';
import { decodeEscalateValue } from '../escalation/escalateValue';
import { escalationAnswerJob, escalationJob, type EscalationOrigin } from '../escalation/escalationJobs';
import { ALREADY_SENT_NOTE, MODAL_BLOCK, MODAL_INPUT, renderAnswerModal, renderCuratorMessage } from '../escalation/renderEscalation';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { isSlackUserId } from '../slackText';
import { NOT_A_CURATOR_NOTE, type SlackCurators } from '../curators';
import { slackWorkspace } from '../workspace';
import { workspaceKey, type SlackCuratorChannels } from '../curatorChannels/curatorChannels';

export interface EscalationDeps extends SlackDeps {
  worker: OutboxWorker;
  /** Where a workspace's escalations go (its curators' choice, else ESCALATION_CHANNEL). */
  channels: SlackCuratorChannels;
  /** Who may Reply and Close (SLACK_CURATORS, else ONBOARDING_ADMINS); everyone else is told so privately. */
  curators: SlackCurators;
}

interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

function workspaceOf(body: { team?: { id?: string } | null; enterprise?: { id?: string } | null; is_enterprise_install?: boolean }, context: { teamId?: string; enterpriseId?: string }): Workspace {
  const teamId = body.team?.id ?? context.teamId;
  const enterpriseId = body.enterprise?.id ?? context.enterpriseId;
  return { ...(teamId ? { teamId } : {}), ...(enterpriseId ? { enterpriseId } : {}), isEnterpriseInstall: body.is_enterprise_install === true };
}

/** Said to the asker when the workspace's curators switched escalations off after the answer was shown. */
export const NO_ESCALATION_CHANNEL_NOTE = 'The security team takes no questions here at the moment (their curators have not chosen a channel for them), so nothing was sent. (Only you can see this.)';

const answeredBy = (e: Escalation) =>
  e.state === 'answered' && e.curator && isSlackUserId(e.curator) ? `<@${e.curator}> already answered this one.` : `This escalation is ${e.state} already.`;

/**
 * "Ask the security team": the asker's button opens an escalation (one per answer and asker) and
 * queues its post to the curators' channel in the same transaction; a curator's "Reply" opens a
 * modal whose answer is kept (with a proposed knowledge change) and queued for the asker's
 * thread, again in one transaction. Every post goes through the reply outbox.
 */
export function registerEscalation(app: App, deps: EscalationDeps): void {
  app.action<BlockButtonAction>(ACTION.escalate, async ({ ack, action, body, client, respond, context }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel || !isSlackUserId(body.user.id)) return;
    await withApology(
      deps,
      'escalate',
      async () => {
        const value = decodeEscalateValue(action.value);
        if (!value) {
          deps.logger.warn({ event: 'escalation_malformed' }, '"Ask the security team" without a readable value');
          return;
        }
        const ephemeral = body.container?.is_ephemeral === true;
        const message = body.message as { ts?: string; thread_ts?: string } | undefined;
        // A posted answer: the curator replies in its thread. An ephemeral one has no thread
        // anyone else can see, so the reply stays private to the asker.
        const threadTs = ephemeral ? undefined : (message?.thread_ts ?? message?.ts);
        const origin: EscalationOrigin = { channel, ...(threadTs ? { threadTs } : {}), ephemeral: !threadTs };
        const workspace = workspaceOf(body, context);
        // The channel in force now: the curators may have moved it since the answer was shown.
        const curators = await deps.channels.get(workspaceKey(workspace), 'escalation');
        if (!curators.channel) {
          deps.logger.info({ event: 'escalation_no_channel' }, '"Ask the security team" in a workspace whose escalations are off');
          await respond({ response_type: 'ephemeral', replace_original: false, text: NO_ESCALATION_CHANNEL_NOTE });
          return;
        }
        const curatorChannel = curators.channel;
        const opened = await deps.store.openEscalation(
          {
            platform: 'slack',
            workspace: workspace.teamId ?? workspace.enterpriseId ?? '',
            asker: body.user.id,
            channel,
            ...(threadTs ? { threadTs } : {}),
            question: value.question,
            answerId: value.answerId,
            ...(value.verdict ? { verdict: value.verdict } : {}),
            ...(value.summary ? { summary: value.summary } : {}),
            ...(value.cell ? { cell: value.cell } : {}),
          },
          (id) => escalationJob(workspace, curatorChannel, id, body.user.id, origin),
        );
        if (!opened.created) {
          deps.logger.info({ event: 'escalation_repeated', escalationId: opened.escalation.id }, 'the asker escalated this answer before');
          await respond({ response_type: 'ephemeral', replace_original: false, text: ALREADY_SENT_NOTE });
          return;
        }
        deps.metrics.escalations.inc({ state: 'open' });
        deps.logger.info({ event: 'escalation_opened', escalationId: opened.escalation.id, answerId: value.answerId }, 'escalated to the security team');
        deps.worker.wake();
      },
      { client, target: { channel }, user: body.user.id },
    );
  });

  /**
   * Reply and Close count only in the channel the escalation was posted in, of its own workspace
   * (the channel in force when it was not recorded): a copied button elsewhere does nothing.
   */
  const inCuratorsChannel = async (e: Escalation, body: BlockButtonAction, context: { teamId?: string; enterpriseId?: string }) => {
    const workspace = workspaceOf(body, context);
    if (e.platform !== 'slack' || e.workspace !== (workspace.teamId ?? workspace.enterpriseId ?? '')) return false;
    const posted = e.curatorChannel ?? (await deps.channels.get(workspaceKey(workspace), 'escalation')).channel;
    return posted !== undefined && (body.channel?.id ?? body.container?.channel_id) === posted;
  };
  const curatorWorkspace = (body: { team?: { id?: string } | null; enterprise?: { id?: string } | null; is_enterprise_install?: boolean }, context: { teamId?: string; enterpriseId?: string }) =>
    slackWorkspace(workspaceOf(body, context));
  /** A curator's button pressed by someone who is not one: said privately, logged, nothing done. */
  const refuseNonCurator = async (what: string, respond: (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>) => {
    deps.logger.warn({ event: 'slack_curator_refused', action: what }, 'a curator\u2019s action from someone who is not a curator was refused');
    await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_A_CURATOR_NOTE });
  };

  app.action<BlockButtonAction>(ACTION.escalationReply, async ({ ack, action, body, client, respond, context }) => {
    await ack();
    await withApology(deps, 'escalation_reply', async () => {
      const id = Number(action.value);
      const e = Number.isInteger(id) ? await deps.store.getEscalation(id) : undefined;
      if (!e || !(await inCuratorsChannel(e, body, context))) {
        deps.logger.warn({ event: 'escalation_reply_elsewhere' }, 'a Reply click from outside the curators\u2019 channel was ignored');
        return;
      }
      if (!(await deps.curators.isCurator(body.user.id, client, curatorWorkspace(body, context)))) return refuseNonCurator('reply', respond);
      if (e.state !== 'open') {
        await respond({ response_type: 'ephemeral', replace_original: false, text: answeredBy(e) });
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: renderAnswerModal(e) });
    });
  });

  app.action<BlockButtonAction>(ACTION.escalationClose, async ({ ack, action, body, client, respond, context }) => {
    await ack();
    await withApology(deps, 'escalation_close', async () => {
      const id = Number(action.value);
      const e = Number.isInteger(id) ? await deps.store.getEscalation(id) : undefined;
      if (!e || !(await inCuratorsChannel(e, body, context))) return;
      if (!(await deps.curators.isCurator(body.user.id, client, curatorWorkspace(body, context)))) return refuseNonCurator('close', respond);
      const closed = await deps.store.closeEscalation(id);
      if (!closed) return;
      deps.metrics.escalations.inc({ state: 'closed' });
      deps.logger.info({ event: 'escalation_closed', escalationId: closed.id }, 'escalation closed by a curator');
      const message = renderCuratorMessage(closed);
      await respond({ replace_original: true, text: message.text, blocks: message.blocks });
    });
  });

  app.view<ViewSubmitAction>(ESCALATION_MODAL, async ({ ack, body, view, context, client }) => {
    const id = Number(view.private_metadata);
    const answer = view.state.values[MODAL_BLOCK]?.[MODAL_INPUT]?.value?.trim() ?? '';
    const curator = body.user.id;
    const refuse = (text: string) => ack({ response_action: 'errors', errors: { [MODAL_BLOCK]: text } });
    if (!answer) return refuse('Write an answer first.');
    if (!Number.isInteger(id) || !isSlackUserId(curator)) return refuse('This form is no longer valid; press Reply again.');
    try {
      // Checked again on submit: the form may have been opened by someone who is no longer a curator.
      if (!(await deps.curators.isCurator(curator, client, curatorWorkspace(body, context)))) {
        deps.logger.warn({ event: 'slack_curator_refused', action: 'answer' }, 'an escalation answer from someone who is not a curator was refused');
        return await refuse(NOT_A_CURATOR_NOTE);
      }
      const saved = await saveCuratorAnswer(deps.store, { id, curator, answer }, (row) =>
        escalationAnswerJob(workspaceOf(body, context), { channel: row.channel, ...(row.threadTs ? { threadTs: row.threadTs } : {}), ephemeral: !row.threadTs }, {
          escalationId: row.id,
          asker: row.asker,
          curator,
          answer,
          ...(row.curatorChannel ? { curatorChannel: row.curatorChannel } : {}),
          ...(row.curatorTs ? { curatorTs: row.curatorTs } : {}),
        }),
      );
      if (!saved.saved) return await refuse(saved.reason === 'unknown' ? ESCALATION_TEXT.unknown : answeredBy(saved.escalation));
      await ack();
      deps.metrics.escalations.inc({ state: 'answered' });
      deps.logger.info({ event: 'escalation_answered', escalationId: id }, 'a curator answered an escalation');
      deps.worker.wake();
    } catch (err) {
      deps.metrics.errors.inc({ component: 'slack' });
      deps.logger.error({ err: String((err as Error)?.message ?? err).slice(0, 300), event: 'slack_handler_failed', handler: 'escalation_answer' }, 'Slack handler failed');
      await refuse('Sorry, the answer could not be saved. Please try again in a moment.').catch(() => undefined);
    }
  });
}
