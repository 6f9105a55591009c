import type { Logger } from 'pino';
import type { Assistant } from '../../../conversation/assistant';
import type { Metrics } from '../../../metrics';
import type { Store } from '../../../store/types';
import type { ReplyFlow } from '../../replyFlow';
import type { ChannelPacer } from './channelPacer';
import type { Escalates } from './escalateFor';

/** What the Slack listeners need from the composition root. */
export interface SlackDeps {
  assistant: Assistant;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Answer, post, phrase, update: the reply flow every channel shares. */
  replies: ReplyFlow;
  /** Spaces posts and updates per channel; every chat.postMessage and chat.update goes through it. */
  pacer: ChannelPacer;
  /**
   * Whether answers in a workspace (`slack:T…`, as src/channels/slack/workspace.ts names it)
   * carry "Ask the security team": its curators chose a channel, or ESCALATION_CHANNEL is set.
   */
  escalates?: Escalates;
}
