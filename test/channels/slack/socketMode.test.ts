import { startTestApp, type TestApp } from '../../helpers/app';
import { FakeSlackApi } from './fakeSlackApi';
import { eventId, mention } from './payloads';
import { TEST_APP_TOKEN, TEST_BOT_TOKEN } from './signedRequest';

describe('Slack Socket Mode (SLACK_APP_TOKEN)', () => {
  let fake: FakeSlackApi;
  let app: TestApp;
  beforeAll(async () => {
    fake = await new FakeSlackApi().start();
    app = await startTestApp({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_APP_TOKEN: TEST_APP_TOKEN, SLACK_API_URL: fake.apiUrl });
    await fake.waitForSockets(1);
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it('opens the connection with the app token through apps.connections.open', () => {
    const [open] = fake.callsTo('apps.connections.open');
    expect(open.authorization).toBe(`Bearer ${TEST_APP_TOKEN}`);
  });

  it('does not serve /slack/events over HTTP', async () => {
    expect((await fetch(`${app.baseUrl}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acks the envelope and answers once, even when the envelope is redelivered', async () => {
    const payload = mention('who patches the guest OS on EC2?', {});
    const id = eventId();
    payload.event_id = id;
    fake.sendEnvelope({ type: 'events_api', envelope_id: 'env-1', payload, accepts_response_payload: false, retry_attempt: 0, retry_reason: '' });
    await fake.waitFor(() => fake.socketAcks.some((a) => a.envelope_id === 'env-1'));
    const [post] = await fake.waitForCalls('chat.postMessage');
    expect(post.args.thread_ts).toBe((payload.event as { ts: string }).ts);
    fake.sendEnvelope({ type: 'events_api', envelope_id: 'env-2', payload, accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout' });
    await fake.waitFor(() => fake.socketAcks.some((a) => a.envelope_id === 'env-2'));
    const metrics = async () => (await fetch(`${app.baseUrl}/metrics`)).text();
    const deadline = Date.now() + 5000;
    while (!/whosecures_retries_dropped_total\{platform="slack"\} 1/.test(await metrics())) {
      if (Date.now() > deadline) throw new Error('retry was not dropped');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('answers slash commands over the socket with an ephemeral message', async () => {
    fake.sendEnvelope({
      type: 'slash_commands',
      envelope_id: 'env-cmd',
      accepts_response_payload: true,
      payload: { command: '/whosecures', text: 'help', user_id: 'UASKER1', channel_id: 'C0CHAN', team_id: 'T0TEST', response_url: fake.responseUrl('sock'), trigger_id: '1', api_app_id: 'A0TEST' },
    });
    await fake.waitFor(() => fake.socketAcks.some((a) => a.envelope_id === 'env-cmd'));
    const [eph] = await fake.waitForCalls('chat.postEphemeral');
    expect(JSON.stringify(eph.args.blocks)).toMatch(/What I can answer/);
  });
});
