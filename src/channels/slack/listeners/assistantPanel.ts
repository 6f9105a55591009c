import { Assistant as BoltAssistant, type App } from '@slack/bolt';
import { withApology } from '../reply/apology';
import { errorSummary } from '../reply/slackErrors';
import { slackTransport } from '../reply/slackTransport';
import { renderSlackAnswer } from '../renderAnswer';
import { escalateFor } from '../reply/escalateFor';
import { slackWorkspace } from '../workspace';
import type { SlackDeps } from '../reply/slackDeps';
import { questionFromSlackText } from '../slackText';
import { EXAMPLE_QUESTIONS } from '../../../engine/examples';

export const SUGGESTED_PROMPTS = [
  { title: 'Guest OS patching on EC2', message: EXAMPLE_QUESTIONS.guestOs },
  { title: 'Compare EC2, RDS and Lambda', message: EXAMPLE_QUESTIONS.compare },
  { title: 'What is on me with RDS?', message: EXAMPLE_QUESTIONS.rds },
  { title: 'The model in one minute', message: EXAMPLE_QUESTIONS.model },
];

const GREETING = 'Hi! Ask me who secures something on AWS: a service and an area, or two services to compare. Every answer cites its source.';

/**
 * Slack's assistant side panel through Bolt's Assistant: suggested prompts when a thread
 * starts, a status while the answer is prepared, and the answer in the assistant thread.
 * The thread context lives in the event itself; the default store would call
 * conversations.replies (a scope we do not ask for) on every message, so a payload-only store
 * is used.
 */
export function registerAssistantPanel(app: App, deps: SlackDeps): void {
  app.assistant(
    new BoltAssistant({
      threadContextStore: {
        get: async ({ payload }) => {
          const thread = (payload as { assistant_thread?: { context?: Record<string, string> } }).assistant_thread;
          return thread?.context ?? {};
        },
        save: async () => undefined,
      },
      threadStarted: async ({ event, say, setSuggestedPrompts }) => {
        await withApology(deps, 'assistant_thread_started', async () => {
          await deps.pacer.run(event.assistant_thread.channel_id, () => say(GREETING));
          await setSuggestedPrompts({ title: 'Try one of these', prompts: SUGGESTED_PROMPTS });
        });
      },
      userMessage: async ({ message, client, context, setStatus }) => {
        const m = message as { channel: string; user?: string; text?: string; thread_ts?: string };
        if (!m.thread_ts) return;
        const target = { channel: m.channel, threadTs: m.thread_ts };
        const question = questionFromSlackText(m.text, context.botUserId) || 'help';
        const workspace = slackWorkspace(context);
        const escalate = escalateFor(deps.escalates, workspace, question);
        // The status is a nicety; a failure to set it must not stop the answer.
        await setStatus('is checking the responsibility matrix…').catch((err: unknown) =>
          deps.logger.debug({ err: errorSummary(err), event: 'slack_status_failed' }, 'could not set the assistant status'),
        );
        await withApology(
          deps,
          'assistant_message',
          () =>
            deps.replies.now({
              query: { text: question, platform: 'slack', userId: m.user ?? 'unknown', conversationId: m.channel, threadId: m.thread_ts },
              workspace,
              transport: slackTransport(client, target, async (answer) => renderSlackAnswer(answer, await escalate), { pacer: deps.pacer }),
            }),
          { client, target },
        );
      },
    }),
  );
}
