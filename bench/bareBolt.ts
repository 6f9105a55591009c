import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * The reference for the ack bench: a bare Bolt app with Bolt's own HTTP receiver and one
 * app_mention listener that posts a fixed reply with chat.postMessage to the same fake Slack.
 * Bolt acks before the listener runs and the reply exists only in memory: the "direct path".
 * Run as a child process (BARE_BOLT_SIGNING_SECRET, BARE_BOLT_API_URL); reports its port over IPC.
 */
async function main(): Promise<void> {
  const receiver = new HTTPReceiver({ signingSecret: process.env.BARE_BOLT_SIGNING_SECRET ?? '', logLevel: LogLevel.ERROR });
  const app = new App({
    receiver,
    token: 'xoxb-bench',
    tokenVerificationEnabled: false,
    botUserId: 'UBOT',
    botId: 'BBOT',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.BARE_BOLT_API_URL },
  });
  app.event('app_mention', async ({ event, client }) => {
    await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'The customer patches the guest OS on EC2.' });
  });
  const server = (await app.start(0)) as Server;
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (m === 'stop') void app.stop().finally(() => process.exit(0));
  });
  process.send?.({ port: (server.address() as AddressInfo).port });
}

void main().catch((err: unknown) => {
  process.send?.({ error: (err as Error).message });
  process.exit(1);
});
