import type { App } from '@slack/bolt';
import type { SlackDeps } from '../reply/slackDeps';
import { registerAssistantPanel } from './assistantPanel';
import { registerFeedbackButtons } from './feedbackButtons';
import { registerFollowUpButtons } from './followUpButtons';
import { registerShareButton } from './shareButton';
import { registerSlashCommand } from './slashCommand';

/**
 * Every Slack listener, one kind per file. Mentions and top-level DMs are not here: they are
 * written to the reply outbox before the ack and answered by its worker (../outbox). The assistant panel comes first: Bolt's Assistant
 * takes threaded DMs and stops them there, so the plain DM listener only sees top-level DMs.
 * New kinds (e.g. onboarding on team_join) add a file and a line here.
 */
export function registerSlackListeners(app: App, deps: SlackDeps): void {
  registerAssistantPanel(app, deps);
  registerSlashCommand(app, deps);
  registerFeedbackButtons(app, deps);
  registerFollowUpButtons(app, deps);
  registerShareButton(app, deps);
}
