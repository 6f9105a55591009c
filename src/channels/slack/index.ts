import type { Channel, ChannelDeps } from '../channel';
import type { SlackSettings } from './settings';
import { createSlackBolt } from './createBoltApp';
import { errorSummary } from './reply/slackErrors';

/**
 * The SIGTERM budget (10 s in all, src/index.ts): held admissions get 1 s to reach the store,
 * the outbox keeps posting for 4 s, then 2 s for sends in flight and their marks, then 1.5 s for
 * Bolt's own listeners. Whatever is not sent stays in the outbox for the next process.
 */
const INTAKE_CLOSE_MS = 1000;
const OUTBOX_DRAIN_MS = 4000;
const OUTBOX_IN_FLIGHT_MS = 2000;
const DRAIN_MS = 1500;

/**
 * The Slack channel, or undefined (with one log line saying so) when no Slack settings are
 * given. HTTP mode serves POST /slack/events on the shared server; Socket Mode connects out.
 */
export async function createSlackChannel(deps: ChannelDeps<SlackSettings>): Promise<Channel | undefined> {
  const { settings, logger } = deps;
  if (!settings.slackEnabled) {
    logger.info({ channel: 'slack' }, 'Slack channel off: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (distributed app)');
    return undefined;
  }
  const slack = createSlackBolt(deps);
  const receiver = slack.httpReceiver;
  let stopDigest: () => void = () => undefined;
  return {
    name: 'slack',
    routes: receiver ? [{ method: 'POST', path: '/slack/events', handler: (req, res) => receiver.requestListener(req, res) }, ...slack.oauthRoutes] : [],
    async start() {
      // Socket Mode connects here (apps.connections.open, then the WebSocket); HTTP is a no-op.
      await slack.app.start();
      // Jobs left by an earlier process (a crash, a deploy) are resumed from here.
      slack.worker.start();
      stopDigest = slack.startDigest();
      if (!slack.lookUpIdentity) {
        logger.info({ channel: 'slack', mode: settings.slackMode, oauth: true }, 'Slack channel ready: installs at /slack/install');
        return;
      }
      // The bot's identity is looked up in the background: start-up never waits on Slack.
      slack.lookUpIdentity().then(
        (id) => logger.info({ channel: 'slack', mode: settings.slackMode, botUserId: id.botUserId }, 'Slack channel ready'),
        (err: unknown) => logger.warn({ channel: 'slack', err: errorSummary(err) }, 'Slack auth.test failed at start; will retry on the first event'),
      );
    },
    async stop() {
      stopDigest();
      if (settings.slackMode === 'socket') await slack.app.stop().catch(() => undefined);
      const held = await slack.intake.close(INTAKE_CLOSE_MS);
      const left = await slack.worker.stop(OUTBOX_DRAIN_MS, OUTBOX_IN_FLIGHT_MS);
      const pending = await slack.worker.pending();
      logger.info({ channel: 'slack', event: 'outbox_stopped', held, ...left, pending }, 'Slack outbox stopped; pending jobs are sent by the next process');
      const drained = await slack.inFlight.drain(DRAIN_MS);
      if (!drained) logger.warn({ channel: 'slack', inFlight: slack.inFlight.size }, 'Slack answers still in flight at shutdown');
    },
  };
}
