import { performance } from 'node:perf_hooks';
import { UNAVAILABLE_TEXT } from '../../src/channels/slack/httpReceiver';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi';
import { blockAction, slashCommand } from '../channels/slack/payloads';
import { postToSlackEndpoint, TEST_SIGNING_SECRET } from '../channels/slack/signedRequest';
import { installationFor, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_ENCRYPTION_KEY, TEST_STATE_SECRET } from '../channels/slack/oauthTestBed';
import { PrivatePostgres, privatePostgresAvailable } from './helpers/privatePg';

/** A slash command from `team`. */
function commandFrom(team: string, text: string, responseUrl: string): string {
  return slashCommand(text, responseUrl, { team_id: team, channel_id: `C${team}` });
}

/** A "Helpful" click from `team`. */
function helpfulClickFrom(team: string, responseUrl: string): string {
  const form = new URLSearchParams(blockAction('feedback_helpful', JSON.stringify({ a: 'ans-1', c: ['ec2/guest-os-patching'] }), { responseUrl }));
  const payload = JSON.parse(form.get('payload')!) as Record<string, Record<string, unknown>>;
  payload.team = { id: team, domain: team.toLowerCase() };
  payload.user = { ...payload.user, team_id: team };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

const pgCheck = privatePostgresAvailable();
(pgCheck.ok ? describe : describe.skip)('distributed Slack app: acks while its PostgreSQL is hung', () => {
  let pg: PrivatePostgres;
  let fake: FakeSlackApi;
  let bot: TestApp;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    fake = await new FakeSlackApi().start();
    bot = await startTestApp({
      SLACK_CLIENT_ID: TEST_CLIENT_ID,
      SLACK_CLIENT_SECRET: TEST_CLIENT_SECRET,
      SLACK_STATE_SECRET: TEST_STATE_SECRET,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      STORE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      SLACK_API_URL: fake.apiUrl,
      SLACK_POST_SPACING_MS: '0',
      DATABASE_URL: pg.url,
      // Revalidation is due on every use during the hang: it must run in the background, never in the ack.
      SLACK_INSTALLATION_CACHE_SECONDS: '1',
    });
    for (const team of ['T0WARM', 'T0COLD']) await bot.app.store.saveInstallation(installationFor(team, { token: `xoxb-${team}-token` }));
  }, 90_000);

  afterAll(async () => {
    pg?.resume();
    await bot?.close();
    await fake?.close();
    pg?.destroy();
  }, 60_000);

  it('answers commands and clicks of a cached workspace within 1 s, refuses an uncached one within about 1 s, and recovers', async () => {
    // The workspace is seen once while the store answers, so its installation is cached.
    const warm = await postToSlackEndpoint(bot.baseUrl, commandFrom('T0WARM', 'who patches the guest OS on EC2?', fake.responseUrl('warm')));
    expect(warm.status).toBe(200);
    await fake.waitForCalls('chat.postEphemeral', 1, 10_000);
    await new Promise((r) => setTimeout(r, 1100)); // past SLACK_INSTALLATION_CACHE_SECONDS

    pg.hang();
    const commands = Array.from({ length: 4 }, (_, i) => timed(() => postToSlackEndpoint(bot.baseUrl, commandFrom('T0WARM', 'who encrypts EBS volumes?', fake.responseUrl(`hung-cmd-${i}`)))));
    const clicks = Array.from({ length: 4 }, (_, i) => timed(() => postToSlackEndpoint(bot.baseUrl, helpfulClickFrom('T0WARM', fake.responseUrl(`hung-click-${i}`)))));
    const warmAcks = await Promise.all([...commands, ...clicks]);
    for (const ack of warmAcks) {
      expect(ack.result.status).toBe(200);
      expect(ack.ms).toBeLessThan(1000);
    }
    // Nothing says "unavailable" to a workspace the replica knows.
    for (const ack of warmAcks) expect(ack.result.text).not.toContain('cannot reach my database');

    const coldCommand = await timed(() => postToSlackEndpoint(bot.baseUrl, commandFrom('T0COLD', 'who encrypts EBS volumes?', fake.responseUrl('cold-cmd'))));
    expect(coldCommand.result.status).toBe(200);
    expect(JSON.parse(coldCommand.result.text)).toEqual({ response_type: 'ephemeral', text: UNAVAILABLE_TEXT });
    expect(coldCommand.ms).toBeGreaterThan(900);
    expect(coldCommand.ms).toBeLessThan(1800);
    const coldClick = await timed(() => postToSlackEndpoint(bot.baseUrl, helpfulClickFrom('T0COLD', fake.responseUrl('cold-click'))));
    expect(coldClick.result.status).toBe(503);
    expect(coldClick.ms).toBeLessThan(1800);

    pg.resume();
    const responsesBefore = fake.callsTo('chat.postEphemeral').length;
    // The cold workspace is read once the store answers again, and its command is answered normally.
    let recovered: { status: number; text: string } | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      recovered = await postToSlackEndpoint(bot.baseUrl, commandFrom('T0COLD', 'who encrypts EBS volumes?', fake.responseUrl('cold-after')));
      if (!recovered.text.includes('cannot reach my database')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered?.status).toBe(200);
    expect(recovered?.text).not.toContain('cannot reach my database');
    await fake.waitForCalls('chat.postEphemeral', responsesBefore + 1, 15_000);
  }, 60_000);
});
